from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.norm = nnx.RMSNorm(16, epsilon=1e-6, rngs=rngs)
        self.fc = nnx.Linear(16, 4, rngs=rngs)

    def __call__(self, x):
        return self.fc(self.norm(x))
