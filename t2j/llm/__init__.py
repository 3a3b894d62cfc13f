"""llm stage: an OpenAI-compatible chat client with retries, an on-disk cache, cost accounting, and code
extraction. Tests run it against a real local HTTP server with scripted replies (tests/support/fake_openai.py).

Names are imported lazily, so `t2j.llm.errors` can be imported (by the CLI) without loading `openai`.
"""

from importlib import import_module

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


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 't2j.llm' has no attribute '{name}'")
    return getattr(import_module(module), name)


__all__ = sorted(_EXPORTS)
