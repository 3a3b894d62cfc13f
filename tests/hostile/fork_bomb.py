# A fork bomb, bounded (at most 2000 processes, each sleeping).
import os
import time

from _model import Correct as Model  # noqa: F401

children = 0
for _ in range(2000):
    try:
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "987.6544"])
        children += 1
    except OSError:
        time.sleep(0.01)
time.sleep(30)
