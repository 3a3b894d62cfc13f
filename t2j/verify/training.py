"""Training verification: does the translated training script train the model as the PyTorch one does?

The script convention (see `benchmarks/corpus/train/`): `make_models()` returns the freshly built model(s),
`make_data()` a tuple of tensors, and `train(*models, *data)` trains them in place and returns the loss of
every optimizer step. Both sides start from the same weights (the torch initial weights are ported into the
JAX models) and train on the same data (the torch script's `make_data()`, passed to both), each in its own
sandbox; the JAX side receives the initial weights and the data only, never the torch losses or final weights.
It does not report numbers either: its `nnx.jit` train steps are captured as exported programs with the log of
their calls (t2j.verify.training_capture), and the trusted runner replays them from the torch initial weights
(t2j.verify.training_replay); the parent maps the torch results into the JAX layout and compares. Verified means:
every loss train() returned from a step and every final parameter and running statistic agree within
`train_rtol`/`train_atol` (norm-wise, like the module verifier). A run whose steps cannot be replayed (no jitted
step, weights changed by host code, batches that are not rows of the data) is NOT VERIFIED, with the reason. Dropout is switched off on both
sides because masks drawn by two random generators cannot match; the report says when it was.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from t2j.errors import BadInput
from t2j.settings import Settings
from t2j.source import parse_source, read_source, top_level_names
from t2j.verify.bundle import Bundle
from t2j.verify.isolation import require_isolation
from t2j.verify.compare import compare_arrays, compare_trees, merge_checks
from t2j.verify.jobs import SideFailed, isolation_text, run_side, stage_of
from t2j.verify.port import apply_steps
from t2j.verify.training_job import replay_job
from t2j.verify.report import Check, TensorCheck, Tolerances, Verification
from t2j.verify.verdict import failed

REQUIRED = ("make_models", "make_data", "train")


def is_training_script(source: str) -> bool:
    """Whether `source` follows the training-script convention (defines make_models, make_data and train)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return set(REQUIRED) <= top_level_names(tree)


def check_training_script(source: str, label: str = "reference") -> None:
    missing = [name for name in REQUIRED if name not in top_level_names(parse_source(source, label))]
    if missing:
        raise BadInput(
            f"{label} is not a training script t2j can verify: it lacks {', '.join(missing)}(); define "
            "make_models() (the model or models), make_data() (a tuple of tensors) and "
            "train(*models, *data) returning the loss of every optimizer step"
        )


def training_tolerances(settings: Settings) -> Tolerances:
    return Tolerances(rtol=settings.train_rtol, atol=settings.train_atol)


def verify_training_files(ref_path: str | Path, jax_path: str | Path, settings: Settings | None = None) -> Verification:
    """Train with the PyTorch script and with its JAX translation from the same weights on the same data and
    compare the per-step losses and the final weights. A translation that crashes, hangs or drifts is a failed
    Verification (kind "training"); a reference that is not a training script raises BadInput."""
    settings = settings or Settings()

    require_isolation(settings)
    ref_source = read_source(ref_path, "reference")
    check_training_script(ref_source, label=f"reference '{ref_path}'")
    jax_source = read_source(jax_path, "translation")
    try:
        jax_tree = ast.parse(jax_source)
    except SyntaxError as exc:
        return _as_training(failed("jax", f"SyntaxError: {exc.msg} (line {exc.lineno})", "train", settings), settings)
    missing = [name for name in REQUIRED if name not in top_level_names(jax_tree)]
    if missing:
        return _as_training(
            failed("jax", f"EntryNotFound: the translation defines no {', '.join(missing)}()", "train", settings),
            settings,
        )
    level = isolation_text()
    try:
        torch_bundle, _ = run_side("torch", Path(ref_path).resolve(), "train", "training", settings, None)
        jax_result, programs = run_side(
            "jax", Path(jax_path).resolve(), "train", "training", settings, jax_training_job(torch_bundle)
        )
        job = replay_job(torch_bundle, jax_result, programs)
        run, _ = run_side("runner", None, "train", "training", settings, job, programs)
        replayed = replayed_bundle(jax_result, run)
        verdict = assemble_training(torch_bundle, expected_in_jax_layout(torch_bundle, replayed), settings, "train")
    except SideFailed as exc:
        verdict = failed(stage_of(exc.args[0]), exc.args[1], "train", settings, level)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        verdict = failed(
            "jax", f"the JAX side's results are malformed ({type(exc).__name__}: {exc})", "train", settings, level
        )
    verdict.isolation = level
    return _as_training(verdict, settings)


def jax_training_job(torch_bundle: Bundle) -> Bundle:
    """What the JAX side of a training job may know: the initial weights and the data."""
    meta = torch_bundle.meta
    job = Bundle(meta={"models": meta["models"], "data": meta["data"]})
    for index in range(meta["models"]):
        job.put_group(f"init{index}", torch_bundle.group(f"init{index}"))
        job.meta[f"init{index}"] = meta[f"init{index}"]
    job.put_group("data", torch_bundle.group("data"))
    return job


def replayed_bundle(jax_result: Bundle, run: Bundle) -> Bundle:
    """The runner's numbers laid out as the comparison expects: `losses` (NaN where a loss came from no step),
    `final{i}` by JAX path, the mappings and notes of the JAX side."""
    meta = jax_result.meta
    out = Bundle(meta={k: meta[k] for k in meta if k.startswith("mappings") or k == "dropout_disabled"})
    losses = []
    for number, source in enumerate(meta["losses"]):
        value = None if source is None else run.arrays.get(f"loss/{number}")
        losses.append(float(np.asarray(value, np.float64).reshape(-1)[0]) if value is not None else np.nan)
    out.arrays["losses"] = np.asarray(losses, np.float64)
    out.meta["unchecked_losses"] = [i for i, source in enumerate(meta["losses"]) if source is None]
    out.meta["jax_train_s"] = float(run.meta.get("jax_train_s", 0.0))
    for number, info in enumerate(meta["variables"]):
        if info.get("model") is not None and f"final/{number}" in run.arrays:
            out.arrays[f"final{int(info['model'])}/{info['path']}"] = run.arrays[f"final/{number}"]
    return out


def expected_in_jax_layout(torch_bundle: Bundle, jax_result: Bundle) -> Bundle:
    """The JAX side's losses and final weights next to the torch final (and noise-floor) weights mapped, here,
    through the layout steps of the ported tensors: `expected{i}`, `nudged{i}`, `final{i}` by JAX path."""
    out = Bundle(
        arrays={"losses": np.asarray(jax_result.arrays["losses"], dtype=np.float64)},
        meta={
            k: jax_result.meta[k]
            for k in ("jax_train_s", "dropout_disabled", "unchecked_losses")
            if k in jax_result.meta
        },
    )
    for index in range(torch_bundle.meta["models"]):
        final = jax_result.group(f"final{index}")
        mappings = jax_result.meta.get(f"mappings{index}", [])
        claimed = {m["torch_key"] for m in mappings}
        state_meta = torch_bundle.meta[f"init{index}"]
        required = [k for k in state_meta["parameter_keys"] if k not in state_meta.get("aliases", {})]
        missing = [k for k in required if k not in claimed]
        if missing:
            raise SideFailed(
                "jax",
                f"port_weights: the JAX side did not port torch parameter(s) {', '.join(missing[:5])} of model {index}",
            )
        for source, target in ((f"final{index}", f"expected{index}"), (f"nudged{index}", f"nudged{index}")):
            torch_values = torch_bundle.group(source)
            mapped, covered = {}, dict.fromkeys(torch_values, 0)
            for m in mappings:
                if m["torch_key"] in torch_values and m["jax_path"] in final and m["jax_path"] not in mapped:
                    value = apply_steps(torch_values[m["torch_key"]], m["steps"])
                    mapped[m["jax_path"]] = value.astype(np.asarray(final[m["jax_path"]]).dtype)
                    covered[m["torch_key"]] += int(value.size)
            partial = [k for k in required if k in torch_values and covered[k] != torch_values[k].size]
            if partial:  # every element of every parameter is compared, none left out by a reported layout
                raise SideFailed(
                    "jax",
                    f"port_weights: the JAX side reports no full layout for torch "
                    f"parameter(s) {', '.join(partial[:5])} of model {index}",
                )
            out.put_group(target, mapped)
        expected = out.group(f"expected{index}")
        out.put_group(f"final{index}", {path: final[path] for path in expected})
    return out


def _as_training(verdict: Verification, settings: Settings) -> Verification:
    return verdict.model_copy(update={"kind": "training", "tolerances": training_tolerances(settings)})


FLOOR_FACTOR = 4.0


def _with_floor(tensor: TensorCheck, reference: np.ndarray, nudged: np.ndarray, widened: list[str]) -> TensorCheck:
    """Raise the tensor's limit to FLOOR_FACTOR times torch's own rounding-noise difference (torch trained
    from one-ulp-nudged weights) and re-judge it: a translation cannot agree with torch more closely than torch
    agrees with itself. Mismatched shapes, NaN patterns etc. stay failures. Names passing only thanks to the
    floor are appended to `widened`."""
    if tensor.problem is not None or np.shape(reference) != np.shape(nudged) or not np.size(reference):
        return tensor
    diff = np.abs(np.asarray(reference, np.float64) - np.asarray(nudged, np.float64))
    floor = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
    tensor.noise_floor = floor
    if not tensor.ok and tensor.max_abs_err <= FLOOR_FACTOR * floor:
        tensor.limit = FLOOR_FACTOR * floor
        tensor.ok = True
        widened.append(tensor.name)
    return tensor


def assemble_training(torch_bundle: Bundle, jax_bundle: Bundle, settings: Settings, entry: str) -> Verification:
    tol = training_tolerances(settings)
    widened: list[str] = []
    expected, actual = torch_bundle.arrays["losses"], jax_bundle.arrays["losses"]
    unchecked = set(jax_bundle.meta.get("unchecked_losses", []))
    if expected.shape != actual.shape:
        losses = Check(name="losses", ok=False, tensors=[compare_arrays("losses", expected, actual, tol)])
        losses.tensors[0].problem = f"torch made {expected.size} optimizer steps, the translation {actual.size}"
    else:
        nudged = torch_bundle.arrays["losses_nudged"]
        losses = Check(name="losses", ok=True, tensors=[])
        losses.tensors = [
            _with_floor(
                compare_arrays(f"loss[{i}]", expected[i : i + 1], actual[i : i + 1], tol),
                expected[i : i + 1],
                nudged[i : i + 1],
                widened,
            )
            for i in range(expected.size)
            if i not in unchecked
        ]
        losses.ok = all(t.ok for t in losses.tensors)
    count = torch_bundle.meta["models"]
    parts = []
    for index in range(count):
        reference, floor = jax_bundle.group(f"expected{index}"), jax_bundle.group(f"nudged{index}")
        check = compare_trees(
            "final_weights",
            reference,
            jax_bundle.group(f"final{index}"),
            tol,
            label=f"model{index}." if count > 1 else "",
        )
        for path, tensor in zip(reference, check.tensors):
            if path in floor:
                _with_floor(tensor, reference[path], floor[path], widened)
        parts.append(check)
    weights = merge_checks("final_weights", parts)
    checks = [losses, weights]
    notes = [
        f"{expected.size} optimizer steps; torch trained in {torch_bundle.meta['torch_train_s']:.2f} s, "
        f"the trusted runner replayed the JAX steps in {jax_bundle.meta['jax_train_s']:.2f} s (compilation "
        "included)"
    ]
    if unchecked and expected.shape == actual.shape:
        notes.append(
            f"{len(unchecked)} of {expected.size} losses were computed outside the jitted steps (evaluation, host "
            "code) and are not compared; the others and the final weights come from the trusted runner's replay"
        )
    if widened:
        how = (
            "torch float32 vs the same torch training in float64"
            if torch_bundle.meta.get("floor") == "float64"
            else "the difference a one-ulp nudge of the initial weights makes to the torch run"
        )
        notes.append(
            f"{len(widened)} tensor(s) passed only within float32 rounding noise ({FLOOR_FACTOR:g}x {how}): "
            f"{', '.join(widened[:6])}{' ...' if len(widened) > 6 else ''}"
        )
    if torch_bundle.meta.get("dropout_disabled") or jax_bundle.meta.get("dropout_disabled"):
        notes.append(
            f"dropout disabled for the comparison ({torch_bundle.meta.get('dropout_disabled', 0)} torch, "
            f"{jax_bundle.meta.get('dropout_disabled', 0)} JAX layers): masks cannot match across frameworks"
        )
    return Verification(
        ok=all(c.ok for c in checks), entry=entry, kind="training", checks=checks, tolerances=tol, notes=notes
    )
