"""The verifier's report written for an LLM: which output or gradient is off and by how much, or the error."""

from __future__ import annotations

from typing import Any

from t2j.prompts.tokens import count_tokens, get_encoding, encoding_name_for_model

MAX_REPORT_TOKENS = 1500


def _tail_to_tokens(text: str, max_tokens: int, model: str | None) -> str:
    enc = get_encoding(encoding_name_for_model(model))
    tokens = enc.encode(text, disallowed_special=())
    if len(tokens) <= max_tokens:
        return text
    return "...(earlier lines cut)...\n" + enc.decode(tokens[-max_tokens:])


def format_report(verification: Any, model: str | None = None, max_tokens: int = MAX_REPORT_TOKENS) -> str:
    """Describe a failed verification (a `Verification`, or plain text such as a syntax error) for a repair."""
    if verification is None:
        return "The translation was not verified."
    if isinstance(verification, str):
        return _tail_to_tokens(verification.strip(), max_tokens, model)
    lines: list[str] = []
    error = getattr(verification, "error", None)
    if error:
        stage = getattr(verification, "failed_stage", None) or "run"
        where = {
            "jax": "Running the JAX translation failed",
            "torch": "Running the PyTorch reference failed",
            "input": "Reading the inputs failed",
            "compare": "Comparing the results failed",
        }.get(stage, f"The {stage} stage failed")
        lines.append(f"{where}:")
        lines.append(_tail_to_tokens(str(error).strip(), max_tokens, model))
    for check in getattr(verification, "checks", []) or []:
        if getattr(check, "skipped", None):
            lines.append(f"- {check.name}: skipped ({check.skipped})")
            continue
        if check.ok:
            lines.append(f"- {check.name}: ok")
            continue
        lines.append(f"- {check.name}: FAILED")
        bad = [t for t in check.tensors if not t.ok]
        for t in bad[:12]:
            shape = "x".join(str(s) for s in t.shape) or "scalar"
            if t.problem:
                lines.append(f"    {t.name} ({shape}): {t.problem}")
            else:
                lines.append(
                    # two significant digits: enough to judge how far off, and stable from run to run (so that
                    # the same failure gives the same prompt, and a cache hit)
                    f"    {t.name} ({shape}): max abs error {t.max_abs_err:.2g}, max rel error {t.max_rel_err:.2g},"
                    f" allowed {t.limit:.2g}"
                )
        if len(bad) > 12:
            lines.append(f"    ... and {len(bad) - 12} more tensors off")
    for note in getattr(verification, "notes", []) or []:
        lines.append(f"note: {note}")
    text = "\n".join(lines) if lines else "The verifier rejected the translation without details."
    if count_tokens(text, model) > max_tokens:
        text = _tail_to_tokens(text, max_tokens, model)
    return text
