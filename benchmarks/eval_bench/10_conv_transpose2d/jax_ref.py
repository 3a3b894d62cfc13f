import jax
import jax.numpy as jnp
from flax import nnx


def _uniform(key, shape, fan_in):
    bound = 1.0 / fan_in ** 0.5
    return jax.random.uniform(key, shape, minval=-bound, maxval=bound)


class ConvTranspose2d(nnx.Module):
    """torch.nn.ConvTranspose2d, weight in torch layout (in, out, kh, kw), NCHW in and out."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, output_padding, *, rngs: nnx.Rngs):
        fan_in = out_channels * kernel_size * kernel_size
        self.weight = nnx.Param(_uniform(rngs.params(), (in_channels, out_channels, kernel_size, kernel_size), fan_in))
        self.bias = nnx.Param(_uniform(rngs.params(), (out_channels,), fan_in))
        self.k, self.stride, self.padding, self.output_padding = kernel_size, stride, padding, output_padding

    def __call__(self, x):
        lo = self.k - 1 - self.padding
        hi = lo + self.output_padding
        kernel = jnp.flip(self.weight[...], axis=(2, 3))
        y = jax.lax.conv_general_dilated(
            x, kernel, window_strides=(1, 1), padding=[(lo, hi), (lo, hi)],
            lhs_dilation=(self.stride, self.stride), dimension_numbers=("NCHW", "IOHW", "NCHW"))
        return y + self.bias[...][None, :, None, None]


class Conv2d(nnx.Module):
    """torch.nn.Conv2d, weight in torch layout (out, in, kh, kw), NCHW in and out."""

    def __init__(self, in_channels, out_channels, kernel_size, padding, *, rngs: nnx.Rngs):
        fan_in = in_channels * kernel_size * kernel_size
        self.weight = nnx.Param(_uniform(rngs.params(), (out_channels, in_channels, kernel_size, kernel_size), fan_in))
        self.bias = nnx.Param(_uniform(rngs.params(), (out_channels,), fan_in))
        self.padding = padding

    def __call__(self, x):
        p = self.padding
        y = jax.lax.conv_general_dilated(x, self.weight[...], (1, 1), [(p, p), (p, p)],
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + self.bias[...][None, :, None, None]


class Model(nnx.Module):
    """ConvTranspose2d (kernel 3, stride 2, padding 1, output_padding 1) then a 3x3 Conv2d."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.up = ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1, rngs=rngs)
        self.conv = Conv2d(16, 8, 3, padding=1, rngs=rngs)

    def __call__(self, x):
        return self.conv(jax.nn.relu(self.up(x)))
