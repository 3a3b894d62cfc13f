"""t2j: translate PyTorch to JAX and prove each translation equivalent.

Public names are imported lazily so that `import t2j` (and the CLI) starts fast and does not pull in torch or
jax until a function that needs them is called.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "Settings": "t2j.settings",
    "Verification": "t2j.verify.report",
    "FixEntry": "t2j.fixes.entry",
    "load_store": "t2j.fixes.store",
    "retrieve": "t2j.retrieve.retrieve",
    "RetrievalQuery": "t2j.retrieve.query",
    "Tolerances": "t2j.verify.report",
    "verify_files": "t2j.verify.api",
    "verify_training_files": "t2j.verify.training",
    "port_weights": "t2j.verify.port",
    "save_weights": "t2j.verify.port",
    "PortError": "t2j.verify.port",
    "synthesize": "t2j.synth.engine",
    "SynthConfig": "t2j.synth.engine",
    "translate": "t2j.backends",
    "Translation": "t2j.result",
    "evaluate": "t2j.eval.api",
    "run_llm_translation": "t2j.repair.pipeline",
    "LLMClient": "t2j.llm.client",
    "Prompt": "t2j.prompts.model",
    "build_translate_prompt": "t2j.prompts.build",
    "build_repair_prompt": "t2j.prompts.build",
    "count_tokens": "t2j.prompts.tokens",
    "migrate_codebase": "t2j.migrate.codebase",
    "MigrateOptions": "t2j.migrate.models",
    "translate_notebook": "t2j.migrate.notebook",
}


# `%load_ext t2j` calls t2j.load_ipython_extension: the `%%t2j` cell magic (t2j/migrate/magic.py), resolved lazily
# like the public names (so that importing t2j never imports a stage)
_LAZY = {**_EXPORTS, "load_ipython_extension": "t2j.migrate.magic"}


def __getattr__(name: str):
    if name == "verify":  # the subpackage is callable (see t2j/_callable_module.py)
        return import_module("t2j.verify")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 't2j' has no attribute '{name}'")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))


__all__ = sorted([*_EXPORTS, "verify"])
