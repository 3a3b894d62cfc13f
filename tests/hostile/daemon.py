# Persistence: a double-forked, setsid daemon that outlives the job and would tamper with later jobs.
import os

from _model import Correct as Model  # noqa: F401

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "987.6543"])  # the marker tests/test_hostile.py looks for
    os._exit(0)
