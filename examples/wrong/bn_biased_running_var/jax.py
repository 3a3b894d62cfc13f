from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        # momentum inverted correctly, but nnx.BatchNorm updates var with the biased batch variance;
        # torch uses the unbiased one (n / (n - 1) = 4/3 here)
        self.bn = nnx.BatchNorm(5, momentum=0.7, epsilon=1e-5, rngs=rngs)

    def __call__(self, x):
        return self.bn(x)
