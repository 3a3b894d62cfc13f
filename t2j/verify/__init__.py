"""Verify stage: run the PyTorch reference and the JAX translation, compare outputs and gradients under jit.

The package is callable: `t2j.verify(torch_obj, jax_obj, ...)` is `t2j.verify.api.verify`.
"""

from t2j._callable_module import make_callable

make_callable(__name__, "t2j.verify.api:verify")
