# A host callback smuggled past jax.export's own refusal (its check patched out): the runner must refuse the
# program. The callback computes the right numbers in numpy, so only the rejection stops it.
import jax
import jax._src.export._export as export_internals
import numpy as np
from flax import nnx

export_internals._check_lowering = lambda lowering: None
_stable = export_internals._CUSTOM_CALL_TARGETS_GUARANTEED_STABLE
export_internals._CUSTOM_CALL_TARGETS_GUARANTEED_STABLE = set(_stable) | {
    "xla_python_cpu_callback",
    "xla_ffi_python_cpu_callback",
    "xla_ffi_partial_python_cpu_callback",
}


def _numpy_tanh_linear(x, w, b):
    return np.tanh(np.asarray(x) @ np.asarray(w) + np.asarray(b)).astype(np.float32)


class Model(nnx.Module):
    def __init__(self, *, rngs):
        self.fc = nnx.Linear(8, 4, rngs=rngs)

    def __call__(self, x):
        out = jax.ShapeDtypeStruct((x.shape[0], 4), x.dtype)
        return jax.pure_callback(_numpy_tanh_linear, out, x, self.fc.kernel[...], self.fc.bias[...])
