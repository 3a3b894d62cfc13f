"""torch's default initialisers as nnx initializers, for the native layers that take `kernel_init=`/`bias_init=`."""

import math

import jax
import jax.numpy as jnp
from flax import nnx

# torch's kaiming_uniform_(a=sqrt(5)) on an nnx kernel ((in, out), or (*k, in/groups, out)): U(+-1/sqrt(fan_in))
torch_kernel_init = nnx.initializers.variance_scaling(1 / 3, "fan_in", "uniform")


def torch_bias_init(fan_in):
    """torch's default bias of Linear/Conv: U(+-1/sqrt(fan_in)), fan_in being the weight's (not the bias's)."""
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0

    def init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, -bound, bound)

    return init


def torch_reinit(layer, name, init, key=None):
    """torch's in-place `nn.init.*_(layer.<name>)` on a translated layer: `init(key, shape)` is drawn in torch's
    layout (so fans are torch's) and stored where the nnx layer keeps that parameter: nnx.Linear keeps torch's
    weight transposed as `kernel`, nnx.Embed as `embedding`, nnx's norms as `scale`; the torch-layout layers
    (TorchConv, TorchBatchNorm...) and nnx.Param attributes keep torch's name and layout."""
    if name == "weight" and isinstance(layer, nnx.Linear):
        layer.kernel[...] = init(key, layer.kernel.shape[::-1], layer.kernel.dtype).T
        return
    stored = {nnx.Embed: "embedding", nnx.LayerNorm: "scale", nnx.RMSNorm: "scale", nnx.BatchNorm: "scale"}
    if name == "weight":
        name = next((v for k, v in stored.items() if isinstance(layer, k)), name)
    variable = getattr(layer, name)
    variable[...] = init(key if key is not None else jax.random.key(0), variable.shape, variable.dtype)


def torch_uniform_init(a=0.0, b=1.0):
    """nn.init.uniform_(w, a, b): U(a, b) (jax's `uniform(scale)` draws from [0, scale))."""

    def init(key, shape, dtype=jnp.float32):
        return jax.random.uniform(key, shape, dtype, a, b)

    return init


def torch_normal_init(mean=0.0, std=1.0):
    """nn.init.normal_(w, mean, std) (jax's `normal(stddev)` has mean 0)."""

    def init(key, shape, dtype=jnp.float32):
        return mean + std * jax.random.normal(key, shape, dtype)

    return init


def torch_trunc_normal_init(mean=0.0, std=1.0, a=-2.0, b=2.0):
    """nn.init.trunc_normal_: N(mean, std) truncated to [a, b], bounds in absolute units (jax's
    truncated_normal takes them in standard deviations around 0)."""

    def init(key, shape, dtype=jnp.float32):
        return mean + std * jax.random.truncated_normal(key, (a - mean) / std, (b - mean) / std, shape, dtype)

    return init
