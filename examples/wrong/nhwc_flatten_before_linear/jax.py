import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 4, kernel_size=(3, 3), padding=((1, 1), (1, 1)), rngs=rngs)
        self.fc = nnx.Linear(4 * 5 * 5, 6, rngs=rngs)

    def __call__(self, x):
        y = jax.nn.relu(self.conv(jnp.transpose(x, (0, 2, 3, 1))))
        return self.fc(y.reshape(y.shape[0], -1))  # BUG: flattens (H, W, C), torch flattens (C, H, W)
