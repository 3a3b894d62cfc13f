# A correct translation that, when imported, leaves a marker next to itself: --save-weights must not import it
# into t2j's own process (where the folder is writable).
import os

from _model import Correct as Model  # noqa: F401

try:
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "imported-outside-sandbox"), "w") as f:
        f.write("x")
except OSError:
    pass
