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
