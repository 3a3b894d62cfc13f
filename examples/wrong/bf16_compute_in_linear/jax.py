import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        # BUG: a mixed-precision config copied along: the matmuls run in bfloat16 (8-bit mantissa)
        self.fc1 = nnx.Linear(64, 64, dtype=jnp.bfloat16, rngs=rngs)
        self.fc2 = nnx.Linear(64, 8, dtype=jnp.bfloat16, rngs=rngs)

    def __call__(self, x):
        return self.fc2(jnp.tanh(self.fc1(x))).astype(jnp.float32)
