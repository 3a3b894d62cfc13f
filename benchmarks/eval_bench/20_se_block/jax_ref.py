import jax
from flax import nnx


class Model(nnx.Module):
    """Squeeze-and-excitation: global average pool, bottleneck MLP, sigmoid channel gate."""

    def __init__(self, channels, reduction, *, rngs: nnx.Rngs):
        self.fc1 = nnx.Linear(channels, channels // reduction, rngs=rngs)
        self.fc2 = nnx.Linear(channels // reduction, channels, rngs=rngs)

    def __call__(self, x):
        s = x.mean(axis=(2, 3))
        s = jax.nn.sigmoid(self.fc2(jax.nn.relu(self.fc1(s))))
        return x * s[:, :, None, None]
