"""The `init` check: does a freshly built JAX model start from the distribution a fresh torch model does?

Ported weights make the other checks exact, so they cannot see the initialisers; a user training from scratch
depends on them. Each side builds `DRAWS` fresh models (its own seeds) and sends the values of every parameter
(a random subsample of at most `SAMPLE` elements per draw, the whole tensor when it is smaller). The statistics
are computed here, in the parent, from those values: no side reports its own statistics, and the JAX side never
sees torch's values.

Per parameter (torch's draws against the JAX draws of the variable it was ported into):
- deterministic in torch (the same values in every draw: ones, zeros, a constant, a fixed table): the JAX draws
  must hold the same values (in the JAX layout);
- random: mean, standard deviation and both bounds (min, max) must agree within `Z` standard errors of their
  sampling distribution, estimated from the samples themselves (so the bound is loose for few elements); below
  `MIN_ELEMENTS` pooled elements the tensor is skipped, with the reason.
"""

from __future__ import annotations

import math

import numpy as np

from t2j.verify.port import apply_steps
from t2j.verify.report import Check, TensorCheck

DRAWS = 3
SAMPLE = 1 << 15
MIN_ELEMENTS = 16
BOUNDS_ELEMENTS = 200  # the extremes' spread is estimated from the 10 outermost values: only with enough of them
# standard errors allowed: a corpus run compares ~10^4 statistics, so a false alarm stays below ~1e-4 per run
Z = 6.0
# the extremes of a sample fluctuate like a Gumbel/exponential variable: tails ~exp(-z), so allow more units
Z_BOUNDS = 16.0
EXACT_RTOL, EXACT_ATOL = 1e-5, 1e-6


def sample(values: np.ndarray, seed: int) -> np.ndarray:
    """The values a side sends for one draw of one parameter: all of them (its own shape) up to SAMPLE
    elements, else SAMPLE of them chosen uniformly at random (flat)."""
    values = np.asarray(values)
    if values.size <= SAMPLE:
        return values
    rng = np.random.default_rng(seed)
    return values.reshape(-1)[rng.choice(values.size, SAMPLE, replace=False)]


def _full(draw: np.ndarray, shape: tuple[int, ...]) -> bool:
    return tuple(draw.shape) == tuple(shape)


def _std_error(x: np.ndarray) -> float:
    """Standard error of the sample standard deviation (delta method: var(s) ~ (m4 - s^4) / (4 s^2 n))."""
    n, s = x.size, x.std()
    if s == 0:
        return 0.0
    m4 = np.mean((x - x.mean()) ** 4)
    return math.sqrt(max(m4 - s**4, 0.0) / (4 * s**2 * n))


def _extreme_scale(x: np.ndarray, top: bool) -> float:
    """How far the sample's extreme moves between samples: the mean spacing of its k outermost values,
    weighted as for an exponential tail (gap / H_k; for a bounded distribution this is ~ range / n)."""
    k = 10
    xs = np.sort(x)
    gap = xs[-1] - xs[-1 - k] if top else xs[k] - xs[0]
    return float(gap) / sum(1.0 / i for i in range(1, k + 1))


def _stat_problems(t: np.ndarray, j: np.ndarray) -> tuple[list[str], float, float]:
    """Differences beyond the sampling tolerance, and the worst (difference, its limit)."""
    problems, worst = [], (0.0, 0.0)
    stats = [
        ("mean", t.mean(), j.mean(), Z * math.sqrt(t.var() / t.size + j.var() / j.size)),
        ("std", t.std(), j.std(), Z * math.hypot(_std_error(t), _std_error(j))),
    ]
    if min(t.size, j.size) >= BOUNDS_ELEMENTS:
        stats += [
            ("min", t.min(), j.min(), Z_BOUNDS * math.hypot(_extreme_scale(t, False), _extreme_scale(j, False))),
            ("max", t.max(), j.max(), Z_BOUNDS * math.hypot(_extreme_scale(t, True), _extreme_scale(j, True))),
        ]
    for name, want, got, limit in stats:
        limit += EXACT_ATOL + EXACT_RTOL * abs(want)
        diff = abs(float(got) - float(want))
        if diff > limit:
            problems.append(f"{name} {got:.4g} vs torch {want:.4g} (allowed +-{limit:.2g})")
        if diff / limit >= (worst[0] / worst[1] if worst[1] else 0.0):
            worst = (diff, limit)
    return problems, worst[0], worst[1]


def compare_init(
    name: str, torch_draws: list[np.ndarray], jax_draws: list[np.ndarray], shape: tuple[int, ...], steps: list
) -> TensorCheck:
    """One parameter: torch's draws (torch layout, `shape`) against the JAX side's (already in its layout)."""
    jax_shape = tuple(apply_steps(np.zeros(shape, np.float32), steps).shape)
    check = TensorCheck(name=name, shape=list(jax_shape), dtype=str(torch_draws[0].dtype))
    jax_draws = [np.asarray(d, np.float64) for d in jax_draws]
    if not jax_draws or any(not np.all(np.isfinite(d)) for d in jax_draws):
        return check.model_copy(update={"ok": False, "problem": "no finite values from the fresh JAX models"})
    full = all(_full(d, shape) for d in torch_draws)
    if full and all(np.array_equal(d, torch_draws[0]) for d in torch_draws[1:]):
        want = apply_steps(np.asarray(torch_draws[0], np.float64), steps)
        if any(not _full(d, jax_shape) for d in jax_draws):
            return check.model_copy(
                update={"ok": False, "problem": "torch initialises it to fixed values; the JAX sample is partial"}
            )
        err = max(float(np.abs(d - want).max(initial=0.0)) for d in jax_draws)
        limit = EXACT_ATOL + EXACT_RTOL * float(np.abs(want).max(initial=0.0))
        problem = None if err <= limit else "torch initialises it to fixed values (the same in every draw)"
        return check.model_copy(update={"ok": err <= limit, "max_abs_err": err, "limit": limit, "problem": problem})
    t = np.concatenate([np.asarray(d, np.float64).reshape(-1) for d in torch_draws])
    j = np.concatenate([d.reshape(-1) for d in jax_draws])
    if t.size < MIN_ELEMENTS or j.size < MIN_ELEMENTS:
        return check.model_copy(
            update={"skipped": f"{t.size} elements over {len(torch_draws)} draws: too few for a sampling check"}
        )
    problems, diff, limit = _stat_problems(t, j)
    return check.model_copy(
        update={
            "ok": not problems,
            "max_abs_err": diff,
            "limit": limit,
            "problem": "; ".join(problems) or None,
        }
    )


def init_check(torch_fresh: dict[str, list[np.ndarray]], jax_fresh: dict[str, list[np.ndarray]], mappings, shapes):
    """The init Check over every ported parameter: `torch_fresh` {torch key: draws}, `jax_fresh` {JAX path:
    draws}, `mappings` the port's [{torch_key, jax_path, steps}], `shapes` {torch key: torch shape}."""
    tensors = []
    for m in mappings:
        key, path = m["torch_key"], m["jax_path"]
        if key not in torch_fresh:
            continue  # a buffer: its initial value is compared by the forward checks
        name = f"{key} (as {path})"
        if path not in jax_fresh:
            tensors.append(TensorCheck(name=name, ok=False, problem="the fresh JAX models have no such parameter"))
            continue
        tensors.append(compare_init(name, torch_fresh[key], jax_fresh[path], tuple(shapes[key]), m["steps"]))
    return Check(name="init", ok=all(t.ok for t in tensors), tensors=tensors)
