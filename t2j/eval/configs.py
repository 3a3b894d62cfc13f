"""The evaluated configurations (the ablations of one `t2j eval` run)."""

from __future__ import annotations

from pydantic import BaseModel

from t2j.errors import BadInput


class EvalConfig(BaseModel):
    """How one configuration produces its translation."""

    name: str
    backend: str  # argument of t2j.translate(), or "reference" (the problem's jax_ref.py)
    needs_llm: bool
    augment: bool = True  # retrieved fixes in the prompts (LLM backends)
    description: str


CONFIGS: dict[str, EvalConfig] = {
    c.name: c
    for c in [
        EvalConfig(
            name="rules",
            backend="rules",
            needs_llm=False,
            augment=False,
            description="rule-based translation only, no LLM",
        ),
        EvalConfig(
            name="llm",
            backend="openai",
            needs_llm=True,
            augment=False,
            description="LLM translation and repair without retrieved fixes",
        ),
        EvalConfig(
            name="llm+fixes",
            backend="openai",
            needs_llm=True,
            augment=True,
            description="LLM translation and repair with retrieved fixes in the prompts",
        ),
        EvalConfig(
            name="hybrid",
            backend="hybrid",
            needs_llm=True,
            augment=True,
            description="rules draft, the LLM finishes what rules could not, with retrieved fixes",
        ),
        EvalConfig(
            name="reference",
            backend="reference",
            needs_llm=False,
            augment=False,
            description="the benchmark's own jax_ref.py (checks the benchmark; an upper bound)",
        ),
    ]
}

# `--backend` names (as in `t2j translate --backend`) -> configuration
BACKEND_CONFIG = {
    "rules": "rules",
    "openai": "llm+fixes",
    "llm": "llm+fixes",
    "hybrid": "hybrid",
    "reference": "reference",
}


def parse_configs(configs: str | None, backend: str | None) -> list[EvalConfig]:
    """`--configs a,b,c` or `--backend X` (not both) -> configurations, in the order given."""
    if configs and backend:
        raise BadInput("pass either --configs or --backend, not both")
    if backend:
        if backend not in BACKEND_CONFIG:
            raise BadInput(f"unknown backend '{backend}'; use one of: {', '.join(BACKEND_CONFIG)}")
        names = [BACKEND_CONFIG[backend]]
    else:
        names = [n.strip() for n in (configs or "rules").split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise BadInput(
            f"unknown configuration(s) {', '.join(unknown)}; use a comma-separated list of: {', '.join(CONFIGS)}"
        )
    if not names:
        raise BadInput(f"--configs is empty; use a comma-separated list of: {', '.join(CONFIGS)}")
    return [CONFIGS[n] for n in dict.fromkeys(names)]
