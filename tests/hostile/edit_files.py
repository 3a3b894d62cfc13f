# Editing the reference (next to this file), t2j's own source and the caller's HOME.
import os

import t2j
from _model import Wrong as Model  # noqa: F401

here = os.path.dirname(os.path.abspath(__file__))
targets = [
    os.path.join(here, "reference.py"),
    t2j.__file__,
    os.path.join(here, "t2j-hostile-written"),
    "/root/t2j-hostile-written",
    "/tmp/t2j-hostile-written",
    os.path.join(os.path.dirname(t2j.__file__), "t2j-hostile-written"),
]
for path in targets:
    try:
        with open(path, "a") as handle:
            handle.write("\n# t2j-hostile-edit\n")
    except OSError:
        pass
