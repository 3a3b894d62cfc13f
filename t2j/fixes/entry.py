"""The schema of one fix-store entry: a known PyTorch->JAX mistake, proven by an executable triple.

An entry holds three complete files in the project's conventions: `torch` (a PyTorch problem file with `Model`,
`get_init_inputs()`, `get_inputs()`), `buggy_jax` (a translation that makes the mistake) and `fixed_jax` (the
translation that verifies). `error` says how the buggy one fails, so that `t2j fixes check` can prove it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The categories an entry may use; each is documented in fixes/TAXONOMY.md (a test keeps the two in step).
CATEGORIES: tuple[str, ...] = (
    "prng",
    "mutation",
    "tracing",
    "reduction",
    "indexing",
    "shape",
    "layout",
    "conv",
    "normalization",
    "activation",
    "dropout",
    "nnx-module",
    "params",
    "optimizer",
    "schedule",
    "loss",
    "dtype",
    "sorting",
    "scatter-gather",
    "rnn",
    "embedding",
    "attention",
    "data",
    "checkpoint",
    "pooling",
    "creation",
    "math",
    "containers",
    "init",
    "einops",
    "device",
    "training-loop",
    "amp",
    "interpolation",
    "fft",
    "padding",
    "autograd",
)

CHECK_NAMES = ("forward_eval", "forward_train", "running_stats", "backward")


class ExceptionError(BaseModel):
    """The buggy code raises: `type` (e.g. "TypeError") and a regex searched in the verifier's error text."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["exception"] = "exception"
    type: str  # exception class name; an alternation "ValueError|TypeError" is allowed
    message: str = ""

    @field_validator("message")
    @classmethod
    def _regex_compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"error.message is not a valid regular expression: {exc}") from None
        return value

    def describe(self) -> str:
        return f"{self.type}: /{self.message}/" if self.message else self.type


class MismatchError(BaseModel):
    """The buggy code runs but a named verifier check fails (wrong numbers, shapes or dtypes)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["mismatch"] = "mismatch"
    check: Literal["forward_eval", "forward_train", "running_stats", "backward"] = "forward_eval"
    note: str = ""  # what differs, for people ("max abs 0.4 on output 0", "dtype float32 vs int32")

    def describe(self) -> str:
        return f"{self.check} mismatch" + (f" ({self.note})" if self.note else "")


ErrorSpec = Annotated[Union[ExceptionError, MismatchError], Field(discriminator="kind")]


class Rewrite(BaseModel):
    """A mechanical edit turning the buggy pattern into the fixed one, tried by the repair loop before any LLM."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["regex"] = "regex"
    pattern: str
    replacement: str
    count: int = 0  # 0 = every occurrence

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"rewrite.pattern is not a valid regular expression: {exc}") from None
        return value

    def apply(self, code: str) -> str | None:
        """The rewritten code, or None when the pattern does not occur."""
        new, n = re.subn(self.pattern, self.replacement, code, count=self.count, flags=re.MULTILINE)
        return new if n else None


class FixEntry(BaseModel):
    """One known mistake: what goes wrong, why, and the proof (torch / buggy JAX / fixed JAX)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    category: str
    why: str
    torch: str
    buggy_jax: str
    error: ErrorSpec
    fixed_jax: str
    tags: list[str] = Field(default_factory=list)
    provenance: Literal["curated", "mined", "user"] = "curated"
    reviewed: bool = False
    rewrite: Rewrite | None = None
    entry: str = "Model"

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}; use one of {', '.join(CATEGORIES)} (fixes/TAXONOMY.md)")
        return value

    @model_validator(mode="after")
    def _files_complete(self) -> "FixEntry":
        for field in ("torch", "buggy_jax", "fixed_jax"):
            code = getattr(self, field)
            try:
                compile(code, f"<{self.id}:{field}>", "exec")
            except SyntaxError as exc:
                raise ValueError(f"{field} does not parse: {exc.msg} (line {exc.lineno})") from None
        if "get_inputs" not in self.torch:
            raise ValueError("torch must be a complete problem file defining get_inputs() (and get_init_inputs())")
        if self.buggy_jax.strip() == self.fixed_jax.strip():
            raise ValueError("buggy_jax and fixed_jax are identical")
        if "t2j" in re.findall(r"^\s*(?:from|import)\s+(\w+)", self.fixed_jax, flags=re.MULTILINE):
            raise ValueError("fixed_jax must be self-contained: it may not import t2j")
        return self

    def text(self) -> str:
        """The entry's searchable text (title, why, tags, code), for lexical retrieval."""
        return "\n".join(
            [
                self.title,
                self.category,
                self.why,
                " ".join(self.tags),
                self.error.describe(),
                self.buggy_jax,
                self.fixed_jax,
                self.torch,
            ]
        )
