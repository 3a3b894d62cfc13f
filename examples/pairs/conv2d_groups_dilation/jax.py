import math

import jax
from flax import nnx


class Conv2d(nnx.Module):
    """torch.nn.Conv2d with its weight kept in torch layout (out, in/groups, kh, kw)."""

    def __init__(self, cin, cout, k, padding, dilation, groups, *, rngs: nnx.Rngs):
        bound = 1.0 / math.sqrt(cin // groups * k * k)
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (cout, cin // groups, k, k), minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (cout,), minval=-bound, maxval=bound))
        self.padding, self.dilation, self.groups = padding, dilation, groups

    def __call__(self, x):
        y = jax.lax.conv_general_dilated(
            x, self.weight[...], window_strides=(1, 1),
            padding=((self.padding, self.padding), (self.padding, self.padding)),
            rhs_dilation=(self.dilation, self.dilation), feature_group_count=self.groups,
            dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + self.bias[...][None, :, None, None]


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = Conv2d(6, 4, 3, padding=2, dilation=2, groups=2, rngs=rngs)

    def __call__(self, x):
        return self.conv(x)
