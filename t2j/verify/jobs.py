"""The sandboxed verification pipeline (trusted, in the parent): torch side, JAX side, trusted runner.

    parent ── reference path ──▶ torch job (sandboxed) ── outputs, grads, weights, cotangents ──▶ parent
       │  ── translation path, input shapes, weights ──▶ JAX job (sandboxed, no torch) ── exported programs ──▶
       │  ── programs, inputs, weights (torch's, ported by the parent), cotangents ──▶ runner job (trusted code)
       └── compares the runner's numbers with the torch ones it holds
The three jobs share no folder; each reads what the parent copied into its scratch and writes its results there.
Nothing the JAX side writes is believed except its programs, its parameter layout (paths, shapes, dtypes) and the
torch key each parameter came from; every torch parameter must be claimed by one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import is_float
from t2j.verify.isolation import isolation
from t2j.verify.port import apply_steps
from t2j.verify.report import IR, Verification
from t2j.verify.runner import PROGRAM_SUFFIX
from t2j.verify.sandbox import Limits, sandbox_job
from t2j.verify.verdict import assemble, failed, side_failure

PROGRAMS = ("forward", "vjp", "train")
_SETTINGS_FIELDS = {"rtol", "atol", "float64", "timing_runs", "collect_ir", "seed", "init_check"}


def is_program_name(name, mode: str) -> bool:
    """The names a JAX side may give its programs: forward/vjp/train (module), step<k> (training)."""
    if mode == "training":
        return isinstance(name, str) and name.startswith("step") and name[4:].isdigit() and len(name) < 12
    return name in PROGRAMS


class SideFailed(Exception):
    """A side of the job did not produce usable results; `args[0]` is the side, `args[1]` the error text."""


def limits_for(settings: Settings) -> Limits:
    return Limits(
        timeout_s=settings.timeout_s,
        memory_mb=settings.memory_limit_mb,
        processes=settings.process_limit,
        output_mb=settings.output_limit_mb,
    )


def isolation_text() -> str:
    return isolation().describe()


def _job_json(scratch: Path, source: Path | None, entry: str, mode: str, settings: Settings) -> None:
    job = {"mode": mode, "entry": entry, "settings": settings.model_dump(include=_SETTINGS_FIELDS)}
    if source is not None:
        job["source"] = str(source)
    (scratch / "job.json").write_text(json.dumps(job))


def _load_result(side: str, scratch: Path, result, settings: Settings) -> Bundle:
    if not result.ok:
        raise SideFailed(side, side_failure(side, result, settings))
    try:
        for suffix in (".json", ".npz"):
            path = scratch / f"result{suffix}"
            if path.is_symlink() or not path.is_file():
                raise FileNotFoundError(path.name)
        return Bundle.load(scratch / "result")
    except Exception as exc:  # noqa: BLE001 -- whatever the job left, it is not a result
        raise SideFailed(
            side,
            side_failure(side, result, settings)
            if result.returncode == 0
            else f"{side}: unreadable results ({type(exc).__name__}: {exc})",
        ) from None


def run_side(
    side: str,
    source: Path | None,
    entry: str,
    mode: str,
    settings: Settings,
    job_input: Bundle | None,
    programs: dict[str, bytes] | None = None,
    readable=(),
) -> tuple[Bundle, dict[str, bytes]]:
    """Run one side in its sandbox; returns its result bundle and (JAX side) its exported programs."""
    readable = ([str(source.parent)] if source is not None else []) + [str(p) for p in readable]
    with sandbox_job(side, limits_for(settings), readable=readable, warm=settings.warm_sandbox) as job:
        _job_json(job.scratch, source, entry, mode, settings)
        if job_input is not None:
            job_input.save(job.scratch / "input")
        for name, blob in (programs or {}).items():
            (job.scratch / f"{name}{PROGRAM_SUFFIX}").write_bytes(blob)
        result = job.run()
        bundle = _load_result(side, job.scratch, result, settings)
        exported = {}
        if side == "jax":
            for name in bundle.meta.get("programs", []):
                path = job.scratch / f"{name}{PROGRAM_SUFFIX}"
                if is_program_name(name, mode) and path.is_file() and not path.is_symlink():
                    exported[name] = path.read_bytes()
        return bundle, exported


# ---------------------------------------------------------------------------------------------------------
# The module job


_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def canonical(array: np.ndarray, float64: bool) -> np.ndarray:
    """An input as JAX holds it: 64-bit types narrowed unless jax_enable_x64 (--float64), floats widened then."""
    if float64:
        return array.astype(np.float64) if np.issubdtype(array.dtype, np.floating) else array
    narrow = _NARROW.get(array.dtype.name)
    return array.astype(narrow) if narrow else array


def jax_job(torch_bundle: Bundle, settings: Settings) -> Bundle:
    """What the JAX side may know: constructor arguments, input shapes and dtypes, the weights. Not the outputs,
    gradients, cotangents, nor the input values."""
    meta = torch_bundle.meta
    job = Bundle()
    specs = []
    for index, item in enumerate(meta["inputs"]):
        if item["kind"] == "array":
            array = canonical(torch_bundle.arrays[f"input/{index}"], settings.float64)
            specs.append({"kind": "array", "shape": list(array.shape), "dtype": str(array.dtype)})
        else:
            specs.append(item)
    job.meta = {
        "kind": meta["kind"],
        "inputs": specs,
        "init_inputs": meta.get("init_inputs", []),
        "init_kwargs": meta.get("init_kwargs", {"names": [], "values": []}),
        "differentiable": bool(meta.get("differentiable")),
        "train": bool(torch_bundle.group("out_train")) and "train_skipped" not in meta,
        "train_dropout_off": bool(meta.get("train_dropout_off")),
    }
    job.arrays.update({k: v for k, v in torch_bundle.arrays.items() if k.startswith(("init/", "initkw/", "state/"))})
    if "state" in meta:
        job.meta["state"] = meta["state"]
    return job


def _required_keys(torch_bundle: Bundle) -> list[str]:
    """Torch parameters the translation must hold (port_state's rule, checked again here, out of its reach):
    every gradient of the reference is compared. Buffers may be recomputed (their effect on outputs is)."""
    meta = torch_bundle.meta.get("state")
    if not meta:
        return []
    aliases = meta.get("aliases", {})
    return [k for k in meta["parameter_keys"] if k not in aliases]


def _trusted_values(
    declared: list[dict], own: dict[str, np.ndarray], torch_state: dict[str, np.ndarray], by_path: dict[str, dict]
) -> list[np.ndarray]:
    """The values the programs get for the JAX variables: the torch tensor in the JAX layout where the variable
    was ported from one, else the translation's own value (a constant of its own making)."""
    values = []
    for index, item in enumerate(declared):
        shape, dtype = tuple(item["shape"]), np.dtype(item["dtype"])
        mapping = by_path.get(item["path"])
        if mapping is not None and mapping["torch_key"] in torch_state:
            value = apply_steps(torch_state[mapping["torch_key"]], mapping["steps"])
            if value.shape != shape:
                raise SideFailed(
                    "jax",
                    f"the JAX side ported '{mapping['torch_key']}' into '{item['path']}' "
                    f"with shape {list(shape)}, but its layout steps give {list(value.shape)}",
                )
            value = value.astype(dtype)
        else:
            value = np.asarray(own[str(index)])
            if value.shape != shape or value.dtype != dtype:
                raise SideFailed(
                    "jax",
                    f"the JAX side's value of '{item['path']}' does not match its declared {dtype.name}{list(shape)}",
                )
        values.append(value)
    return values


def runner_job(
    torch_bundle: Bundle,
    jax_result: Bundle,
    programs: dict[str, bytes],
    settings: Settings,
    weights: dict | None = None,
) -> Bundle:
    """Everything the trusted runner needs to execute the translation's programs, built by the parent."""
    meta, jmeta = torch_bundle.meta, jax_result.meta
    mappings = jmeta.get("mappings", [])
    claimed = {m["torch_key"] for m in mappings}
    missing = [k for k in _required_keys(torch_bundle) if k not in claimed]
    if missing:
        raise SideFailed(
            "jax",
            f"port_weights: the JAX side did not port torch tensor(s) {', '.join(missing[:5])}"
            " into its model; keep attribute names identical to the PyTorch module",
        )
    by_path = {}
    for m in mappings:
        by_path.setdefault(m["jax_path"], m)
    torch_state = torch_bundle.group("state")
    job = Bundle()
    for prefix, declared in (
        ("param", jmeta.get("params", [])),
        ("rest", jmeta.get("rest", [])),
        ("variable", jmeta.get("variables", [])),
    ):
        values = _trusted_values(declared, jax_result.group(prefix), torch_state, by_path)
        job.put_group(prefix, {str(i): v for i, v in enumerate(values)})
        if weights is not None and prefix != "variable":  # the ported weights, by JAX path (--save-weights)
            weights.update(
                {d["path"]: v for d, v in zip(declared, values) if prefix == "param" or d["path"] in by_path}
            )
        job.meta[f"n_{prefix}s" if prefix != "rest" else "n_rest"] = len(values)
    inputs = meta["inputs"]
    array_index = [i for i, item in enumerate(inputs) if item["kind"] == "array"]
    arrays = []
    for i in array_index:
        arrays.append(canonical(torch_bundle.arrays[f"input/{i}"], settings.float64))
    job.put_group("input", {str(k): a for k, a in enumerate(arrays)})
    float_pos = [k for k, a in enumerate(arrays) if is_float(a)]
    outputs = jmeta.get("outputs", [])
    cots = []
    for k in jmeta.get("float_outputs", []):
        shape, dtype = tuple(outputs[k]["shape"]), np.dtype(outputs[k]["dtype"])
        cot = torch_bundle.arrays.get(f"cot/{outputs[k]['path']}")
        cots.append(cot.astype(dtype) if cot is not None and cot.shape == shape else np.zeros(shape, dtype))
    job.put_group("cot", {str(i): c for i, c in enumerate(cots)})
    job.meta.update(
        n_arrays=len(arrays),
        float_pos=float_pos,
        other_pos=[k for k in range(len(arrays)) if k not in float_pos],
        n_cots=len(cots),
        float64=settings.float64,
        timing_runs=settings.timing_runs,
        collect_ir=settings.collect_ir,
        programs=sorted(p for p in programs if p in PROGRAMS and (p != "vjp" or meta.get("differentiable"))),
    )
    if "forward" not in programs:
        raise SideFailed("jax", "the JAX side exported no forward program")
    return job


def computed_bundle(torch_bundle: Bundle, jax_result: Bundle, run: Bundle) -> Bundle:
    """The runner's numbers named like the torch ones, plus the JAX side's layout facts, for `assemble`."""
    jmeta = jax_result.meta
    out = Bundle()
    outputs = jmeta.get("outputs", [])
    forward = run.group("out_eval")
    if len(forward) != len(outputs):
        raise SideFailed(
            "runner",
            f"the forward program returned {len(forward)} arrays, the JAX side declared {len(outputs)} outputs",
        )
    out.put_group("out_eval", {outputs[int(k)]["path"]: v for k, v in forward.items()})
    array_index = [i for i, item in enumerate(torch_bundle.meta["inputs"]) if item["kind"] == "array"]
    float_pos = [k for k, i in enumerate(array_index) if is_float(torch_bundle.arrays[f"input/{i}"])]
    out.put_group(
        "grad_input",
        {str(array_index[float_pos[int(j)]]): v for j, v in run.group("grad_input").items() if int(j) < len(float_pos)},
    )
    params = jmeta.get("params", [])
    out.put_group(
        "grad_param", {params[int(k)]["path"]: v for k, v in run.group("grad_param").items() if int(k) < len(params)}
    )
    train_paths = jmeta.get("train_outputs", [])
    out.put_group(
        "out_train",
        {
            (train_paths[int(k)] if int(k) < len(train_paths) else f"[{k}]"): v
            for k, v in run.group("out_train").items()
        },
    )
    variables = jmeta.get("variables", [])
    out.put_group(
        "state_train",
        {variables[int(k)]["path"]: v for k, v in run.group("state_train").items() if int(k) < len(variables)},
    )
    out.put_group("fresh", jax_result.group("fresh"))  # evidence for the init check: values, not statistics
    out.meta.update({k: jmeta[k] for k in ("mappings", "skipped", "init_error") if k in jmeta})
    out.meta.update({k: run.meta[k] for k in ("jax_jit_s", "compile_s") if k in run.meta})
    for key in ("backward_error", "train_error"):
        if key in jmeta or key in run.meta:
            out.meta[key] = jmeta.get(key) or run.meta.get(key)
    for key in ("ir_forward", "ir_backward"):
        if key in run.meta:
            ir = dict(run.meta[key])
            jaxpr = (jmeta.get(key) or {}).get("jaxpr", "")
            ir["jaxpr"] = jaxpr if isinstance(jaxpr, str) else ""
            ir["op_counts"] = dict(
                ir.get("op_counts", {}),
                **{k: v for k, v in (jmeta.get(key) or {}).get("op_counts", {}).items() if k == "jaxpr"},
            )
            out.meta[key] = IR(**ir).model_dump()
    return out


def stage_of(side: str) -> str:
    """The stage a failure is blamed on: the runner only executes the translation's programs."""
    return "jax" if side == "runner" else side


def verify_module_in_process(torch_bundle: Bundle, entry_obj, settings: Settings, entry: str) -> Verification:
    """The same pipeline for live objects of the caller's own process (trusted: no sandbox)."""
    from t2j.verify.jax_side import export_module
    from t2j.verify.program_runner import ProgramRejected, run_programs

    try:
        jax_result, programs = export_module(entry_obj, jax_job(torch_bundle, settings), settings)
        run = run_programs(runner_job(torch_bundle, jax_result, programs, settings), programs)
        return assemble(torch_bundle, computed_bundle(torch_bundle, jax_result, run), settings, entry)
    except SideFailed as exc:
        return failed(stage_of(exc.args[0]), exc.args[1], entry, settings, "in-process")
    except ProgramRejected as exc:
        return failed("jax", str(exc), entry, settings, "in-process")


def verify_module_job(
    ref: Path,
    out: Path,
    entry: str,
    settings: Settings,
    weights: dict | None = None,
    torch_readable=(),
    jax_readable=(),
) -> Verification:
    """The whole sandboxed module verification: torch job, JAX job, runner job, verdict. `weights`, if given,
    receives the torch weights in the JAX layout by JAX path (computed here, no user code imported)."""
    return verify_module_jobs(ref, [out], entry, settings, weights, torch_readable, jax_readable)[0]


def verify_module_jobs(
    ref: Path,
    outs: list[Path],
    entry: str,
    settings: Settings,
    weights: dict | None = None,
    torch_readable=(),
    jax_readable=(),
) -> list[Verification]:
    """`verify_module_job` of several translations of one reference: the torch job runs once, then each
    translation gets its own JAX job, runner job and verdict (one translation's failure is its own)."""
    level = isolation_text()
    try:
        torch_bundle, _ = run_side("torch", ref, entry, "module", settings, None, readable=torch_readable)
    except SideFailed as exc:
        side, error = exc.args
        return [failed(stage_of(side), error, entry, settings, level) for _ in outs]
    return [_translation_verdict(torch_bundle, out, entry, settings, level, weights, jax_readable) for out in outs]


def _translation_verdict(
    torch_bundle: Bundle, out: Path, entry: str, settings: Settings, level: str, weights, jax_readable
) -> Verification:
    try:
        jax_result, programs = run_side(
            "jax", out, entry, "module", settings, jax_job(torch_bundle, settings), readable=jax_readable
        )
        run, _ = run_side(
            "runner",
            None,
            entry,
            "module",
            settings,
            runner_job(torch_bundle, jax_result, programs, settings, weights),
            programs,
        )
        verdict = assemble(torch_bundle, computed_bundle(torch_bundle, jax_result, run), settings, entry)
    except SideFailed as exc:
        side, error = exc.args
        return failed(stage_of(side), error, entry, settings, level)
    except (KeyError, IndexError, TypeError, ValueError) as exc:  # malformed results of an untrusted side
        return failed(
            "jax", f"the JAX side's results are malformed ({type(exc).__name__}: {exc})", entry, settings, level
        )
    verdict.isolation = level
    return verdict
