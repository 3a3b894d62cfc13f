"""llm stage: an OpenAI-compatible chat client with retries, an on-disk cache, cost accounting, and code
extraction. Tests run it against a real local HTTP server with scripted replies (tests/support/fake_openai.py).

Names are imported lazily, so `t2j.llm.errors` can be imported (by the CLI) without loading `openai`.
"""

from t2j._lazy import lazy_getattr

_EXPORTS = {
    "Completion": "t2j.llm.client",
    "LLMClient": "t2j.llm.client",
    "llm_configured": "t2j.settings",
    "LLMError": "t2j.llm.errors",
    "LLMNotConfigured": "t2j.llm.errors",
    "LLMUnavailable": "t2j.llm.errors",
    "NoCodeBlock": "t2j.llm.errors",
    "extract_code": "t2j.llm.extract",
}


__getattr__ = lazy_getattr(__name__, _EXPORTS)


__all__ = sorted(_EXPORTS)
