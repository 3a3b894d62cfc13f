"""repair stage: the LLM pipeline (draft, verify, bounded repair rounds with error-specific fixes).

Names are imported lazily, so that `t2j.repair.rounds` (the Round model) does not load the LLM client.
"""

from importlib import import_module

_EXPORTS = {
    "run_llm_translation": "t2j.repair.pipeline",
    "translate_checked": "t2j.repair.pipeline",
    "total_cost": "t2j.repair.pipeline",
    "Round": "t2j.repair.rounds",
    "NO_LLM_NOTE": "t2j.settings",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 't2j.repair' has no attribute '{name}'")
    return getattr(import_module(module), name)


__all__ = sorted(_EXPORTS)
