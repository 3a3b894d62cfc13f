"""Run an evaluation: for each problem and configuration, translate, verify, score, judge and record.

Records are appended to DIR/results.jsonl one by one; a pair already there is not run again (resume).
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from t2j.errors import BadInput
from t2j.eval.bench import Problem
from t2j.eval.codebleu_metric import codebleu_score
from t2j.eval.configs import EvalConfig
from t2j.eval.judge import Chat, Judge, unavailable
from t2j.eval.results import EvalRecord, append_result, load_results
from t2j.settings import Settings, llm_configured

TRANSLATIONS_DIR = "translations"


class EvalOptions(BaseModel):
    """What to measure besides execution."""

    judge: bool = True
    compare_to: str = "reference"  # opponent of the pairwise judge: "reference" or a configuration name
    judge_model: str | None = None  # the judge's model, when not the translation model
    rejudge: bool = False  # judge again finished records whose judge metrics were unavailable or failed


class EvalRun(BaseModel):
    """The outcome of one `t2j eval` invocation."""

    records: list[EvalRecord] = Field(default_factory=list)  # every record in DIR/results.jsonl
    new: int = 0  # pairs evaluated by this invocation
    resumed: int = 0  # pairs found finished and skipped
    rejudged: int = 0  # finished pairs whose judge metrics were computed again (--rejudge)
    notes: list[str] = Field(default_factory=list)  # skipped configurations, unavailable metrics


def translation_path(out_dir: str | Path, problem: str, config: str) -> Path:
    return Path(out_dir) / TRANSLATIONS_DIR / problem / f"{config.replace('+', '_')}.py"


def run_eval(
    problems: list[Problem],
    configs: list[EvalConfig],
    out_dir: str | Path,
    settings: Settings,
    options: EvalOptions | None = None,
    chat: Chat | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> EvalRun:
    """Evaluate every (problem, configuration) pair not yet in DIR/results.jsonl.

    `chat` is the judge's LLM (None: judge metrics are recorded as unavailable). Configurations that need an
    LLM are skipped with a note when `settings` names none.
    """
    options = options or EvalOptions()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    existing, warnings = load_results(out)
    run = EvalRun(notes=list(warnings))
    done = {r.key for r in existing}

    runnable = []
    for config in configs:
        if config.needs_llm and not llm_configured(settings):
            run.notes.append(
                f"configuration '{config.name}' skipped: it needs an LLM and none is configured "
                "(set --base-url/--model/--api-key or OPENAI_BASE_URL, OPENAI_API_KEY, T2J_MODEL)"
            )
            continue
        runnable.append(config)
    # the pairwise opponent configuration runs first, so that its translations exist when others are judged
    runnable.sort(key=lambda c: c.name != options.compare_to)

    judge = Judge(chat, model=options.judge_model or settings.model) if (chat is not None and options.judge) else None
    if judge is None:
        run.notes.append("judge metrics unavailable: " + _judge_absence(options, settings))

    pairs = [(p, c) for c in runnable for p in problems if not (c.backend == "reference" and p.jax_ref is None)]
    if any(c.backend == "reference" for c in runnable):
        missing = [p.name for p in problems if p.jax_ref is None]
        if missing:
            run.notes.append(
                f"configuration 'reference' skips {len(missing)} problem(s) without jax_ref.py: "
                + ", ".join(missing[:8])
                + (" ..." if len(missing) > 8 else "")
            )
    total = len(pairs)
    by_key = {r.key: r for r in existing}
    for index, (problem, config) in enumerate(pairs, start=1):
        if (problem.name, config.name) in done:
            run.resumed += 1
            previous = by_key[(problem.name, config.name)]
            if options.rejudge and judge is not None and _needs_judging(previous, out):
                code = (out / previous.code_path).read_text(encoding="utf-8")
                _judge(previous, problem, config, code, out, options, judge)
                append_result(out, previous)  # the last line for a pair wins
                run.rejudged += 1
                log(f"[{index}/{total}] {config.name} {problem.name}: judged again")
            continue
        started = time.perf_counter()
        try:
            record = evaluate_pair(problem, config, out, settings, options, judge)
        except PairNotRun as exc:
            run.notes.append(f"{config.name} / {problem.name} not evaluated: {exc}; re-run to resume")
            log(f"[{index}/{total}] {config.name} {problem.name}: not evaluated ({exc})")
            continue
        append_result(out, record)
        existing.append(record)
        run.new += 1
        verdict = "VERIFIED" if record.verified else f"not verified ({record.failed_stage or 'compare'})"
        extra = f", codebleu {record.codebleu:.3f}" if record.codebleu is not None else ""
        log(f"[{index}/{total}] {config.name} {problem.name}: {verdict}{extra} ({time.perf_counter() - started:.1f} s)")
    run.records, _ = load_results(out)
    return run


class PairNotRun(Exception):
    """The pair could not be evaluated for a reason outside the translation (the LLM server is unreachable):
    nothing is recorded, so that the next run tries it again."""


def _unavailable(exc: Exception) -> bool:
    try:
        from t2j.llm.errors import LLMNotConfigured, LLMUnavailable
    except ImportError:
        return False
    return isinstance(exc, (LLMUnavailable, LLMNotConfigured))


def _needs_judging(record: EvalRecord, out: Path) -> bool:
    """A finished record whose judge metrics were unavailable or failed, with its translation on disk."""
    if not record.code_path or not (out / record.code_path).is_file():
        return False
    return not record.judge or any(
        o.status == "error" or (o.status == "unavailable" and o.reason in (NO_JUDGE, JUDGE_DISABLED, NO_OPPONENT))
        for o in record.judge.values()
    )


NO_JUDGE = "no LLM configured for the judge"
JUDGE_DISABLED = "disabled with --no-judge"
NO_OPPONENT = "the opponent configuration produced no translation of this problem"


def _judge_absence(options: EvalOptions, settings: Settings) -> str:
    if not options.judge:
        return JUDGE_DISABLED
    return NO_JUDGE + " (set --judge-model with --base-url/--api-key, or T2J_MODEL)"


def evaluate_pair(
    problem: Problem, config: EvalConfig, out: Path, settings: Settings, options: EvalOptions, judge: Judge | None
) -> EvalRecord:
    """Translate, verify, score and judge one problem under one configuration. Never raises for a bad
    translation or a failing judge: the record carries the error."""
    record = EvalRecord(
        problem=problem.name,
        config=config.name,
        backend=config.backend,
        verified=False,
        forward_ok=False,
        backward_ok=False,
    )
    code, verification = None, None
    started = time.perf_counter()
    try:
        code, translation = produce(problem, config, settings)
    except BadInput as exc:
        record.error = f"translation: {exc}"
        translation = None
    except Exception as exc:  # a crash of a translator is a result to record, not a reason to stop the run
        if _unavailable(exc):
            raise PairNotRun(str(exc)) from None
        record.error = f"translation crashed: {type(exc).__name__}: {exc}"
        translation = None
    elapsed = time.perf_counter() - started
    record.translate_s = elapsed
    if translation is not None:
        _copy_counts(record, translation, settings)
        verification = getattr(translation, "verification", None)
        seconds = getattr(translation, "seconds", None)
        if verification is not None and seconds and config.backend == "rules":
            # the rules backend reports its own time; the rest of the call was its verification
            record.translate_s, record.verify_s = seconds, max(0.0, elapsed - seconds)

    if code is not None:
        path = translation_path(out, problem.name, config.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
        record.code_path = str(path.relative_to(out))

        if verification is None:
            from t2j.verify.api import verify_sources

            started = time.perf_counter()
            try:
                verification = verify_sources(problem.torch_code, code, entry=problem.entry, settings=settings)
            except BadInput as exc:
                record.error = f"verification: {exc}"
            record.verify_s = time.perf_counter() - started
    if verification is not None:
        record.verified = bool(verification.ok)
        record.forward_ok = verification.forward_ok
        record.backward_ok = verification.backward_ok
        record.failed_stage = verification.failed_stage
        record.verify_summary = verification.summary()[:500]
        record.failure = failure_reason(verification)
        record.speed_ratio = verification.speed_ratio
        record.torch_eager_s = verification.timing.torch_eager_s
        record.jax_jit_s = verification.timing.jax_jit_s

    if code is not None and problem.jax_ref is not None:
        scores = codebleu_score(code, problem.jax_ref)
        record.codebleu = scores.codebleu
        record.codebleu_parts = scores.model_dump(exclude={"codebleu"})

    _judge(record, problem, config, code, out, options, judge)
    return record


_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)|Killed|timed out)\b")


def failure_reason(verification) -> str | None:
    """Why a verification failed, in one line: the exception raised, or the first tensor out of tolerance."""
    if verification.ok:
        return None
    if verification.error:
        lines = [line.strip() for line in verification.error.strip().splitlines() if line.strip()]
        picked = next((line for line in reversed(lines) if _EXCEPTION_LINE.match(line)), lines[-1] if lines else "")
        return f"{verification.failed_stage or 'run'}: {picked}"[:300]
    for check in verification.checks:
        if check.ok or check.skipped:
            continue
        for tensor in check.tensors:
            if not tensor.ok:
                detail = tensor.problem or f"max abs err {tensor.max_abs_err:.2e} > {tensor.limit:.2e}"
                return f"{check.name}: {tensor.name}: {detail}"[:300]
        return f"{check.name} failed"
    return "not verified"


class NoFixes:
    """A retriever that retrieves nothing: the `llm` ablation (no fixes in prompts, no mechanical rewrites)."""

    def for_source(self, source: str, k: int) -> list:
        return []

    def for_error(self, source: str, draft: str, verification, k: int) -> list:
        return []


def produce(problem: Problem, config: EvalConfig, settings: Settings):
    """The code a configuration produces for a problem, and the Translation it came with (None for the
    reference configuration)."""
    if config.backend == "reference":
        if problem.jax_ref is None:
            raise BadInput("the problem has no jax_ref.py")
        return problem.jax_ref, None
    if config.needs_llm:
        from t2j.repair.pipeline import run_llm_translation

        # evaluation must not grow the fix store: mined repairs are not recorded
        translation = run_llm_translation(
            problem.torch_code,
            backend=config.backend,
            settings=settings,
            retriever=None if config.augment else NoFixes(),
            entry=problem.entry,
            mine_fixes=False,
        )
        return translation.code, translation
    from t2j.backends import translate

    kwargs = {"backend": config.backend, "settings": settings}
    accepted = inspect.signature(translate).parameters
    if "entry" in accepted:
        kwargs["entry"] = problem.entry
    if "verify" in accepted:
        kwargs["verify"] = True
    translation = translate(problem.torch_code, **kwargs)
    return translation.code, translation


REPAIR_KINDS = ("rewrite", "llm-repair")


def _copy_counts(record: EvalRecord, translation, settings: Settings) -> None:
    """Repair rounds, tokens and cost of a Translation. Cache hits cost nothing."""
    rounds = getattr(translation, "rounds", None) or []
    record.rounds = sum(1 for r in rounds if getattr(r, "kind", None) in REPAIR_KINDS)
    record.diagnostics = len(getattr(translation, "diagnostics", None) or [])
    tokens = getattr(translation, "tokens", None) or {}
    prompt = int(tokens.get("prompt", 0) or 0)
    completion = int(tokens.get("completion", 0) or 0)
    record.tokens = int(tokens.get("total", prompt + completion) or 0)
    costs = [0.0 if getattr(r, "cached", False) else getattr(r, "cost_usd", None) for r in rounds]
    known = [c for c in costs if c is not None]
    record.cost = sum(known) if known else None


METRICS = ("codetrans_noref", "codetrans_ref", "fixcost", "comparison")


def _judge(
    record: EvalRecord,
    problem: Problem,
    config: EvalConfig,
    code: str | None,
    out: Path,
    options: EvalOptions,
    judge: Judge | None,
) -> None:
    if judge is None:
        reason = JUDGE_DISABLED if not options.judge else NO_JUDGE
        record.judge = {m: unavailable(reason) for m in METRICS}
        return
    if code is None:
        record.judge = {m: unavailable("no translation to judge") for m in METRICS}
        return
    outcomes = {"codetrans_noref": judge.codetrans(problem.torch_code, code)}
    outcomes["codetrans_ref"] = (
        judge.codetrans(problem.torch_code, code, reference=problem.jax_ref)
        if problem.jax_ref is not None
        else unavailable("the problem has no jax_ref.py")
    )
    outcomes["fixcost"] = judge.fixcost(problem.torch_code, code)
    opponent, opponent_name = _opponent(problem, config, out, options)
    record.comparison_opponent = opponent_name
    if opponent is None:
        outcomes["comparison"] = unavailable(opponent_name or "no opponent")
        record.comparison_opponent = None
    else:
        outcomes["comparison"] = judge.comparison(
            problem.torch_code, code, opponent, key=f"{problem.name}|{config.name}|{opponent_name}"
        )
    record.judge = outcomes
    record.codetrans_noref = outcomes["codetrans_noref"].value
    record.codetrans_ref = outcomes["codetrans_ref"].value
    record.fixcost = outcomes["fixcost"].value
    record.comparison = outcomes["comparison"].value
    record.judge_tokens = sum(o.tokens for o in outcomes.values())
    costs = [o.cost for o in outcomes.values() if o.cost is not None]
    record.judge_cost = sum(costs) if costs else None


def _opponent(problem: Problem, config: EvalConfig, out: Path, options: EvalOptions) -> tuple[str | None, str]:
    """(opponent code, its name) or (None, why there is none)."""
    target = options.compare_to
    if target == config.name or (target == "reference" and config.backend == "reference"):
        return None, f"the translation is its own opponent ('{target}')"
    if target == "reference":
        if problem.jax_ref is None:
            return None, "the problem has no jax_ref.py to compare with"
        return problem.jax_ref, "reference"
    path = translation_path(out, problem.name, target)
    if not path.is_file():
        return None, NO_OPPONENT
    return path.read_text(encoding="utf-8"), target
