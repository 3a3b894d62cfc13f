"""Entry point of the sandboxed subprocesses: `python -m t2j.verify.runner torch|jax WORKDIR`.

The torch side loads the reference, calls get_init_inputs()/get_inputs() and writes WORKDIR/torch.{npz,json};
the JAX side loads the translation, reads the torch bundle and writes WORKDIR/jax.{npz,json}. Any failure
prints a traceback to stderr and exits non-zero; the parent turns that into a failed verification.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path


def load_module(path: str, name: str):
    """Import a file as a fresh module (its folder on sys.path so sibling imports work)."""
    folder = str(Path(path).resolve().parent)
    if folder not in sys.path:
        sys.path.append(folder)  # after installed packages: a sibling named torch.py must not shadow torch
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(side: str, workdir: str) -> int:
    from t2j.settings import Settings

    job = json.loads((Path(workdir) / "job.json").read_text())
    settings = Settings(**job["settings"])
    entry_name = job["entry"]
    if job.get("mode") == "training":
        return _training(side, job, settings, Path(workdir))
    if side == "torch":
        import torch

        torch.manual_seed(settings.seed)
        module = load_module(job["ref"], "t2j_reference")
        init_inputs = list(module.get_init_inputs()) if hasattr(module, "get_init_inputs") else []
        inputs = list(module.get_inputs())
        from t2j.verify.torch_side import run_torch

        bundle = run_torch(getattr(module, entry_name), inputs, init_inputs, settings)
        bundle.save(Path(workdir) / "torch")
        return 0
    if side == "jax":
        import jax

        if settings.float64:
            jax.config.update("jax_enable_x64", True)
        from t2j.verify.bundle import Bundle
        from t2j.verify.jax_side import run_jax

        torch_bundle = Bundle.load(Path(workdir) / "torch")
        module = load_module(job["jax"], "t2j_translation")
        if not hasattr(module, entry_name):
            print(f"EntryNotFound: the translation defines no '{entry_name}'", file=sys.stderr)
            return 3
        bundle = run_jax(getattr(module, entry_name), torch_bundle, settings)
        bundle.save(Path(workdir) / "jax")
        return 0
    print(f"unknown side {side!r}", file=sys.stderr)
    return 2


def _training(side: str, job: dict, settings, workdir: Path) -> int:
    from t2j.verify.bundle import Bundle
    from t2j.verify.training_side import run_jax_training, run_torch_training

    if side == "torch":
        import torch

        torch.manual_seed(settings.seed)
        bundle = run_torch_training(load_module(job["ref"], "t2j_reference"), settings)
        bundle.save(workdir / "torch")
        return 0
    torch_bundle = Bundle.load(workdir / "torch")
    bundle = run_jax_training(load_module(job["jax"], "t2j_translation"), torch_bundle, settings)
    bundle.save(workdir / "jax")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
