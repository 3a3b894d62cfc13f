"""The noise floor of the recording checker's step replay (t2j.verify.recording): how far float32 rounding alone
moves the torch run, measured by recording the torch script a second time with every module's own parameters
nudged by about one float32 ulp before its first forward (t2j.verify.recording_side, job "nudge").

A translation cannot agree with torch more closely than torch agrees with itself: where Adam turns the rounding
noise of a gradient that is exactly zero in exact arithmetic (a conv bias before BatchNorm, attention's key bias)
into steps of size lr, two faithful float32 runs differ by about lr. A tensor (or the losses) failing the
training tolerances passes when within GRADIENT_FLOOR_FACTOR times the two torch runs' difference, and the report
names it. The floor is used only when the nudged run consumed bitwise the same torch values for every replayed
call (the same batches): otherwise the runs are not comparable and nothing is widened."""

from __future__ import annotations

import numpy as np

from t2j.verify.bundle import Bundle
from t2j.verify.compare import GRADIENT_FLOOR_FACTOR, within_noise_floor
from t2j.verify.report import Check, TensorCheck

HOW = (
    f"{GRADIENT_FLOOR_FACTOR:g}x the difference a one-ulp nudge of the initial weights makes to the torch run "
    "on the same batches"
)


def not_comparable(recorded: Bundle, nudged: Bundle, names: list[str]) -> str | None:
    """Why the nudged run cannot serve as the floor of the steps `names`, or None when it can: the same number
    of steps and the same recorded values (batches, closed-over tensors) bit for bit."""
    for name in names:
        first, second = recorded.meta["steps"].get(name, {}), nudged.meta.get("steps", {}).get(name, {})
        if first.get("steps") != second.get("steps") or len(first.get("losses", [])) != len(second.get("losses", [])):
            return f"{name}: the nudged torch run made another number of steps"
        if f"{name}/final" not in nudged.meta:
            return f"{name}: the nudged torch run recorded no final weights"
        for key, value in recorded.arrays.items():
            owner, _, rest = key.partition("/")
            if owner != name or not (rest.startswith("call") or rest.startswith("closure/")):
                continue
            other = nudged.arrays.get(key)
            if other is None or other.shape != value.shape or other.tobytes() != value.tobytes():
                return f"{name}: the nudged torch run consumed other values ({rest}), e.g. data drawn from the model"
    return None


def widen_losses(tensor: TensorCheck, name: str, recorded: Bundle, nudged: Bundle, widened: list[str]) -> TensorCheck:
    first = np.asarray(recorded.meta["steps"][name]["losses"], np.float64)
    second = np.asarray(nudged.meta["steps"][name]["losses"], np.float64)
    return within_noise_floor(tensor, first, second, widened)


def widen_weights(check: Check, reference: dict, floor_reference: dict, widened: list[str]) -> Check:
    """`check` (compare_trees of `reference` against the replay) judged again against the nudged torch run's
    weights mapped to the same JAX paths (`floor_reference`)."""
    for path, tensor in zip(reference, check.tensors):
        if path in floor_reference:
            within_noise_floor(tensor, reference[path], floor_reference[path], widened)
    check.ok = all(t.ok for t in check.tensors)
    return check


def note(widened: list[str]) -> str:
    return (
        f"{len(widened)} tensor(s) passed only within float32 rounding noise ({HOW}): "
        f"{', '.join(widened[:6])}{' ...' if len(widened) > 6 else ''}"
    )
