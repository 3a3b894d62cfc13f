"""Cost of a request from its token usage: a per-model price table (USD per million tokens), configurable.

Override or extend the table with a JSON file named by $T2J_PRICES ({"model": [input, output], ...}) or by
passing `prices=` to the client. Unknown models (local servers) cost None: unknown, not zero.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# USD per 1M tokens (input, output), list prices.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}
PRICES_ENV = "T2J_PRICES"


def load_prices(extra: dict[str, tuple[float, float]] | None = None) -> dict[str, tuple[float, float]]:
    """The default table, updated from $T2J_PRICES (a JSON file) and then from `extra`."""
    table = dict(DEFAULT_PRICES)
    path = os.environ.get(PRICES_ENV)
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            table.update({str(k): (float(v[0]), float(v[1])) for k, v in data.items()})
        except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
            raise ValueError(
                f"${PRICES_ENV}={path}: expected a JSON object {{model: [input, output]}} ({exc})"
            ) from None
    if extra:
        table.update({k: (float(v[0]), float(v[1])) for k, v in extra.items()})
    return table


def price_for(model: str, table: dict[str, tuple[float, float]]) -> tuple[float, float] | None:
    """Exact name first, then the longest table key the model name starts with (e.g. 'gpt-4o-2024-08-06')."""
    if model in table:
        return table[model]
    matches = [k for k in table if model.startswith(k)]
    return table[max(matches, key=len)] if matches else None


def cost_usd(
    model: str, prompt_tokens: int, completion_tokens: int, table: dict[str, tuple[float, float]]
) -> float | None:
    price = price_for(model, table)
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
