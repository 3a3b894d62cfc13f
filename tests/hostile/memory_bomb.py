# A memory bomb split over processes so that each stays under a per-process cap (3 x 700 MB, bounded).
import os
import time

from _model import Correct as Model  # noqa: F401

for _ in range(2):
    if os.fork() == 0:
        break
block = bytearray(700 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
time.sleep(60)
