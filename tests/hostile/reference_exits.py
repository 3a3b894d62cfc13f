# A reference that ends the process at import: the failure is the reference's, not the translation's.
import os

os._exit(0)


class Model:
    pass


def get_inputs():
    return []
