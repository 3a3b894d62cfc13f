from .build import build_optimizer
