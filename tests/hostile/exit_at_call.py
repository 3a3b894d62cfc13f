# Ends the process with success when the model is called (while it is traced for export).
import os

from _model import Correct


class Model(Correct):
    def __call__(self, x):
        os._exit(0)
