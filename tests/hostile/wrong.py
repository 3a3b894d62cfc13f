from _model import Wrong as Model  # noqa: F401
