"""The verifier's report: what was checked, how far off each tensor was, speed and IR."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field


_JAX_FILTER_NOTE = "For simplicity, JAX has removed its internal frames"
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|NotFound|Warning)\b.*")


# A warning as Python prints it: `path:line: SomeWarning: message`, then the source line that raised it.
_WARNING_RECORD = re.compile(r"^\S.*:\d+: [A-Za-z_][\w.]*Warning: ")


def _without_warnings(lines: list[str]) -> list[str]:
    """`lines` less the warning records (each its header line and the quoted source line after it)."""
    kept: list[str] = []
    skip_source = False
    for line in lines:
        if _WARNING_RECORD.match(line):
            skip_source = True
            continue
        if skip_source and not _EXCEPTION_LINE.match(line) and not line.startswith("Traceback"):
            skip_source = False
            continue
        skip_source = False
        kept.append(line)
    return kept


def last_error_line(text: str) -> str:
    """The line that names the exception in a traceback tail (not JAX's traceback-filtering note, not a
    warning printed on the way: a side killed or timed out after printing only warnings gets the verifier's
    own account of how it ended, not the warning's source line)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(_JAX_FILTER_NOTE) and set(line) != {"-"}]
    lines = _without_warnings(lines)
    for line in reversed(lines):
        if _EXCEPTION_LINE.match(line):
            return line
    return lines[-1] if lines else ""


class Tolerances(BaseModel):
    """A tensor passes when max|jax - torch| <= atol + rtol * max|torch| (norm-wise, so that large
    reductions, whose fp32 reordering error grows with the magnitude of the result, are scaled sensibly)."""

    rtol: float = 2e-5
    atol: float = 1e-5

    def limit(self, ref_scale: float) -> float:
        return self.atol + self.rtol * ref_scale


class TensorCheck(BaseModel):
    """One compared tensor (an output, a gradient, a running statistic)."""

    name: str
    shape: list[int] = Field(default_factory=list)
    dtype: str = ""
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    limit: float = 0.0
    ok: bool = True
    problem: str | None = None  # shape/dtype/structure mismatch, NaN, missing
    noise_floor: float | None = None  # training runs: how far float32 rounding alone moves it (t2j.verify.training)
    skipped: str | None = None  # why this tensor was not compared (the init check: too few elements)


class Check(BaseModel):
    """One kind of check: forward_eval, forward_train, running_stats, backward."""

    name: str
    ok: bool
    tensors: list[TensorCheck] = Field(default_factory=list)
    skipped: str | None = None  # why the check did not apply
    advisory: bool = False  # reported, but its failure does not fail the verdict (init check, init_check="warn")

    @property
    def max_abs_err(self) -> float:
        return max((t.max_abs_err for t in self.tensors), default=0.0)


class PortedTensor(BaseModel):
    torch_key: str
    jax_path: str
    transform: str
    shape: list[int]


class Timing(BaseModel):
    torch_eager_s: float | None = None
    jax_jit_s: float | None = None
    compile_s: float | None = None

    @property
    def speed_ratio(self) -> float | None:
        """torch eager time / jitted JAX time: above 1 means JAX is faster."""
        if not self.torch_eager_s or not self.jax_jit_s:
            return None
        return self.torch_eager_s / self.jax_jit_s


class IR(BaseModel):
    """Intermediate representations of one jitted computation."""

    jaxpr: str = ""
    hlo: str = ""  # real HLO text: starts with "HloModule"
    stablehlo: str = ""
    op_counts: dict[str, dict[str, int]] = Field(default_factory=dict)  # {"jaxpr"|"hlo"|"stablehlo": {op: n}}


class Verification(BaseModel):
    """The verdict on one translation. `ok` is True only if every applicable check passed under jit."""

    ok: bool
    entry: str = "Model"
    kind: str = "module"  # "module": one forward/backward; "training": a whole training run (t2j.verify.training)
    error: str | None = None  # why the run failed before comparison (with the tail of stderr)
    failed_stage: str | None = None  # "input", "torch", "jax", "compare"
    checks: list[Check] = Field(default_factory=list)
    ported: list[PortedTensor] = Field(default_factory=list)
    tolerances: Tolerances = Field(default_factory=Tolerances)
    float64: bool = False
    timing: Timing = Field(default_factory=Timing)
    ir_forward: IR | None = None
    ir_backward: IR | None = None
    notes: list[str] = Field(default_factory=list)
    isolation: str = ""  # "strong" (bubblewrap sandboxes) or "weak (why)"; see t2j.verify.isolation

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def forward_ok(self) -> bool:
        forward = [c for c in self.checks if c.name.startswith("forward") or c.name == "running_stats"]
        return bool(forward) and all(c.ok for c in forward)

    @property
    def backward_ok(self) -> bool:
        backward = self.check("backward")
        return backward is not None and backward.ok

    @property
    def speed_ratio(self) -> float | None:
        return self.timing.speed_ratio

    def summary(self) -> str:
        """One line for people: verdict, worst errors, speed."""
        weak = f" [isolation: {self.isolation}]" if self.isolation.startswith("weak") else ""
        if self.error:
            head, last = self.error.strip().splitlines()[0], last_error_line(self.error)
            text = head if not last or last == head else f"{head}: {last}"
            return f"NOT VERIFIED ({self.failed_stage}): {text}{weak}"
        parts = []
        for c in self.checks:
            if c.skipped:
                parts.append(f"{c.name}: skipped ({c.skipped})")
            else:
                state = "ok" if c.ok else ("WARN" if c.advisory else "FAIL")
                parts.append(f"{c.name}: {state} (max abs err {c.max_abs_err:.2e})")
        ratio = self.speed_ratio
        speed = f"; jit vs torch eager: {ratio:.2f}x" if ratio else ""
        return ("VERIFIED" if self.ok else "NOT VERIFIED") + ": " + ", ".join(parts) + speed + weak
