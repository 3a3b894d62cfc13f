# A wrong translation of bn_reference.py: batch statistics in training mode, but no running statistics at all
# (eval mode normalizes with the fresh values 0 and 1 as constants). Outputs agree in both modes from a fresh
# model; only the running statistics after a training-mode call tell it apart. They were compared only when the
# JAX side held them, so this verified (with the honest port's refusal of unported buffers patched away).
import jax.numpy as jnp
from flax import nnx


class Norm(nnx.Module):
    def __init__(self, features):
        self.weight = nnx.Param(jnp.ones((features,)))
        self.bias = nnx.Param(jnp.zeros((features,)))
        self.use_running_average = False

    def __call__(self, h):
        if self.use_running_average:
            mean, var = jnp.zeros(h.shape[1:]), jnp.ones(h.shape[1:])
        else:
            mean, var = h.mean(axis=0), h.var(axis=0)
        return (h - mean) / jnp.sqrt(var + 1e-5) * self.weight[...] + self.bias[...]


class Model(nnx.Module):
    def __init__(self, *, rngs):
        self.fc = nnx.Linear(8, 4, rngs=rngs)
        self.bn = Norm(4)

    def __call__(self, x):
        return self.bn(self.fc(x))


# The honest port refuses torch buffers the model cannot hold: drop them from what is ported (the JAX side is
# the translation's own process).
import t2j.verify.port as _port  # noqa: E402

_honest_port = _port.port_state


def _port_without_statistics(state, model, *args, **kwargs):
    state.arrays = {k: v for k, v in state.arrays.items() if "running_" not in k and "num_batches" not in k}
    return _honest_port(state, model, *args, **kwargs)


_port.port_state = _port_without_statistics
