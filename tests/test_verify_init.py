"""The init check: fresh JAX models must start from the distribution fresh torch models do (mean, std, bounds
within sampling tolerance; fixed values exactly), computed by the parent from the values both sides send."""

from __future__ import annotations

import numpy as np
import pytest

from t2j.settings import Settings
from t2j.verify.init_check import DRAWS, compare_init, sample

TORCH = """
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 128)
        self.norm = nn.LayerNorm(128)

    def forward(self, x):
        return self.norm(self.fc(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(4, 256)]
"""

JAX = """
import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(256, 128{init}, rngs=rngs)
        self.norm = nnx.LayerNorm(128, epsilon=1e-5, use_fast_variance=False, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.fc(x))
"""
# the translation's own initialisers: Flax's (lecun normal kernel, zero bias) or torch's
FLAX_INIT = ""
TORCH_INIT = (
    ", kernel_init=nnx.initializers.variance_scaling(1 / 3, 'fan_in', 'uniform'),"
    " bias_init=lambda key, shape, dtype: jax.random.uniform(key, shape, dtype, -1 / 16, 1 / 16)"
)


def _draws(make, shape, seed):
    rng = np.random.default_rng(seed)
    return [sample(make(rng, shape), d) for d in range(DRAWS)]


def _uniform(bound):
    return lambda rng, shape: rng.uniform(-bound, bound, shape).astype(np.float32)


def test_the_same_distribution_passes_and_a_wrong_one_fails():
    shape = (256, 128)  # torch's Linear(256, 128).weight transposed: U(+-1/16)
    torch_draws = _draws(_uniform(1 / 16), shape, 0)
    same = compare_init("w", torch_draws, _draws(_uniform(1 / 16), shape, 1), shape, [])
    assert same.ok, same.problem
    lecun = compare_init(
        "w", torch_draws, _draws(lambda r, s: (r.standard_normal(s) / 16).astype(np.float32), shape, 2), shape, []
    )
    assert not lecun.ok and lecun.problem.startswith("std")


def test_a_zero_bias_is_caught_even_with_few_elements_and_tiny_tensors_are_skipped():
    torch_draws = _draws(_uniform(0.1), (8,), 0)
    zero = compare_init("b", torch_draws, [np.zeros(8, np.float32)] * DRAWS, (8,), [])
    assert not zero.ok and zero.problem.startswith("std 0")
    tiny = compare_init("b", _draws(_uniform(0.1), (2,), 0), _draws(_uniform(0.1), (2,), 1), (2,), [])
    assert tiny.ok and "too few" in tiny.skipped


def test_fixed_values_must_match_in_the_jax_layout():
    table = np.arange(12, dtype=np.float32).reshape(3, 4)  # a deterministic parameter (the same in every draw)
    steps = [("transpose", (1, 0))]
    ok = compare_init("t", [table] * DRAWS, [table.T] * DRAWS, (3, 4), steps)
    assert ok.ok, ok.problem
    wrong = compare_init("t", [table] * DRAWS, [table.T * 0.5] * DRAWS, (3, 4), steps)
    assert not wrong.ok and "fixed values" in wrong.problem
    ones = compare_init("scale", [np.ones(6, np.float32)] * DRAWS, [np.full(6, 0.5, np.float32)] * DRAWS, (6,), [])
    assert not ones.ok


@pytest.mark.parametrize("seed", range(20))
def test_no_false_alarm_over_many_draws(seed):
    for shape in [(6,), (16,), (300,), (64, 64)]:
        for make in (_uniform(0.3), lambda r, s: r.standard_normal(s).astype(np.float32)):
            check = compare_init("w", _draws(make, shape, 2 * seed), _draws(make, shape, 2 * seed + 1), shape, [])
            assert check.ok, (shape, check.problem)


def _verify(init: str, mode: str):
    from t2j.verify.api import verify_sources

    return verify_sources(TORCH, JAX.format(init=init), settings=Settings(init_check=mode))


def test_a_translation_keeping_flax_initialisers_fails_the_init_check():
    """End to end through the sandboxes: the JAX side sends fresh parameter values, the parent judges them."""
    verification = _verify(FLAX_INIT, "fail")
    init = verification.check("init")
    assert not verification.ok and not init.ok
    failed = {t.name for t in init.tensors if not t.ok}
    assert failed == {"fc.weight (as fc.kernel)", "fc.bias (as fc.bias)"}
    assert verification.check("forward_eval").ok and verification.check("backward").ok  # ported weights: exact
    assert "init: FAIL" in verification.summary()


def test_init_check_warns_by_default_and_torch_initialisers_pass():
    warned = _verify(FLAX_INIT, "warn")
    assert warned.ok and not warned.check("init").ok and "init: WARN" in warned.summary()
    right = _verify(TORCH_INIT, "fail")
    assert right.ok, right.summary()
    assert all(t.ok for t in right.check("init").tensors)
    assert _verify(FLAX_INIT, "off").check("init") is None
