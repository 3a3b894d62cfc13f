import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.trunk = nnx.Sequential(nnx.Linear(10, 16, rngs=rngs), jnp.tanh, nnx.Linear(16, 16, rngs=rngs))
        self.heads = nnx.Dict({"cls": nnx.Linear(16, 5, rngs=rngs), "box": nnx.Linear(16, 4, rngs=rngs)})

    def __call__(self, x):
        h = self.trunk(x)
        out = {name: self.heads[name](h) for name in ("cls", "box")}
        out["cls"] = jax.nn.log_softmax(out["cls"], axis=-1)
        return out
