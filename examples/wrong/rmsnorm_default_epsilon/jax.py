from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.norm = nnx.RMSNorm(16, rngs=rngs)  # BUG: Flax's default epsilon is 1e-6, torch's is finfo.eps

    def __call__(self, x):
        return self.norm(x)
