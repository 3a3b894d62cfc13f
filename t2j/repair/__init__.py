"""repair stage: the LLM pipeline (draft, verify, bounded repair rounds with error-specific fixes)."""

from t2j.repair.pipeline import BACKENDS, NO_LLM_NOTE, run_llm_translation, total_cost
from t2j.repair.rounds import Round

__all__ = ["BACKENDS", "NO_LLM_NOTE", "Round", "run_llm_translation", "total_cost"]
