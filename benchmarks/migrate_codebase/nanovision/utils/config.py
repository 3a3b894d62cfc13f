"""Configuration files: YAML with a base file and overrides (no framework code)."""

from pathlib import Path

import yaml

DEFAULTS = {"epochs": 1, "batch_size": 8, "lr": 1e-3, "weight_decay": 0.0, "seed": 0, "steps_per_epoch": None}


def load_config(path, overrides=None):
    data = dict(DEFAULTS)
    data.update(yaml.safe_load(Path(path).read_text()) or {})
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    return data
