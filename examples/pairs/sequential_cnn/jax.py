import jax
import jax.numpy as jnp
from flax import nnx


def max_pool_2x2(x):  # NHWC
    return nnx.max_pool(x, window_shape=(2, 2), strides=(2, 2))


def flatten_nchw(x):  # NHWC in; flatten in torch's (C, H, W) order
    return jnp.transpose(x, (0, 3, 1, 2)).reshape(x.shape[0], -1)


class Model(nnx.Module):
    def __init__(self, classes, *, rngs: nnx.Rngs):
        # same indices as the torch Sequential so weights port by path (features.0, features.3, classifier.1)
        self.features = nnx.Sequential(
            nnx.Conv(3, 8, kernel_size=(3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
            jax.nn.relu,
            max_pool_2x2,
            nnx.Conv(8, 8, kernel_size=(3, 3), padding=((1, 1), (1, 1)), rngs=rngs),
            jax.nn.relu,
        )
        self.classifier = nnx.Sequential(flatten_nchw, nnx.Linear(8 * 4 * 4, classes, rngs=rngs))

    def __call__(self, x):  # NCHW
        return self.classifier(self.features(jnp.transpose(x, (0, 2, 3, 1))))
