"""`t2j.evaluate(bench, out)`: the evaluation in one call (what `t2j eval` runs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from t2j.errors import BadInput
from t2j.eval.bench import load_bench
from t2j.eval.configs import CONFIGS, parse_configs
from t2j.eval.judge import Chat
from t2j.eval.report import config_order, write_report
from t2j.eval.run import EvalOptions, EvalRun, run_eval
from t2j.settings import llm_configured
from t2j.settings import Settings


def evaluate(
    bench: str | Path,
    out: str | Path,
    configs: str | list[str] | None = None,
    backend: str | None = None,
    settings: Settings | None = None,
    judge_model: str | None = None,
    judge: bool = True,
    compare_to: str = "reference",
    rejudge: bool = False,
    problems: list[str] | None = None,
    chat: Chat | None = None,
    command: str | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> EvalRun:
    """Evaluate `configs` (comma-separated or a list; default "rules") on the benchmark folder `bench`,
    writing OUT/results.jsonl, OUT/summary.md and the plots. Pairs already in results.jsonl are kept.

    The judge talks to `chat` when given, else to the configured LLM (`judge_model` or `settings.model`);
    without one, judge metrics are recorded as unavailable. `rejudge` computes them again for finished pairs
    whose judge metrics were unavailable or failed (e.g. evaluated offline first, judged later).
    """
    settings = settings or Settings()
    chosen = parse_configs(",".join(configs) if isinstance(configs, list) else configs, backend)
    if compare_to != "reference" and compare_to not in CONFIGS:
        raise BadInput(f"--compare-to '{compare_to}' is neither 'reference' nor a configuration ({', '.join(CONFIGS)})")
    loaded = load_bench(bench, only=problems)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BadInput(f"output '{out}' exists and is not a folder")
    if chat is None and judge:
        judge_settings = settings.model_copy(update={"model": judge_model}) if judge_model else settings
        if llm_configured(judge_settings):
            from t2j.eval.judge_client import judge_chat

            chat = judge_chat(judge_settings)
    run = run_eval(
        loaded,
        chosen,
        out,
        settings,
        EvalOptions(judge=judge, compare_to=compare_to, judge_model=judge_model, rejudge=rejudge),
        chat=chat,
        log=log,
    )
    order = config_order(run.records, [c.name for c in chosen])
    write_report(run.records, order, out, bench=str(bench), notes=run.notes, command=command)
    return run
