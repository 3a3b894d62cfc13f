"""repair stage: the LLM pipeline (draft, verify, bounded repair rounds with error-specific fixes).

Names are imported lazily, so that `t2j.repair.rounds` (the Round model) does not load the LLM client.
"""

from t2j._lazy import lazy_getattr

_EXPORTS = {
    "run_llm_translation": "t2j.repair.pipeline",
    "translate_checked": "t2j.repair.pipeline",
    "total_cost": "t2j.repair.pipeline",
    "Round": "t2j.repair.rounds",
    "NO_LLM_NOTE": "t2j.settings",
}


__getattr__ = lazy_getattr(__name__, _EXPORTS)


__all__ = sorted(_EXPORTS)
