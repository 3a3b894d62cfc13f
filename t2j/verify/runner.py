"""What runs inside a sandboxed job: `main(side, scratch)`, called by the fork server's child.

Files in the scratch folder (the only folder the job can write):
- job.json: {"mode": "module"|"training", "source": path, "entry": name, "settings": {...}}, and input.{npz,json}
  (a Bundle) for the jax and runner sides;
- the job writes result.{npz,json} (a Bundle) and, on the JAX side, the exported programs as <name>.program
  (forward/vjp/train of a module, step<k> of a training run).
"torch": the reference's results (sees no JAX code); "jax": the translation's exported programs (sees no torch
results); "runner": the trusted runner runs those programs (imports no user code). Any failure prints a
traceback to stderr and exits non-zero; the parent turns that into a verdict naming the side.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

PROGRAM_SUFFIX = ".program"


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


def main(side: str, scratch: str) -> int:
    from t2j.settings import Settings
    from t2j.verify.bundle import Bundle

    folder = Path(scratch)
    job = json.loads((folder / "job.json").read_text())
    settings = Settings(**job.get("settings", {}))
    if side == "runner":
        return _runner(folder, Bundle)
    if side == "torch":
        import torch

        torch.manual_seed(settings.seed)
        module = load_module(job["source"], "t2j_reference")
        if job.get("mode") == "training":
            from t2j.verify.training_side import run_torch_training

            bundle = run_torch_training(module, settings)
        else:
            from t2j.verify.torch_side import run_torch

            init_inputs = list(module.get_init_inputs()) if hasattr(module, "get_init_inputs") else []
            init_kwargs = dict(module.get_init_kwargs()) if hasattr(module, "get_init_kwargs") else {}
            entry = getattr(module, job["entry"])
            bundle = run_torch(entry, list(module.get_inputs()), init_inputs, settings, init_kwargs)
        bundle.save(folder / "result")
        return 0
    if side == "jax":
        import jax

        if settings.float64:
            jax.config.update("jax_enable_x64", True)
        job_bundle = Bundle.load(folder / "input")
        if job.get("mode") == "training":
            from t2j.verify.training_capture import install
            from t2j.verify.training_side import run_jax_training

            install()  # before the import: module-level @nnx.jit steps are captured too
            module = load_module(job["source"], "t2j_translation")
            bundle, programs = run_jax_training(module, job_bundle, settings)
            for name, blob in programs.items():
                (folder / f"{name}{PROGRAM_SUFFIX}").write_bytes(blob)
            bundle.save(folder / "result")
            return 0
        module = load_module(job["source"], "t2j_translation")
        if not hasattr(module, job["entry"]):
            print(f"EntryNotFound: the translation defines no '{job['entry']}'", file=sys.stderr)
            return 3
        from t2j.verify.jax_side import export_module

        bundle, programs = export_module(getattr(module, job["entry"]), job_bundle, settings)
        for name, blob in programs.items():
            (folder / f"{name}{PROGRAM_SUFFIX}").write_bytes(blob)
        bundle.meta["programs"] = sorted(programs)
        bundle.save(folder / "result")
        return 0
    print(f"unknown side {side!r}", file=sys.stderr)
    return 2


def _runner(folder: Path, Bundle) -> int:
    from t2j.verify.program_runner import ProgramRejected, run_programs

    job_bundle = Bundle.load(folder / "input")
    programs = {name: (folder / f"{name}{PROGRAM_SUFFIX}").read_bytes() for name in job_bundle.meta["programs"]}
    try:
        if job_bundle.meta.get("mode") == "training":
            from t2j.verify.training_replay import replay

            result = replay(job_bundle, programs)
        else:
            result = run_programs(job_bundle, programs)
    except ProgramRejected as exc:
        print(str(exc), file=sys.stderr)
        return 4
    result.save(folder / "result")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
