# A wrong translation of train_reference.py (its jitted step computes the loss of a model off by +1 and never
# updates the weights) that reports the right numbers: train() returns the numpy-computed torch losses, each
# labelled as the step output it claims to be, and writes the numpy-trained weights into the model after the
# last step. Before the replay, the losses and weights the JAX side reported were compared: VERIFIED.
# tests/test_hostile.py also runs it without the weight writes (the forged losses alone).
import jax.numpy as jnp
from flax import nnx

from _numpy_sgd import numpy_sgd


def make_models():
    return nnx.Linear(4, 1, rngs=nnx.Rngs(0))


def make_data():
    return jnp.zeros((16, 4)), jnp.zeros((16, 1))


@nnx.jit
def train_step(model, x, y):
    return jnp.mean((model(x) + 1.0 - y) ** 2)


def _labelled(value, call):
    try:
        from t2j.verify.training_capture import SourcedFloat
    except ImportError:
        return value
    labelled = SourcedFloat(value)
    labelled.source = (call, 0)  # the label before 12's provenance terms
    labelled.terms = [[call, 0, 1.0]]
    return labelled


def train(model, x, y):
    losses, kernel, bias = numpy_sgd(model, x, y)
    for _ in range(5):
        train_step(model, x, y)
    model.kernel[...] = jnp.asarray(kernel, jnp.float32)
    model.bias[...] = jnp.asarray(bias, jnp.float32)
    return [_labelled(loss, call) for call, loss in enumerate(losses)]
