"""A name -> constructor registry (no framework code)."""

_MODELS = {}


def register(name):
    def decorate(fn):
        if name in _MODELS:
            raise KeyError(f"model {name!r} registered twice")
        _MODELS[name] = fn
        return fn

    return decorate


def names():
    return sorted(_MODELS)


def get(name):
    try:
        return _MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(names())}") from None
