# Shared by the training attacks: torch's training of train_reference.py done exactly in numpy (float64), from
# the weights the verifier ported into the model. Numbers no JAX program computed.
import numpy as np


def numpy_sgd(model, x, y, steps=5, lr=0.1):
    """The per-step losses and the final (kernel, bias) of torch's SGD run."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    kernel = np.asarray(model.kernel[...], np.float64)
    bias = np.asarray(model.bias[...], np.float64)
    losses = []
    for _ in range(steps):
        error = x @ kernel + bias - y
        losses.append(float(np.mean(error**2)))
        kernel = kernel - lr * 2 * x.T @ error / error.size
        bias = bias - lr * 2 * error.sum(axis=0) / error.size
    return losses, kernel, bias
