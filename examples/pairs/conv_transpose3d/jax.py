import math

import jax
import jax.numpy as jnp
from flax import nnx


class ConvTranspose3d(nnx.Module):
    """torch.nn.ConvTranspose3d, weight in torch layout (in, out, kd, kh, kw)."""

    def __init__(self, cin, cout, k, stride, padding, output_padding, *, rngs: nnx.Rngs):
        bound = 1.0 / math.sqrt(cout * math.prod(k))
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (cin, cout, *k), minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (cout,), minval=-bound, maxval=bound))
        self.k, self.stride, self.padding, self.output_padding = k, stride, padding, output_padding

    def __call__(self, x):
        w = jnp.flip(self.weight[...], axis=(2, 3, 4)).swapaxes(0, 1)
        pads = [(k - 1 - p, k - 1 - p + op) for k, p, op in zip(self.k, self.padding, self.output_padding)]
        y = jax.lax.conv_general_dilated(x, w, window_strides=(1, 1, 1), padding=pads, lhs_dilation=self.stride,
                                         dimension_numbers=("NCDHW", "OIDHW", "NCDHW"))
        return y + self.bias[...][None, :, None, None, None]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.up = ConvTranspose3d(3, 2, (2, 3, 3), (1, 2, 2), (0, 1, 1), (0, 1, 0), rngs=rngs)

    def __call__(self, x):
        return self.up(x)
