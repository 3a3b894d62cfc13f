from _model import Correct as Model  # noqa: F401
