import jax
import jax.numpy as jnp
from flax import nnx


def _uniform(key, shape, fan_in):
    bound = 1.0 / fan_in ** 0.5
    return jax.random.uniform(key, shape, minval=-bound, maxval=bound)


class Conv2d(nnx.Module):
    """torch.nn.Conv2d, weight (out, in, k, k); NCHW."""

    def __init__(self, in_ch, out_ch, k, stride=1, padding=0, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(_uniform(rngs.params(), (out_ch, in_ch, k, k), in_ch * k * k))
        self.bias = nnx.Param(_uniform(rngs.params(), (out_ch,), in_ch * k * k))
        self.stride, self.padding = stride, padding

    def __call__(self, x):
        p = self.padding
        y = jax.lax.conv_general_dilated(x, self.weight[...], (self.stride, self.stride), [(p, p), (p, p)],
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + self.bias[...][None, :, None, None]


class ConvTranspose2d(nnx.Module):
    """torch.nn.ConvTranspose2d, weight (in, out, k, k); NCHW. Gradient-of-conv formulation."""

    def __init__(self, in_ch, out_ch, k, stride=1, padding=0, output_padding=0, *, rngs: nnx.Rngs):
        self.weight = nnx.Param(_uniform(rngs.params(), (in_ch, out_ch, k, k), out_ch * k * k))
        self.bias = nnx.Param(_uniform(rngs.params(), (out_ch,), out_ch * k * k))
        self.k, self.stride, self.padding, self.output_padding = k, stride, padding, output_padding

    def __call__(self, x):
        lo = self.k - 1 - self.padding
        hi = lo + self.output_padding
        y = jax.lax.conv_general_dilated(x, jnp.flip(self.weight[...], axis=(2, 3)), (1, 1), [(lo, hi), (lo, hi)],
                                         lhs_dilation=(self.stride, self.stride),
                                         dimension_numbers=("NCHW", "IOHW", "NCHW"))
        return y + self.bias[...][None, :, None, None]


class Model(nnx.Module):
    """Convolutional autoencoder: strided convs down to a 64x1x1 code, transposed convs back up, sigmoid."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.encoder = nnx.Sequential(
            Conv2d(1, 16, 3, stride=2, padding=1, rngs=rngs),
            jax.nn.relu,
            Conv2d(16, 32, 3, stride=2, padding=1, rngs=rngs),
            jax.nn.relu,
            Conv2d(32, 64, 7, rngs=rngs),
        )
        self.decoder = nnx.Sequential(
            ConvTranspose2d(64, 32, 7, rngs=rngs),
            jax.nn.relu,
            ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1, rngs=rngs),
            jax.nn.relu,
            ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1, rngs=rngs),
            jax.nn.sigmoid,
        )

    def __call__(self, x):
        return self.decoder(self.encoder(x))
