# The JAX side imports torch (even after removing the blocker from sys.meta_path).
import sys

sys.meta_path[:] = [finder for finder in sys.meta_path if "Blocker" not in type(finder).__name__]
import torch  # noqa: E402,F401
from _model import Correct as Model  # noqa: E402,F401
