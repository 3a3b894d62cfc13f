"""`t2j.translate(source, backend=...)`: the one dispatcher between the translation backends.

It reads and checks the input once (t2j.source), then drafts with the rules (t2j.rules, offline) or hands the
text to the LLM pipeline (t2j.repair.pipeline: draft, verify, repair); without an LLM configured the LLM
backends fall back to the rules, with a one-line note. Each stage is imported when it runs, so the offline path
never loads the LLM client.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from t2j.errors import BadInput
from t2j.result import Translation
from t2j.settings import BACKENDS, LLM_BACKENDS, NO_LLM_NOTE, Settings, llm_configured
from t2j.source import defines_inputs, load_checked

log = logging.getLogger("t2j.repair")  # the LLM pipeline's logger: the no-LLM note is about it


def translate(
    source: Any, backend: str = "rules", settings: Settings | None = None, verify: bool = True, entry: str | None = None
) -> Translation:
    """Translate `source` (a path, source text, or a live class/function) to Flax NNX + optax.

    The result carries the code, diagnostics for anything not translated (with source lines), the rules
    that fired, and the verifier's report when `verify` is True and the source defines get_inputs(), is a
    training script in the make_models/make_data/train convention (t2j.verify.training), or trains in any other
    shape (a `.backward()`: the recording checker, t2j.verify.recording).
    """
    settings = settings or Settings()
    if backend not in BACKENDS:
        raise BadInput(f"unknown backend '{backend}': this installation offers {', '.join(BACKENDS)}")
    text = load_checked(source)
    if backend in LLM_BACKENDS:
        if not llm_configured(settings):
            return _rules_without_llm(text, settings, verify, entry)
        from t2j.repair.pipeline import translate_checked

        return translate_checked(text, backend, settings, entry=entry, verify=verify)
    return _rules(text, settings, verify, entry)


def _rules(text: str, settings: Settings, verify: bool, entry: str | None) -> Translation:
    start = time.perf_counter()
    from t2j.rules import translate_rules

    result = translate_rules(text)
    seconds = time.perf_counter() - start
    translation = Translation(
        source=text,
        code=result.code,
        backend="rules",
        diagnostics=result.diagnostics,
        rules_fired=result.rules_fired,
        seconds=seconds,
    )
    if verify and _has_inputs(text):
        translation.verification = run_verification(text, result.code, entry, settings)
    elif verify and (result.train_steps or ".backward(" in text):
        # a training script in no convention: verified by recording its torch run (t2j.verify.recording)
        from t2j.verify.recording import as_verification, verify_script_sources

        report = verify_script_sources(
            text,
            result.code,
            max_steps=settings.record_max_steps,
            timeout_s=settings.record_timeout_s,
            settings=settings,
        )
        translation.verification = as_verification(report)
    return translation


def _rules_without_llm(text: str, settings: Settings, verify: bool, entry: str | None) -> Translation:
    """An LLM backend was asked for but none is configured: the rules backend, with the note in the log and
    as the result's one round."""
    from t2j.repair.rounds import Round

    log.warning(NO_LLM_NOTE)
    result = _rules(text, settings, verify, entry)
    result.rounds = [
        Round(
            index=0,
            kind="rules",
            code=result.code,
            error=NO_LLM_NOTE,
            summary=NO_LLM_NOTE,
            verification=result.verification,
            verified=bool(result.verification is not None and result.verification.ok),
        )
    ]
    return result


def _has_inputs(text: str) -> bool:
    """Whether the verifier can run `text`: it defines get_inputs(), or it is a training script."""
    from t2j.verify.training import is_training_script

    return defines_inputs(text) or is_training_script(text)


def run_verification(torch_code: str, jax_code: str, entry: str | None, settings: Settings):
    from t2j.verify.api import verify_sources

    try:
        return verify_sources(torch_code, jax_code, entry=entry, settings=settings)
    except BadInput as exc:
        from t2j.verify.report import Verification

        return Verification(ok=False, error=str(exc), failed_stage="input")
