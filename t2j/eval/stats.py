"""Small statistics for the summary: means, rates and the correlation of a metric with the execution verdict."""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean(values: Sequence[float | None]) -> float | None:
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def median(values: Sequence[float | None]) -> float | None:
    kept = sorted(float(v) for v in values if v is not None)
    if not kept:
        return None
    mid = len(kept) // 2
    return kept[mid] if len(kept) % 2 else (kept[mid - 1] + kept[mid]) / 2


def geomean(values: Sequence[float | None]) -> float | None:
    kept = [float(v) for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in kept) / len(kept)) if kept else None


def rate(flags: Sequence[bool | None]) -> float | None:
    kept = [bool(f) for f in flags if f is not None]
    return sum(kept) / len(kept) if kept else None


def pearson(xs: Sequence[float | None], ys: Sequence[float | None]) -> tuple[float | None, int]:
    """Pearson r over the pairs where both values are present, and the number of such pairs.

    With a binary `ys` (the execution verdict as 0/1) this is the point-biserial correlation. Returns
    (None, n) when it is undefined: fewer than 3 pairs or a constant side.
    """
    pairs = [(float(x), float(y)) for x, y in zip(xs, ys) if x is not None and y is not None]
    n = len(pairs)
    if n < 3:
        return None, n
    mx = sum(x for x, _ in pairs) / n
    my = sum(y for _, y in pairs) / n
    sxx = sum((x - mx) ** 2 for x, _ in pairs)
    syy = sum((y - my) ** 2 for _, y in pairs)
    if sxx <= 1e-15 * max(1.0, mx * mx) * n or syy <= 1e-15 * max(1.0, my * my) * n:
        return None, n
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    r = sxy / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r)), n
