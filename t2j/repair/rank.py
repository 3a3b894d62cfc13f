"""Order candidates: verified first, then the least wrong."""

from __future__ import annotations

import math

from t2j.verify.report import Verification


def wrongness(verification: Verification | None) -> tuple:
    """A sort key: smaller is better. Verified < numbers off (backward only < forward) < failed to run < no code."""
    if verification is None:
        return (4, 0, 0.0)
    if verification.ok:
        return (0, 0, 0.0)
    if verification.error:
        # a failure to run; later stages got further ("compare" > "jax" > "input")
        stage = {"compare": 0, "jax": 1, "torch": 2, "input": 2}.get(verification.failed_stage or "", 1)
        return (3, stage, 0.0)
    failed = [c for c in verification.checks if not c.ok and not c.skipped]
    forward_failed = any(c.name != "backward" for c in failed)
    worst = 0.0
    for check in failed:
        for t in check.tensors:
            if t.ok:
                continue
            if t.problem:
                worst = max(worst, 1e6)
            else:
                worst = max(worst, t.max_abs_err / max(t.limit, 1e-30))
    return (2 if forward_failed else 1, len(failed), math.log10(max(worst, 1.0)))
