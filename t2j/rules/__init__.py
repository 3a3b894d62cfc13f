"""The offline rules backend: a libcst source-to-source translator PyTorch -> Flax NNX + optax.

`translate_rules(source) -> RulesResult` (code, diagnostics for what was not translated, rules fired).
Rules live in t2j/rules/library/ (one small class each, with examples); the engine in t2j/rules/engine.py.
"""

from t2j.rules.engine import RulesResult, translate_rules

__all__ = ["RulesResult", "translate_rules"]
