from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(6, 6, rngs=rngs)
        self.bn = nnx.BatchNorm(6, momentum=0.9, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        return self.bn(self.fc(x), use_running_average=False)  # BUG: batch statistics even in eval mode
