"""One configuration object passed down the pipeline (no globals)."""

from __future__ import annotations

import os

from typing import Any, Literal

from pydantic import BaseModel, Field

BACKENDS = ("rules", "openai", "hybrid")  # t2j.translate(backend=...): rules offline; the others need an LLM
LLM_BACKENDS = ("openai", "hybrid")  # drafted by t2j.repair.pipeline
NO_LLM_NOTE = (
    "no LLM configured (set --model/T2J_MODEL and --base-url/OPENAI_BASE_URL or OPENAI_API_KEY); used the rules backend"
)


class Settings(BaseModel):
    """Configuration for translation, verification and the LLM backends."""

    # verification
    rtol: float = 2e-5
    atol: float = 1e-5
    float64: bool = False
    timeout_s: float = 300.0
    memory_limit_mb: int = 8192  # all processes of one sandboxed side together
    process_limit: int = 512  # processes and threads of one sandboxed side
    # largest file a sandboxed side may write (its stdout/stderr included); the torch side's results hold the
    # weights, their gradients and the outputs, so a full-size model (AlexNet: 244 MB of weights) needs room
    output_limit_mb: int = 2048
    require_isolation: bool = False  # refuse to verify where the bubblewrap sandbox is unavailable
    warm_sandbox: bool = True  # fork sandboxed children from a warm interpreter (skips ~5 s of imports)
    timing_runs: int = 7
    collect_ir: bool = True
    seed: int = 0
    # fresh models' initial weights against torch's, by distribution (t2j.verify.init_check): "fail" fails the
    # verdict, "warn" reports it without failing (hand-written translations often keep Flax's own initialisers),
    # "off" skips the fresh builds
    init_check: Literal["fail", "warn", "off"] = "warn"
    # training verification: per-step losses and final weights drift apart with float32 rounding over the
    # steps (reordered sums feed back through the optimizer), so they get a looser, stated tolerance
    train_rtol: float = 1e-4
    train_atol: float = 1e-5
    # recording checker (scripts without get_inputs/make_models): each sandboxed run's limit, steps replayed
    record_timeout_s: float = 300.0
    record_max_steps: int = 5

    # LLM
    base_url: str | None = Field(default_factory=lambda: os.environ.get("OPENAI_BASE_URL"))
    api_key: str | None = Field(default_factory=lambda: os.environ.get("OPENAI_API_KEY"))
    model: str | None = Field(default_factory=lambda: os.environ.get("T2J_MODEL"))
    max_repairs: int = 3
    augmentation_tokens: int = 2000
    cache_dir: str | None = None


def llm_configured(settings: Any) -> bool:
    """True when a model is named and there is somewhere to send it (a base URL, or an OpenAI API key)."""
    return bool(getattr(settings, "model", None)) and bool(
        getattr(settings, "base_url", None) or getattr(settings, "api_key", None)
    )
