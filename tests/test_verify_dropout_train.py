"""Training mode of a module with dropout: its outputs are random, so the check switches every dropout layer
off on both sides and still compares what is not random (batch statistics, running-stat updates). A
translation whose only bug is in training mode used to pass with the train check skipped."""

import pytest

import t2j
from t2j.verify.api import verify_sources

TORCH = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.bn = nn.BatchNorm1d(32)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(32, 8)
    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))
def get_init_inputs(): return []
def get_inputs(): return [torch.randn(6, 16)]
"""

FUNCTIONAL_DROPOUT = TORCH.replace("self.drop(", "nn.functional.dropout(").replace(
    "torch.relu(self.bn(self.fc1(x))))", "torch.relu(self.bn(self.fc1(x))), 0.3, self.training)"
)


def _checks(result):
    return {c.name: c for c in result.checks}


def test_train_mode_is_checked_with_dropout_switched_off():
    result = t2j.translate(TORCH)
    assert "def get_inputs():\n    key = jax.random.key(0)" in result.code  # the one-line body was opened up
    v = result.verification
    assert v.ok, v.summary()
    checks = _checks(v)
    assert checks["forward_train"].skipped is None and checks["forward_train"].ok
    assert checks["running_stats"].skipped is None and checks["running_stats"].ok
    assert any("dropout layer switched off on both sides" in note for note in v.notes)


def test_a_train_mode_only_bug_behind_dropout_is_rejected():
    good = t2j.translate(TORCH, verify=False).code
    # batch norm normalising with the running statistics in training mode too: eval outputs and gradients
    # are unchanged, only the training-mode forward and the running-stat updates are wrong
    wrong = good.replace("if self.use_running_average and self.track_running_stats:", "if self.track_running_stats:")
    assert wrong != good
    v = verify_sources(TORCH, wrong)
    assert not v.ok, v.summary()
    checks = _checks(v)
    assert checks["forward_eval"].ok and checks["backward"].ok
    assert not checks["forward_train"].ok


@pytest.mark.slow
def test_functional_dropout_still_skips_the_train_check_with_its_reason():
    # F.dropout in forward is not a layer the verifier can switch off: training-mode outputs stay random
    assert "nn.functional.dropout(" in FUNCTIONAL_DROPOUT
    v = t2j.translate(FUNCTIONAL_DROPOUT).verification
    assert v.ok, v.summary()
    assert _checks(v)["forward_train"].skipped == "random layers (dropout) make training-mode outputs random"


def test_a_running_variance_update_bug_is_rejected_within_the_noise_floor():
    # the biased batch variance for the running estimate (torch keeps the unbiased one): outputs in both
    # modes and gradients are right; the running statistics are off by n/(n-1), far above float32 noise
    good = t2j.translate(TORCH, verify=False).code
    wrong = good.replace("unbiased = lax.stop_gradient(var) * n / max(n - 1, 1)", "unbiased = lax.stop_gradient(var)")
    assert wrong != good
    v = verify_sources(TORCH, wrong)
    checks = _checks(v)
    assert not v.ok and checks["forward_train"].ok and not checks["running_stats"].ok, v.summary()
    failing = [t for t in checks["running_stats"].tensors if not t.ok]
    assert failing and all(t.noise_floor is not None and t.max_abs_err > 4 * t.noise_floor for t in failing)


DROP_PATH = TORCH.replace(
    "        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))",
    "        h = torch.relu(self.bn(self.fc1(x)))\n"
    "        # drop-path: whole samples, with a keep probability so high that two seeds rarely differ\n"
    "        keep = (torch.rand(h.shape[0], 1) < 0.999).float()\n"
    "        return self.fc2(self.drop(h * keep / 0.999))",
)


def test_a_draw_the_outputs_do_not_show_still_skips_the_train_check():
    # torch's generator moved during the forward: random, even though two seeds gave the same outputs
    assert "torch.rand(h.shape[0], 1)" in DROP_PATH
    v = t2j.translate(DROP_PATH).verification
    assert v.ok, v.summary()
    assert _checks(v)["forward_train"].skipped == "random layers (dropout) make training-mode outputs random"
