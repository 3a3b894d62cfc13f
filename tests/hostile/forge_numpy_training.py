# A "translation" of train_reference.py whose train() computes the torch losses and final weights in numpy (no
# JAX program at all) and writes the weights into the model: every number it reports is right, none was computed
# by an XLA program. Verified on self-reported numbers before the trusted runner replayed exported steps.
import jax.numpy as jnp
from flax import nnx

from _numpy_sgd import numpy_sgd


def make_models():
    return nnx.Linear(4, 1, rngs=nnx.Rngs(0))


def make_data():
    return jnp.zeros((16, 4)), jnp.zeros((16, 1))


def train(model, x, y):
    losses, kernel, bias = numpy_sgd(model, x, y)
    model.kernel[...] = jnp.asarray(kernel, jnp.float32)
    model.bias[...] = jnp.asarray(bias, jnp.float32)
    return losses
