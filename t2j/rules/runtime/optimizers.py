"""torch.optim optimizers as optax chains with torch's weight-decay semantics, gradient clipping, param_groups."""

import jax
import jax.numpy as jnp
import optax


def torch_sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False):
    """optim.SGD: maximize negates the gradient, weight decay is added to it, then torch's momentum buffer."""

    def make(learning_rate, momentum):
        parts = [optax.scale(-1.0)] if maximize else []
        parts += [optax.add_decayed_weights(weight_decay)] if weight_decay else []
        parts += [torch_sgd_momentum(momentum, dampening, nesterov), optax.scale_by_learning_rate(learning_rate)]
        return optax.chain(*parts)

    # momentum is injected (a momentum of 0 is plain SGD) so that OneCycleLR can cycle it as torch does
    return optax.inject_hyperparams(make)(learning_rate=lr, momentum=momentum)


def torch_sgd_momentum(momentum, dampening=0.0, nesterov=False):
    """torch's SGD momentum: the buffer starts as the first gradient, then buf = momentum * buf + (1 - dampening)
    * g; Nesterov steps along g + momentum * buf; with momentum 0 the step is the gradient itself."""

    def init(params):
        return (jnp.zeros([], jnp.int32), jax.tree.map(jnp.zeros_like, params))

    def update(updates, state, params=None):
        count, buf = state
        buf = jax.tree.map(lambda b, g: jnp.where(count == 0, g, momentum * b + (1 - dampening) * g), buf, updates)
        step = jax.tree.map(lambda g, b: g + momentum * b, updates, buf) if nesterov else buf
        step = jax.tree.map(lambda g, s: jnp.where(momentum != 0, s, g), updates, step)
        return step, (count + 1, buf)

    return optax.GradientTransformation(init, update)


def torch_adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, maximize=False):
    """optim.Adam: weight decay is L2 added to the gradient (not decoupled)."""

    def make(learning_rate, b1):
        parts = [optax.scale(-1.0)] if maximize else []
        parts += [optax.add_decayed_weights(weight_decay)] if weight_decay else []
        if amsgrad:
            parts += [torch_scale_by_amsgrad(b1, betas[1], eps), optax.scale_by_learning_rate(learning_rate)]
        else:
            parts.append(optax.adam(learning_rate, b1=b1, b2=betas[1], eps=eps))
        return optax.chain(*parts)

    return optax.inject_hyperparams(make)(learning_rate=lr, b1=betas[0])  # b1: cycled by OneCycleLR


def torch_scale_by_amsgrad(b1, b2, eps):
    """torch's AMSGrad step: the running maximum of the raw second moment, bias-corrected after the maximum
    (optax.amsgrad takes the maximum of the bias-corrected moment, which differs in the first steps)."""

    def init(params):
        zeros = lambda: jax.tree.map(jnp.zeros_like, params)  # noqa: E731
        return (jnp.zeros([], jnp.int32), zeros(), zeros(), zeros())

    def update(updates, state, params=None):
        count, mu, nu, nu_max = state
        count = count + 1
        mu = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, mu, updates)
        nu = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, nu, updates)
        nu_max = jax.tree.map(jnp.maximum, nu_max, nu)
        c1, c2 = 1 - b1**count, 1 - b2**count
        step = jax.tree.map(lambda m, v: (m / c1) / (jnp.sqrt(v) / jnp.sqrt(c2) + eps), mu, nu_max)
        return step, (count, mu, nu, nu_max)

    return optax.GradientTransformation(init, update)


def torch_adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False):
    """optim.AdamW: decoupled weight decay scaled by the learning rate (torch's default 0.01)."""

    def make(learning_rate, b1):
        flip = [optax.scale(-1.0)] if maximize else []
        if amsgrad:
            return optax.chain(
                *flip,
                torch_scale_by_amsgrad(b1, betas[1], eps),
                optax.add_decayed_weights(weight_decay),
                optax.scale_by_learning_rate(learning_rate),
            )
        return optax.chain(*flip, optax.adamw(learning_rate, b1=b1, b2=betas[1], eps=eps, weight_decay=weight_decay))

    return optax.inject_hyperparams(make)(learning_rate=lr, b1=betas[0])  # b1: cycled by OneCycleLR


def torch_rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False):
    """optim.RMSprop: eps added outside the square root, L2 weight decay on the gradient."""

    def make(learning_rate):
        parts = [optax.scale(-1.0)] if maximize else []
        parts += [optax.add_decayed_weights(weight_decay)] if weight_decay else []
        parts.append(
            optax.rmsprop(
                learning_rate, decay=alpha, eps=eps, eps_in_sqrt=False, centered=centered, momentum=momentum or None
            )
        )
        return optax.chain(*parts)

    return optax.inject_hyperparams(make)(learning_rate=lr)


def torch_clip_grad_norm(grads, max_norm, norm_type=2.0):
    """nn.utils.clip_grad_norm_ on a gradient pytree: scale by max_norm / (total norm + 1e-6), at most 1."""
    leaves = jax.tree.leaves(grads)
    if norm_type == float("inf"):
        total = jnp.max(jnp.stack([jnp.max(jnp.abs(g)) for g in leaves]))
    else:
        total = sum(jnp.sum(jnp.abs(g) ** norm_type) for g in leaves) ** (1.0 / norm_type)
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return jax.tree.map(lambda g: g * coef, grads)


def torch_clip_grad_value(grads, clip_value):
    """nn.utils.clip_grad_value_ on a gradient pytree: every element clamped to [-clip_value, clip_value]."""
    return jax.tree.map(lambda g: jnp.clip(g, -clip_value, clip_value), grads)


def torch_param_groups(optimizer):
    """A read-only view of optimizer.param_groups for the hyperparameters the emitted optimizers inject (logging
    `param_groups[0]["lr"]`); set them through `optimizer.opt_state.hyperparams`."""
    hyper = optimizer.opt_state.hyperparams
    names = {"learning_rate": "lr", "momentum": "momentum", "b1": "beta1"}
    return [{names.get(k, k): float(v[...]) for k, v in hyper.items()}]
