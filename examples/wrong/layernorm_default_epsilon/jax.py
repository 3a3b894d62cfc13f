from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.norm = nnx.LayerNorm(32, use_fast_variance=False, rngs=rngs)  # BUG: Flax's eps is 1e-6, torch's 1e-5

    def __call__(self, x):
        return self.norm(x)
