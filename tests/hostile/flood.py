# An output flood: 64 MB to stdout, then more to stderr.
import sys

from _model import Correct as Model  # noqa: F401

line = "x" * 1023 + "\n"
for _ in range(64 * 1024):
    sys.stdout.write(line)
sys.stdout.flush()
