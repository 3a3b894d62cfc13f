# A "translation" that calls torch from inside the jitted program through a host callback.
import jax
import numpy as np
from flax import nnx


def _torch_tanh_linear(x, w, b):
    import torch

    return torch.tanh(
        torch.from_numpy(np.asarray(x)) @ torch.from_numpy(np.asarray(w)) + torch.from_numpy(np.asarray(b))
    ).numpy()


class Model(nnx.Module):
    def __init__(self, *, rngs):
        self.fc = nnx.Linear(8, 4, rngs=rngs)

    def __call__(self, x):
        out = jax.ShapeDtypeStruct((x.shape[0], 4), x.dtype)
        return jax.pure_callback(_torch_tanh_linear, out, x, self.fc.kernel[...], self.fc.bias[...])
