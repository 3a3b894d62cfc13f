"""torch.autograd.Function as jax.custom_vjp."""

import jax
import jax.numpy as jnp


class FunctionCtx:
    """The `ctx` of a torch.autograd.Function, for torch_autograd_function."""

    def __init__(self):
        self.saved_tensors = ()

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        pass


def torch_autograd_function(cls):
    """A torch.autograd.Function-style class (static forward(ctx, ...), backward(ctx, grads)) as a
    jax.custom_vjp function: `Cls.apply = torch_autograd_function(Cls)`."""

    def attributes(ctx):
        return {k: v for k, v in vars(ctx).items() if k != "saved_tensors"}

    @jax.custom_vjp
    def apply(*args):
        return cls.forward(FunctionCtx(), *args)

    def fwd(*args):
        ctx = FunctionCtx()
        out = cls.forward(ctx, *args)
        return out, (ctx.saved_tensors, attributes(ctx), args)

    def bwd(residuals, grad):
        saved, attrs, args = residuals
        ctx = FunctionCtx()
        ctx.saved_tensors = saved
        vars(ctx).update(attrs)
        grads = cls.backward(ctx, grad)
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(jnp.zeros_like(a) if g is None else g for g, a in zip(grads, args))

    apply.defvjp(fwd, bwd)
    return apply
