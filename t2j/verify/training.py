"""Training verification: does the translated training script train the model as the PyTorch one does?

The script convention (see `benchmarks/corpus/train/`): `make_models()` returns the freshly built model(s),
`make_data()` a tuple of tensors, and `train(*models, *data)` trains them in place and returns the loss of
every optimizer step. Both sides start from the same weights (the torch initial weights are ported into the
JAX models) and train on the same data (the torch script's `make_data()`, passed to both), each in its own
sandboxed subprocess. Verified means: every per-step loss and every final parameter and running statistic
agree within `train_rtol`/`train_atol` (norm-wise, like the module verifier). Dropout is switched off on both
sides because masks drawn by two random generators cannot match; the report says when it was.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from t2j.errors import BadInput
from t2j.settings import Settings
from t2j.verify.api import _failed, _verify_in_sandbox, parse_source, read_source, top_level_names
from t2j.verify.bundle import Bundle
from t2j.verify.compare import compare_arrays, compare_trees, merge_checks
from t2j.verify.report import Check, TensorCheck, Tolerances, Verification

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
        raise BadInput(f"{label} is not a training script t2j can verify: it lacks {', '.join(missing)}(); define "
                       "make_models() (the model or models), make_data() (a tuple of tensors) and "
                       "train(*models, *data) returning the loss of every optimizer step")


def training_tolerances(settings: Settings) -> Tolerances:
    return Tolerances(rtol=settings.train_rtol, atol=settings.train_atol)


def verify_training_files(ref_path: str | Path, jax_path: str | Path,
                          settings: Settings | None = None) -> Verification:
    """Train with the PyTorch script and with its JAX translation from the same weights on the same data and
    compare the per-step losses and the final weights. A translation that crashes, hangs or drifts is a failed
    Verification (kind "training"); a reference that is not a training script raises BadInput."""
    settings = settings or Settings()
    ref_source = read_source(ref_path, "reference")
    check_training_script(ref_source, label=f"reference '{ref_path}'")
    jax_source = read_source(jax_path, "translation")
    try:
        jax_tree = ast.parse(jax_source)
    except SyntaxError as exc:
        return _as_training(_failed("jax", f"SyntaxError: {exc.msg} (line {exc.lineno})", "train", settings),
                            settings)
    missing = [name for name in REQUIRED if name not in top_level_names(jax_tree)]
    if missing:
        return _as_training(_failed("jax", f"EntryNotFound: the translation defines no {', '.join(missing)}()",
                                    "train", settings), settings)
    verdict = _verify_in_sandbox(Path(ref_path).resolve(), Path(jax_path).resolve(), jax_source, "train", settings,
                                 mode="training", assembler=assemble_training)
    return _as_training(verdict, settings)


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
    if expected.shape != actual.shape:
        losses = Check(name="losses", ok=False, tensors=[compare_arrays("losses", expected, actual, tol)])
        losses.tensors[0].problem = (f"torch made {expected.size} optimizer steps, the translation {actual.size}")
    else:
        nudged = torch_bundle.arrays["losses_nudged"]
        losses = Check(name="losses", ok=True, tensors=[])
        losses.tensors = [_with_floor(compare_arrays(f"loss[{i}]", expected[i:i + 1], actual[i:i + 1], tol),
                                      expected[i:i + 1], nudged[i:i + 1], widened) for i in range(expected.size)]
        losses.ok = all(t.ok for t in losses.tensors)
    count = torch_bundle.meta["models"]
    parts = []
    for index in range(count):
        reference, floor = jax_bundle.group(f"expected{index}"), jax_bundle.group(f"nudged{index}")
        check = compare_trees("final_weights", reference, jax_bundle.group(f"final{index}"), tol,
                              label=f"model{index}." if count > 1 else "")
        for path, tensor in zip(reference, check.tensors):
            if path in floor:
                _with_floor(tensor, reference[path], floor[path], widened)
        parts.append(check)
    weights = merge_checks("final_weights", parts)
    checks = [losses, weights]
    notes = [f"{expected.size} optimizer steps; torch trained in {torch_bundle.meta['torch_train_s']:.2f} s, "
             f"JAX in {jax_bundle.meta['jax_train_s']:.2f} s (compilation included)"]
    if widened:
        how = ("torch float32 vs the same torch training in float64" if torch_bundle.meta.get("floor") == "float64"
               else "the difference a one-ulp nudge of the initial weights makes to the torch run")
        notes.append(f"{len(widened)} tensor(s) passed only within float32 rounding noise ({FLOOR_FACTOR:g}x {how}): "
                     f"{', '.join(widened[:6])}{' ...' if len(widened) > 6 else ''}")
    if torch_bundle.meta.get("dropout_disabled") or jax_bundle.meta.get("dropout_disabled"):
        notes.append(f"dropout disabled for the comparison ({torch_bundle.meta.get('dropout_disabled', 0)} torch, "
                     f"{jax_bundle.meta.get('dropout_disabled', 0)} JAX layers): masks cannot match across frameworks")
    return Verification(ok=all(c.ok for c in checks), entry=entry, kind="training", checks=checks, tolerances=tol,
                        notes=notes)
