"""torch.save/torch.load and load_state_dict as pickled NumPy pytrees."""

import jax
import numpy as np
from flax import nnx


def save_checkpoint(obj, path):
    """torch.save of a state dict -> a pickled pytree of numpy arrays (nnx.State -> pure dict first)."""
    import pickle

    if isinstance(obj, nnx.State):
        obj = nnx.to_pure_dict(obj)
    with open(path, "wb") as f:
        pickle.dump(jax.tree.map(np.asarray, obj), f)


def load_checkpoint(path):
    """torch.load -> the pytree written by save_checkpoint."""
    import pickle

    with open(path, "rb") as f:
        return pickle.load(f)


def load_state_dict(model, state_dict):
    """model.load_state_dict(sd) for a pure dict (from load_checkpoint) or an nnx.State."""
    state = nnx.state(model)
    if isinstance(state_dict, nnx.State):
        nnx.update(model, state_dict)
        return
    nnx.replace_by_pure_dict(state, state_dict)
    nnx.update(model, state)
