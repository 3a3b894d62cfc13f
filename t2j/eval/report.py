"""DIR/summary.md and the PNG plots of an evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from t2j.eval.results import EvalRecord
from t2j.eval.stats import geomean, mean, median, pearson, rate

SUMMARY_FILE = "summary.md"
PASS_PLOT = "pass_rates.png"
SPEED_PLOT = "speed_ratios.png"
METRIC_PLOT = "metrics_vs_verdict.png"

# metric field -> (label, higher is better)
SCORED_METRICS = {
    "codebleu": ("CodeBLEU", True),
    "codetrans_ref": ("CodeTrans (ref)", True),
    "codetrans_noref": ("CodeTrans (no ref)", True),
    "fixcost": ("FixCost", False),
    "comparison": ("Comparison", True),
}


class ConfigSummary(BaseModel):
    config: str
    n: int
    verified: float | None
    forward: float | None
    backward: float | None
    errors: int
    codebleu: float | None
    codetrans_ref: float | None
    codetrans_noref: float | None
    fixcost: float | None
    comparison: float | None
    speed_geomean: float | None  # over verified translations
    speed_median: float | None
    rounds: float | None
    tokens: int
    cost: float | None
    judge_tokens: int


class Correlation(BaseModel):
    metric: str
    label: str
    scope: str  # "all" or a configuration
    r: float | None  # point-biserial correlation with `verified`; None when undefined
    n: int


def config_order(records: Sequence[EvalRecord], preferred: Sequence[str] = ()) -> list[str]:
    seen = list(
        dict.fromkeys([c for c in preferred if any(r.config == c for r in records)] + [r.config for r in records])
    )
    return seen


def summarize(records: Sequence[EvalRecord], configs: Sequence[str]) -> list[ConfigSummary]:
    rows = []
    for config in configs:
        rs = [r for r in records if r.config == config]
        costs = [r.cost for r in rs if r.cost is not None] + [r.judge_cost for r in rs if r.judge_cost is not None]
        rows.append(
            ConfigSummary(
                config=config,
                n=len(rs),
                verified=rate([r.verified for r in rs]),
                forward=rate([r.forward_ok for r in rs]),
                backward=rate([r.backward_ok for r in rs]),
                errors=sum(1 for r in rs if r.error),
                codebleu=mean([r.codebleu for r in rs]),
                codetrans_ref=mean([r.codetrans_ref for r in rs]),
                codetrans_noref=mean([r.codetrans_noref for r in rs]),
                fixcost=mean([r.fixcost for r in rs]),
                comparison=mean([r.comparison for r in rs]),
                speed_geomean=geomean([r.speed_ratio for r in rs if r.verified]),
                speed_median=median([r.speed_ratio for r in rs if r.verified]),
                rounds=mean([float(r.rounds) for r in rs]),
                tokens=sum(r.tokens for r in rs),
                cost=sum(costs) if costs else None,
                judge_tokens=sum(r.judge_tokens for r in rs),
            )
        )
    return rows


def correlations(records: Sequence[EvalRecord], configs: Sequence[str]) -> list[Correlation]:
    """Each scored metric against the execution verdict (1 verified, 0 not), over all translations and per
    config. "all" leaves out the `reference` configuration (its CodeBLEU is 1 by construction)."""
    out = []
    for metric, (label, _) in SCORED_METRICS.items():
        for scope in ["all", *configs]:
            rs = [r for r in records if (r.config != "reference" if scope == "all" else r.config == scope)]
            r, n = pearson([getattr(x, metric) for x in rs], [1.0 if x.verified else 0.0 for x in rs])
            out.append(Correlation(metric=metric, label=label, scope=scope, r=r, n=n))
    return out


def _fmt(value: float | None, digits: int = 2, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{100 * value:.0f}%" if pct else f"{value:.{digits}f}"


def render_summary(
    records: Sequence[EvalRecord], configs: Sequence[str], bench: str, notes: Sequence[str], command: str | None = None
) -> str:
    rows = summarize(records, configs)
    lines = [
        "# t2j evaluation",
        "",
        f"Benchmark: `{bench}`; {len({r.problem for r in records})} problems, {len(records)} results.",
    ]
    if command:
        lines += ["", f"Command: `{command}`"]
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    lines += [
        "",
        "## Configurations",
        "",
        "Verified = forward and backward outputs match PyTorch under `jax.jit`. Speed = torch eager time / jitted "
        "JAX time over verified translations (above 1: JAX faster). CodeBLEU against `jax_ref.py`; judge scores "
        "CodeTrans 0-4 (higher better), FixCost 0-4 (lower better), Comparison -1..+1 against the opponent.",
        "",
        "| config | n | verified | forward | backward | errors | CodeBLEU | CodeTrans ref | CodeTrans no-ref | "
        "FixCost | Comparison | speed geomean | speed median | rounds | tokens | cost |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in rows:
        lines.append(
            f"| {s.config} | {s.n} | {_fmt(s.verified, pct=True)} | {_fmt(s.forward, pct=True)} | "
            f"{_fmt(s.backward, pct=True)} | {s.errors} | {_fmt(s.codebleu, 3)} | {_fmt(s.codetrans_ref)} | "
            f"{_fmt(s.codetrans_noref)} | {_fmt(s.fixcost)} | {_fmt(s.comparison)} | {_fmt(s.speed_geomean)} | "
            f"{_fmt(s.speed_median)} | {_fmt(s.rounds, 1)} | {s.tokens} | "
            f"{'n/a' if s.cost is None else f'${s.cost:.4f}'} |"
        )
    corr = correlations(records, configs)
    lines += [
        "",
        "## Which metric tracks correctness?",
        "",
        "Point-biserial correlation (Pearson r) of each metric with the execution verdict (1 verified, 0 not); "
        "n = results with the metric; n/a when undefined (fewer than 3 values, or a constant side); "
        "`all` pools every configuration except `reference`. "
        "A good metric has r > 0 (FixCost: r < 0).",
        "",
        "| metric | " + " | ".join(["all", *configs]) + " |",
        "|---|" + "---|" * (len(configs) + 1),
    ]
    for metric, (label, _) in SCORED_METRICS.items():
        cells = []
        for scope in ["all", *configs]:
            c = next(x for x in corr if x.metric == metric and x.scope == scope)
            cells.append(f"{_fmt(c.r)} (n={c.n})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "## Per problem", "", "| problem | " + " | ".join(configs) + " |", "|---|" + "---|" * len(configs)]
    by_key = {(r.problem, r.config): r for r in records}
    for problem in sorted({r.problem for r in records}):
        cells = []
        for config in configs:
            r = by_key.get((problem, config))
            if r is None:
                cells.append("")
                continue
            mark = (
                "pass"
                if r.verified
                else ("error" if r.error and not r.code_path else f"FAIL ({r.failed_stage or 'mismatch'})")
            )
            if r.codebleu is not None:
                mark += f", bleu {r.codebleu:.2f}"
            cells.append(mark)
        lines.append(f"| {problem} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Plots",
        "",
        f"![pass rates]({PASS_PLOT}) ![speed ratios]({SPEED_PLOT}) ![metrics against the verdict]({METRIC_PLOT})",
    ]
    failures = [r for r in records if not r.verified]
    if failures:
        lines += ["", "## Failures", ""]
        for r in sorted(failures, key=lambda x: (x.config, x.problem)):
            why = r.error or r.failure or r.verify_summary or "not verified"
            lines.append(f"- {r.config} / {r.problem}: {why.strip().splitlines()[0][:200] if why.strip() else ''}")
    return "\n".join(lines) + "\n"


def write_plots(records: Sequence[EvalRecord], configs: Sequence[str], out_dir: str | Path) -> list[Path]:
    """pass_rates.png (forward / backward / verified per configuration), speed_ratios.png and
    metrics_vs_verdict.png."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    rows = summarize(records, configs)
    paths = []

    fig, ax = plt.subplots(figsize=(max(4.0, 1.6 * len(configs) + 1.5), 3.6))
    width = 0.26
    series = [("forward", "forward"), ("backward", "backward"), ("verified", "verified")]
    for i, (field, label) in enumerate(series):
        values = [100 * (getattr(s, field) or 0.0) for s in rows]
        xs = [k + (i - 1) * width for k in range(len(rows))]
        bars = ax.bar(xs, values, width, label=label)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(rows)), [f"{s.config}\n(n={s.n})" for s in rows])
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(0, 110)
    ax.set_ylabel("pass rate (%)")
    ax.set_title("Execution checks per configuration")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    path = out / PASS_PLOT
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)

    fig, ax = plt.subplots(figsize=(max(4.0, 1.6 * len(configs) + 1.5), 3.6))
    data = [[r.speed_ratio for r in records if r.config == c and r.verified and r.speed_ratio] for c in configs]
    has_data = any(data)
    if has_data:
        positions = [k for k, d in enumerate(data) if d]
        ax.boxplot([d for d in data if d], positions=positions, widths=0.5, showfliers=False)
        for k, d in enumerate(data):
            ax.scatter([k] * len(d), d, s=10, alpha=0.6)
        ax.set_yscale("log")
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=0.8)
    else:
        ax.text(0.5, 0.5, "no verified translation with timings", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks(range(len(configs)), list(configs))
    ax.set_xlim(-0.6, len(configs) - 0.4)
    ax.set_ylabel("torch eager / jax jit (log)")
    ax.set_title("Speed of verified translations")
    fig.tight_layout()
    path = out / SPEED_PLOT
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)
    paths.append(_metric_plot(records, out / METRIC_PLOT, plt))
    return paths


def _metric_plot(records: Sequence[EvalRecord], path: Path, plt) -> Path:
    """Each scored metric's values for verified and not-verified translations, side by side."""
    present = [m for m in SCORED_METRICS if any(getattr(r, m) is not None for r in records)]
    fig, axes = plt.subplots(1, max(1, len(present)), figsize=(2.4 * max(1, len(present)) + 0.6, 3.4), squeeze=False)
    if not present:
        axes[0][0].text(
            0.5, 0.5, "no similarity or judge metric recorded", ha="center", va="center", transform=axes[0][0].transAxes
        )
        axes[0][0].set_axis_off()
    for ax, metric in zip(axes[0], present):
        groups = [
            [getattr(r, metric) for r in records if r.verified is flag and getattr(r, metric) is not None]
            for flag in (True, False)
        ]
        for k, values in enumerate(groups):
            jitter = [k + 0.08 * ((i % 5) - 2) for i in range(len(values))]
            ax.scatter(jitter, values, s=12, alpha=0.6, color=("tab:green", "tab:red")[k])
            if values:
                ax.hlines(mean(values), k - 0.3, k + 0.3, color="black", linewidth=1.2)
        ax.set_xticks([0, 1], [f"verified\n(n={len(groups[0])})", f"not\n(n={len(groups[1])})"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_title(SCORED_METRICS[metric][0], fontsize=9)
    fig.suptitle("Metrics against the execution verdict", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(
    records: Sequence[EvalRecord],
    configs: Sequence[str],
    out_dir: str | Path,
    bench: str,
    notes: Sequence[str],
    command: str | None = None,
) -> list[Path]:
    out = Path(out_dir)
    summary = out / SUMMARY_FILE
    summary.write_text(render_summary(records, configs, bench, notes, command), encoding="utf-8")
    return [summary, *write_plots(records, configs, out)]
