import optax
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(12, 5, rngs=rngs)

    def __call__(self, x, target):
        # BUG: label_smoothing=0.1 dropped
        return optax.softmax_cross_entropy_with_integer_labels(self.fc(x), target).mean()
