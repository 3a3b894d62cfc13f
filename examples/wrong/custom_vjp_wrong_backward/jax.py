import jax
import jax.numpy as jnp
from flax import nnx


@jax.custom_vjp
def clamp(x):
    return jnp.clip(x, -0.5, 0.5)


def _clamp_fwd(x):
    return clamp(x), None


def _clamp_bwd(_, g):
    return (g,)  # BUG: straight-through gradient; torch's clamp passes no gradient where it clips


clamp.defvjp(_clamp_fwd, _clamp_bwd)


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(6, 6, rngs=rngs)

    def __call__(self, x):
        return clamp(self.fc(x)) * 3.0
