import math

import jax
import jax.numpy as jnp
from flax import nnx


class ConvTranspose1d(nnx.Module):
    """torch.nn.ConvTranspose1d, weight in torch layout (in, out, k): a dilated-input convolution with the
    spatially flipped, in/out-swapped kernel."""

    def __init__(self, cin, cout, k, stride, padding, *, rngs: nnx.Rngs):
        bound = 1.0 / math.sqrt(cout * k)
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (cin, cout, k), minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (cout,), minval=-bound, maxval=bound))
        self.k, self.stride, self.padding = k, stride, padding

    def __call__(self, x):
        w = jnp.flip(self.weight[...], axis=2).swapaxes(0, 1)
        p = self.k - 1 - self.padding
        y = jax.lax.conv_general_dilated(x, w, window_strides=(1,), padding=((p, p),), lhs_dilation=(self.stride,),
                                         dimension_numbers=("NCH", "OIH", "NCH"))
        return y + self.bias[...][None, :, None]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.up = ConvTranspose1d(4, 3, 4, stride=2, padding=1, rngs=rngs)

    def __call__(self, x):
        return self.up(x)
