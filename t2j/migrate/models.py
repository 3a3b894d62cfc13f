"""Data that crosses the migrate stage's boundaries: one finished file, one verified module, the run's options."""

from __future__ import annotations

from pydantic import BaseModel, Field

# What happened to one file in the translate phase.
TRANSLATED = "translated"  # a torch file, translated and written to DST
COPIED = "copied"  # not a torch file: copied unchanged
BAD = "bad"  # could not be translated (syntax error, binary, huge, not Python): copied unchanged, reason given
ERROR = "error"  # the translator crashed on it: copied unchanged, traceback tail given

# Final per-file statuses shown in the report (translate phase + verify phase).
VERIFIED = "verified"  # every module found with inputs was proven equivalent
FAILED = "failed"  # at least one module with inputs was not proven equivalent
STATUS_ORDER = [VERIFIED, FAILED, TRANSLATED, COPIED, BAD, ERROR]


class Spot(BaseModel):
    """A place the translator could not (fully) translate."""

    line: int
    message: str
    snippet: str = ""


class FileResult(BaseModel):
    """The translate phase's outcome for one file of SRC."""

    path: str  # POSIX path relative to SRC
    kind: str  # "torch" (a Python file that uses torch), "python", "other"
    status: str  # TRANSLATED, COPIED, BAD, ERROR
    reason: str | None = None  # why BAD or ERROR
    spots: list[Spot] = Field(default_factory=list)  # untranslated spots (translator diagnostics + import check)
    rules_fired: list[str] = Field(default_factory=list)
    entries: list[str] = Field(default_factory=list)  # module entries with get_inputs()/get_init_inputs()
    classes: list[str] = Field(default_factory=list)  # nn.Module subclasses defined at top level
    train_steps: list[str] = Field(default_factory=list)  # train steps the translation emitted (a training script)
    source_sha256: str = ""
    output_sha256: str = ""
    seconds: float = 0.0


class TensorProblem(BaseModel):
    name: str
    max_abs_err: float = 0.0
    limit: float = 0.0
    problem: str | None = None


class CheckResult(BaseModel):
    """One check of a verification, flattened for the report."""

    name: str
    ok: bool
    skipped: str | None = None
    max_abs_err: float = 0.0
    failing: list[TensorProblem] = Field(default_factory=list)


class ModuleResult(BaseModel):
    """The verify phase's outcome for one module (class or function) of a translated file."""

    path: str  # file, relative to SRC
    entry: str  # class or function name
    inputs: str  # "get_inputs" (the file's own convention), "recorded" (captured by --record) or "script"
    ok: bool
    forward_ok: bool = False
    backward_ok: bool = False
    speed_ratio: float | None = None
    summary: str = ""
    error: str | None = None
    failed_stage: str | None = None
    checks: list[CheckResult] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.path}::{self.entry}::{self.inputs}"


class MigrateOptions(BaseModel):
    """Everything that defines a migration run. Two runs with equal options (and SRC) are the same run,
    so the second one resumes the first."""

    src: str
    dst: str
    verify: bool = True
    record: str | None = None  # a command that runs the project's own PyTorch entry point
    record_timeout_s: float = 600.0
    max_bytes: int = 1_000_000  # Python files larger than this are reported as BAD (huge)
    backend: str = "rules"

    def fingerprint(self) -> dict:
        """The part of the options that must match for a re-run to resume (not workers or executor:
        those change how, not what)."""
        return self.model_dump(include={"src", "dst", "verify", "record", "max_bytes", "backend"})


class ModuleJob(BaseModel):
    """One module to verify: where its two sides live and where its inputs come from."""

    path: str
    entry: str
    inputs: str  # "get_inputs", "recorded" or "script" (a training script: the recording checker)
    module: str  # dotted module name (import root relative)
    src_root: str  # the import root in SRC (on sys.path for the torch side)
    dst_root: str  # the same root in DST (on sys.path for the JAX side)
    sample: str | None = None  # recorded inputs file (torch.save'd dict) when inputs == "recorded"
    src_file: str = ""  # the script in SRC and its translation in DST when inputs == "script"
    dst_file: str = ""

    @property
    def key(self) -> str:
        return f"{self.path}::{self.entry}::{self.inputs}"
