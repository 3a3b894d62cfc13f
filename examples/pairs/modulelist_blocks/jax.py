import jax
from flax import nnx


class Block(nnx.Module):
    def __init__(self, dim, *, rngs: nnx.Rngs):
        self.norm = nnx.LayerNorm(dim, epsilon=1e-5, rngs=rngs)
        self.fc = nnx.Linear(dim, dim, rngs=rngs)

    def __call__(self, x):
        return x + jax.nn.relu(self.fc(self.norm(x)))


class Model(nnx.Module):
    def __init__(self, dim, depth, *, rngs: nnx.Rngs):
        self.blocks = nnx.List([Block(dim, rngs=rngs) for _ in range(depth)])
        self.out = nnx.Linear(dim, 2, rngs=rngs)

    def __call__(self, x):
        for block in self.blocks:
            x = block(x)
        return self.out(x)
