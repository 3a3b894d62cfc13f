"""One evaluation record per (problem, configuration), stored as a line of DIR/results.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from t2j.eval.judge_models import JudgeOutcome

RESULTS_FILE = "results.jsonl"


class EvalRecord(BaseModel):
    """Everything measured for one translation of one problem under one configuration."""

    problem: str
    config: str
    backend: str
    # execution verdict (the verifier: forward, backward, under jit)
    verified: bool
    forward_ok: bool
    backward_ok: bool
    failed_stage: str | None = None
    verify_summary: str = ""
    failure: str | None = None  # one line: the exception, or the first tensor out of tolerance
    speed_ratio: float | None = None  # torch eager time / jitted JAX time
    torch_eager_s: float | None = None
    jax_jit_s: float | None = None
    translate_s: float | None = None
    verify_s: float | None = None
    # similarity to the reference solution
    codebleu: float | None = None
    codebleu_parts: dict[str, float | None] | None = None
    # LLM-judge metrics (None when unavailable or invalid; `judge` says why)
    codetrans_ref: float | None = None  # 0-4, with the reference solution shown to the judge
    codetrans_noref: float | None = None  # 0-4, without it
    fixcost: float | None = None  # 0 (nothing to fix) .. 4 (rewrite)
    comparison: float | None = None  # +1 better than the opponent, 0 tie, -1 worse
    comparison_opponent: str | None = None
    judge: dict[str, JudgeOutcome] = Field(default_factory=dict)
    judge_tokens: int = 0
    judge_cost: float | None = None
    # translation counts
    rounds: int = 0
    tokens: int = 0
    cost: float | None = None
    diagnostics: int = 0
    code_path: str | None = None
    error: str | None = None  # why translation or evaluation failed (the record is still complete)

    @property
    def key(self) -> tuple[str, str]:
        return (self.problem, self.config)


def results_path(out_dir: str | Path) -> Path:
    return Path(out_dir) / RESULTS_FILE


def load_results(out_dir: str | Path) -> tuple[list[EvalRecord], list[str]]:
    """Read the records already in DIR/results.jsonl. Lines that do not parse (a run killed mid-write) are
    returned as warnings and ignored, so that their pairs run again."""
    path = results_path(out_dir)
    records: list[EvalRecord] = []
    warnings: list[str] = []
    if not path.is_file():
        return records, warnings
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(EvalRecord.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            warnings.append(f"{path}:{number}: ignored an unreadable record ({type(exc).__name__})")
    # the last record for a pair wins
    latest: dict[tuple[str, str], EvalRecord] = {}
    for record in records:
        latest[record.key] = record
    return list(latest.values()), warnings


def append_result(out_dir: str | Path, record: EvalRecord) -> None:
    """Append one record and flush it, so that an interrupted run resumes after the last finished pair."""
    path = results_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    torn = False  # a line cut short by a killed run must not swallow the next record
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            handle.seek(-1, 2)
            torn = handle.read(1) != b"\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("\n" if torn else "") + record.model_dump_json() + "\n")
        handle.flush()
