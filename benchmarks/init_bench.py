"""The init check alone over corpus files: do the rules' translations start from torch's distributions?

    PYTHONPATH=. python benchmarks/init_bench.py [FILES or folders...] [--json OUT.json]

Per module file (get_inputs(), default: benchmarks/wild and benchmarks/corpus): translate with the rules, build
t2j.verify.init_check.DRAWS fresh torch models and fresh JAX models, port once for the torch-key -> JAX-path
mappings, and compare every parameter (t2j.verify.init_check, the verifier's own check). In one process and
without the sandbox (these are the repository's own corpus files; `t2j verify` runs the same check sandboxed),
so that the whole corpus takes minutes instead of hours: forward and backward are not run here.
Prints per file: pass / FAIL (the tensors) / error, and the totals.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = [ROOT / "benchmarks" / "wild", ROOT / "benchmarks" / "corpus"]


def _files(args: list[str]) -> list[Path]:
    out = []
    for item in [Path(a) for a in args] or DEFAULT:
        paths = sorted(item.rglob("*.py")) if item.is_dir() else [item]
        out += [p for p in paths if "def get_inputs" in p.read_text(errors="replace")]
    return out


def _load(name: str, code: str, path: Path) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # a @dataclass in the file looks its module up there
    exec(compile(code, str(path), "exec"), module.__dict__)
    return module


def check_file(path: Path) -> dict:
    import numpy as np
    import torch

    from t2j.rules import translate_rules
    from t2j.settings import Settings
    from t2j.source import check_reference
    from t2j.verify.init_check import DRAWS, init_check, sample
    from t2j.verify.jax_side import _build, fresh_draws
    from t2j.verify.port import torch_state

    source = path.read_text()
    entry = check_reference(source, None, label=str(path))
    reference = _load("reference_torch", source, path)
    cls = getattr(reference, entry)
    if not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)):
        return {"status": "skipped", "why": f"{entry} is not an nn.Module class"}
    init_inputs = list(reference.get_init_inputs()) if hasattr(reference, "get_init_inputs") else []
    torch_fresh: dict[str, list] = {}
    for draw in range(DRAWS):
        torch.manual_seed(draw)
        model = cls(*init_inputs)
        for key, param in model.named_parameters():
            torch_fresh.setdefault(key, []).append(sample(param.detach().numpy().copy(), draw))
    state = torch_state(model)
    translation = translate_rules(source)
    jax_module = _load("translation_jax", translation.code, path)
    jax_cls = getattr(jax_module, entry)
    settings = Settings()
    jax_init = [np.asarray(v) if isinstance(v, torch.Tensor) else v for v in init_inputs]
    _, ported = _build(jax_cls, jax_init, state, settings)
    mappings = [{"torch_key": m.torch_key, "jax_path": m.jax_path, "steps": m.steps} for m in ported.mappings]
    jax_fresh: dict[str, list] = {}
    for name, value in fresh_draws(jax_cls, jax_init, settings).items():
        jax_fresh.setdefault(name.split("/", 1)[1], []).append(value)
    shapes = {k: state.arrays[k].shape for k in torch_fresh}
    check = init_check(torch_fresh, jax_fresh, mappings, shapes)
    failed = [f"{t.name}: {t.problem}" for t in check.tensors if not t.ok]
    return {
        "status": "pass" if check.ok else "FAIL",
        "tensors": len(check.tensors),
        "skipped_tensors": sum(1 for t in check.tensors if t.skipped),
        "failed": failed,
    }


def _alarm(signum, frame):
    raise TimeoutError("over the per-file limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--limit-s", type=int, default=300, help="seconds allowed per file")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    rows = {}
    start = time.perf_counter()
    for path in _files(args.paths):
        signal.alarm(args.limit_s)
        try:
            row = check_file(path)
        except BaseException as exc:  # noqa: BLE001 -- a file that cannot be checked is counted, with why
            if isinstance(exc, KeyboardInterrupt):
                raise
            row = {"status": "error", "why": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"}
        finally:
            signal.alarm(0)
        rows[str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)] = row
        detail = "; ".join(row.get("failed", [])[:3]) or row.get("why", "")
        print(f"{row['status']:7} {path.name}  {detail}"[:300], flush=True)
    counts: dict[str, int] = {}
    for row in rows.values():
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    for folder in sorted({Path(k).parent.as_posix() for k in rows}):
        mine = [r for k, r in rows.items() if Path(k).parent.as_posix() == folder]
        passed = sum(r["status"] == "pass" for r in mine)
        print(f"{folder}: init check passed {passed}/{len(mine)}")
    print(f"total: {counts} in {time.perf_counter() - start:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
