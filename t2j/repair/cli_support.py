"""What `t2j translate` needs for the LLM backends: settings from the command line, and per-round lines."""

from __future__ import annotations

from t2j.settings import Settings


def llm_settings(base_url: str | None = None, model: str | None = None, api_key: str | None = None,
                 max_repairs: int | None = None, settings: Settings | None = None) -> Settings:
    """Settings with the command-line values over the environment's (OPENAI_BASE_URL, OPENAI_API_KEY, T2J_MODEL)."""
    settings = settings or Settings()
    update = {k: v for k, v in {"base_url": base_url, "model": model, "api_key": api_key,
                                "max_repairs": max_repairs}.items() if v is not None}
    return settings.model_copy(update=update) if update else settings


def round_lines(result) -> list[str]:
    """One line per pipeline round (LLM backends): kind, prompt size, fixes, verdict, tokens and cost."""
    lines = []
    for r in getattr(result, "rounds", []) or []:
        if r.kind == "rules" and r.error and not r.prompt_tokens:
            lines.append(f"  note: {r.error}")  # no LLM configured
            continue
        prompt = f"prompt {r.prompt_tokens} tok ({r.augmentation_tokens} of fixes)" if r.prompt_tokens else "no LLM call"
        fixes = f", fixes {', '.join(r.fix_ids)}" if r.fix_ids else ""
        used = r.usage_prompt_tokens + r.usage_completion_tokens
        cost = f", ${r.cost_usd:.4f}" if r.cost_usd else ""
        cached = " (cached)" if r.cached else ""
        lines.append(f"  round {r.index} {r.kind}: {prompt}{fixes}; {used} tok used{cost}{cached}; {r.summary}")
    return lines
