"""The training-mode output check allows torch's own float32 rounding noise (its float64 copy), no more."""

import numpy as np

from t2j.verify.bundle import Bundle
from t2j.verify.report import Tolerances
from t2j.verify.verdict import _train_output_check

_TORCH = np.linspace(-3.0, 3.0, 24, dtype=np.float32).reshape(4, 6)


def _check(jax_out: np.ndarray, float64_out: np.ndarray | None):
    torch_bundle = Bundle()
    torch_bundle.put_group("out_train", {"": _TORCH})
    if float64_out is not None:
        torch_bundle.put_group("floor64_train", {"": float64_out})
    jax_bundle = Bundle()
    jax_bundle.put_group("out_train", {"": jax_out})
    notes: list[str] = []
    return _train_output_check(torch_bundle, jax_bundle, Tolerances(), notes), notes


def test_an_error_within_torchs_own_float32_noise_passes_and_says_so():
    noisy = _TORCH.astype(np.float64) + 1e-4  # torch float32 is 1e-4 from exact arithmetic
    check, notes = _check(_TORCH + np.float32(1.2e-4), noisy)
    assert check.ok
    assert abs(check.tensors[0].noise_floor - 1e-4) < 1e-6
    assert notes and "training-mode output" in notes[0]


def test_the_same_error_fails_where_torch_float32_is_exact():
    check, notes = _check(_TORCH + np.float32(1.2e-4), _TORCH.astype(np.float64))
    assert not check.ok and not notes


def test_an_error_far_past_the_noise_floor_fails():
    noisy = _TORCH.astype(np.float64) + 1e-4
    check, _ = _check(_TORCH + np.float32(1e-2), noisy)
    assert not check.ok


def test_without_a_float64_run_the_plain_tolerance_applies():
    check, notes = _check(_TORCH + np.float32(1.2e-4), None)
    assert not check.ok and not notes
