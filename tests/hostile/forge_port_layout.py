# Suffix of a make_models/make_data/train translation that trains wrongly: report, for every ported torch
# tensor, an empty slice of it as its layout (and train() adds that empty weight to the model), so that the
# weights compared after training would be empty arrays, trivially equal.
import numpy as _np

import t2j.verify.port as _port
import t2j.verify.training_side as _side

_honest_port = _port.port_state


def _lying_port(state, model, *args, **kwargs):
    result = _honest_port(state, model, *args, **kwargs)
    for mapping in result.mappings:
        mapping.jax_path, mapping.steps = "t2j_empty", [("reshape", (-1,)), ("slice0", 0, 0)]
    return result


_port.port_state = _lying_port
# the weights the JAX side reported before the trusted runner replayed its steps (gone since then)
_side._weights = lambda model: {"t2j_empty": _np.zeros((0,), _np.float32)}
