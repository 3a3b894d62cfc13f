import jax
import jax.numpy as jnp
from flax import nnx


class Conv1d(nnx.Module):
    """torch.nn.Conv1d with the weight kept in torch layout (out, in/groups, k), NCL in and out."""

    def __init__(self, in_channels, out_channels, kernel_size, *, padding=0, dilation=1, groups=1, rngs: nnx.Rngs):
        bound = 1.0 / (in_channels // groups * kernel_size) ** 0.5
        self.weight = nnx.Param(jax.random.uniform(rngs.params(), (out_channels, in_channels // groups, kernel_size),
                                                   minval=-bound, maxval=bound))
        self.bias = nnx.Param(jax.random.uniform(rngs.params(), (out_channels,), minval=-bound, maxval=bound))
        self.padding, self.dilation, self.groups = padding, dilation, groups

    def __call__(self, x):
        y = jax.lax.conv_general_dilated(
            x, self.weight[...], window_strides=(1,), padding=[(self.padding, self.padding)],
            rhs_dilation=(self.dilation,), dimension_numbers=("NCH", "OIH", "NCH"),
            feature_group_count=self.groups)
        return y + self.bias[...][None, :, None]


class Model(nnx.Module):
    """Grouped, dilated Conv1d followed by a pointwise Conv1d."""

    def __init__(self, *, rngs: nnx.Rngs):
        self.conv = Conv1d(32, 64, 3, dilation=2, padding=2, groups=4, rngs=rngs)
        self.pointwise = Conv1d(64, 32, 1, rngs=rngs)

    def __call__(self, x):
        return self.pointwise(jax.nn.relu(self.conv(x)))
