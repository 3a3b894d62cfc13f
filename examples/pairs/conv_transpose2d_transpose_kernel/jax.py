import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        # transpose_kernel=True: Flax flips the kernel and swaps in/out itself (the gradient of a convolution,
        # which is what torch's ConvTranspose computes); kernel layout (kh, kw, out, in)
        self.up = nnx.ConvTranspose(4, 3, kernel_size=(4, 4), strides=(2, 2), padding=((2, 2), (2, 2)),
                                    use_bias=False, transpose_kernel=True, rngs=rngs)

    def __call__(self, x):
        return jnp.transpose(self.up(jnp.transpose(x, (0, 2, 3, 1))), (0, 3, 1, 2))
