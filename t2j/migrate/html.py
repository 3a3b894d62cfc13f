"""The static HTML report: one self-contained file (inline CSS and SVG, no scripts or external assets).

The summary page lists every file; a click on a file shows its details (CSS `:target`, so it also works with
scripts disabled): status, verified checks with their errors, speed ratio, untranslated spots, import
problems, and a side-by-side diff of the PyTorch source and its JAX translation.
"""

from __future__ import annotations

import difflib
import math
import re
from html import escape
from pathlib import Path

from t2j.migrate.models import BAD, COPIED, ERROR, FAILED, STATUS_ORDER, TRANSLATED, VERIFIED

COLORS = {
    VERIFIED: "#2e9d4f",
    FAILED: "#d1452f",
    TRANSLATED: "#3a78c2",
    COPIED: "#9aa3ad",
    BAD: "#e0a019",
    ERROR: "#8e44ad",
}
DIFF_MAX_LINES = 4000

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px} header p{margin:4px 0 0;color:#c5ccd6;font-size:13px}
main{padding:16px 24px;max-width:1500px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}
.charts{display:flex;gap:16px;flex-wrap:wrap}
.chart{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 14px}
.chart h3{margin:0 0 6px;font-size:14px}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #dde1e6;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef0f3}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.file{display:none;background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 18px;margin:16px 0}
.file:target{display:block}
.file:target ~ #summary{display:none}
pre{background:#f1f3f5;padding:8px;overflow:auto;max-height:320px;font-size:12px}
.ok{color:#2e9d4f;font-weight:600} .fail{color:#d1452f;font-weight:600} .skip{color:#6b7480}
table.diff{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;width:100%}
table.diff td{border:none;padding:0 4px;white-space:pre-wrap;word-break:break-all}
table.diff th{border:none}
.diff_header{background:#e0e0e0;color:#555;text-align:right}
td.diff_next{background:#c0c0c0}
.diff_add{background:#aaffaa}.diff_chg{background:#ffff77}.diff_sub{background:#ffaaaa}
a{color:#2558a3}
"""


def file_id(path: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def badge(status: str) -> str:
    return f'<span class="badge" style="background:{COLORS.get(status, "#555")}">{escape(status)}</span>'


def status_chart(counts: dict[str, int]) -> str:
    """Horizontal bars, one per status."""
    rows = [(s, counts.get(s, 0)) for s in STATUS_ORDER]
    top = max([c for _, c in rows] + [1])
    width, bar_h, label_w = 360, 20, 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + label_w + 50}" height="{len(rows) * (bar_h + 6) + 6}" '
        'role="img" aria-label="files by status">'
    ]
    for i, (status, count) in enumerate(rows):
        y = 6 + i * (bar_h + 6)
        w = 0 if not count else max(2, width * count / top)
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12">{status}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLORS[status]}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def speed_chart(ratios: list[tuple[str, float]]) -> str:
    """One bar per verified module: torch eager time / jitted JAX time, log scale, a line at 1x."""
    if not ratios:
        return '<p class="skip">no verified module with a timing</p>'
    ratios = sorted(ratios, key=lambda r: r[1])
    height, pad = 180, 24
    bar_w = max(1.0, min(14.0, 860 / len(ratios) - 1))  # large codebases: thinner bars, same chart width
    gap = 3 if bar_w >= 6 else 1
    logs = [math.log10(r) for _, r in ratios]
    lo, hi = min(min(logs), -0.5), max(max(logs), 0.5)
    scale = (height - 2 * pad) / (hi - lo)

    def y(v: float) -> float:
        return pad + (hi - v) * scale

    width = int(50 + len(ratios) * (bar_w + gap))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        'aria-label="speed ratio per verified module">'
    ]
    for tick in range(math.floor(lo), math.ceil(hi) + 1):
        ty = y(tick)
        parts.append(
            f'<line x1="40" x2="{width}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e3e6ea"/>'
            f'<text x="0" y="{ty + 4:.1f}" font-size="11">{10**tick:g}x</text>'
        )
    base = y(0)
    for i, ((name, ratio), value) in enumerate(zip(ratios, logs)):
        x = 45 + i * (bar_w + gap)
        top, bottom = min(base, y(value)), max(base, y(value))
        color = COLORS[VERIFIED] if ratio >= 1 else "#e07b39"
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{max(bottom - top, 1):.1f}" fill="{color}">'
            f"<title>{escape(name)}: {ratio:.2f}x</title></rect>"
        )
    parts.append(f'<line x1="40" x2="{width}" y1="{base:.1f}" y2="{base:.1f}" stroke="#1d2430"/>')
    parts.append("</svg>")
    return "".join(parts)


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def side_by_side(src_text: str, dst_text: str, path: str) -> str:
    a, b = src_text.splitlines(), dst_text.splitlines()
    if len(a) + len(b) > DIFF_MAX_LINES:
        return f'<p class="skip">diff left out: {len(a)} + {len(b)} lines</p>'
    differ = difflib.HtmlDiff(tabsize=4, wrapcolumn=90)
    return differ.make_table(a, b, fromdesc=f"PyTorch: {escape(path)}", todesc="JAX translation", context=False)


def module_block(module) -> str:
    verdict = '<span class="ok">VERIFIED</span>' if module.ok else '<span class="fail">NOT VERIFIED</span>'
    ratio = f"{module.speed_ratio:.2f}x" if module.speed_ratio else "–"
    rows = []
    for check in module.checks:
        if check.skipped:
            state = f'<span class="skip">skipped: {escape(check.skipped)}</span>'
        else:
            state = '<span class="ok">ok</span>' if check.ok else '<span class="fail">FAIL</span>'
        failing = "".join(
            f"<li>{escape(t.name)}: max abs err {t.max_abs_err:.3g} (limit {t.limit:.3g})"
            f"{' — ' + escape(t.problem) if t.problem else ''}</li>"
            for t in check.failing
        )
        rows.append(
            f"<tr><td>{escape(check.name)}</td><td>{state}</td><td>{check.max_abs_err:.3g}</td>"
            f"<td>{'<ul>' + failing + '</ul>' if failing else ''}</td></tr>"
        )
    table = (
        (
            "<table><tr><th>check</th><th>result</th><th>max abs err</th><th>failing tensors</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        if rows
        else ""
    )
    error = f"<pre>{escape(module.error)}</pre>" if module.error else ""
    return (
        f'<div class="module"><h4>{escape(module.entry)} <small>(inputs: {escape(module.inputs)})</small> '
        f"{verdict} · speed ratio {ratio}</h4><p>{escape(module.summary)}</p>{table}{error}</div>"
    )


def file_section(entry, src: Path, dst: Path) -> str:
    result = entry.result
    parts = [
        f'<section class="file" id="{file_id(entry.path)}"><p><a href="#summary">← summary</a></p>',
        f"<h2>{escape(entry.path)} {badge(entry.status)}</h2>",
    ]
    if result.reason:
        parts.append(f"<p><b>Reason:</b></p><pre>{escape(result.reason)}</pre>")
    if result.rules_fired:
        parts.append(f"<p><b>Rules fired:</b> {escape(', '.join(result.rules_fired))}</p>")
    if entry.modules:
        parts.append("<h3>Verified modules</h3>" + "".join(module_block(m) for m in entry.modules))
    elif result.status == TRANSLATED:
        parts.append('<p class="skip">No module inputs found (no get_inputs(), nothing recorded with --record).</p>')
    spots = list(result.spots) + list(entry.import_problems)
    if spots:
        items = "".join(
            f"<li>line {s.line}: {escape(s.message)}{'<pre>' + escape(s.snippet) + '</pre>' if s.snippet else ''}</li>"
            for s in spots
        )
        parts.append(f"<h3>Untranslated spots ({len(spots)})</h3><ul>{items}</ul>")
    if result.status == TRANSLATED:
        before, after = _read_text(src / entry.path), _read_text(dst / entry.path)
        if before is not None and after is not None:
            parts.append("<h3>Side-by-side diff</h3>" + side_by_side(before, after, entry.path))
    elif result.status == COPIED:
        parts.append('<p class="skip">Copied unchanged.</p>')
    parts.append("</section>")
    return "".join(parts)


def render_html(report, src: Path, dst: Path) -> str:
    s = report.summary
    share = f"{100 * s.share_verified:.0f}%" if s.share_verified is not None else "–"
    median = f"{s.speed_ratio_median:.2f}x" if s.speed_ratio_median else "–"
    cards = "".join(
        f'<div class="card"><b>{value}</b>{label}</div>'
        for value, label in [
            (s.files, "files"),
            (s.torch_files, "PyTorch files"),
            (f"{s.modules_verified}/{s.modules}", "modules verified"),
            (share, "share verified"),
            (s.untranslated_spots, "untranslated spots"),
            (median, "median speed ratio"),
        ]
    )
    ratios = [
        (f"{e.path}::{m.entry}", m.speed_ratio) for e in report.files for m in e.modules if m.ok and m.speed_ratio
    ]
    rows = []
    for e in report.files:
        verified = sum(1 for m in e.modules if m.ok)
        speeds = [m.speed_ratio for m in e.modules if m.ok and m.speed_ratio]
        spots = len(e.result.spots) + len(e.import_problems)
        rows.append(
            f'<tr><td><a class="file-link" href="#{file_id(e.path)}">{escape(e.path)}</a></td>'
            f"<td>{badge(e.status)}</td><td>{verified}/{len(e.modules) if e.modules else 0}</td>"
            f"<td>{spots}</td><td>{', '.join(f'{r:.2f}x' for r in speeds) or '–'}</td></tr>"
        )
    bad = ""
    if s.bad:
        bad = (
            "<h2>Files that could not be translated</h2><ul>"
            + "".join(
                f'<li><a href="#{file_id(b["path"])}">{escape(b["path"])}</a>: {escape(b["reason"])}</li>'
                for b in s.bad
            )
            + "</ul>"
        )
    record = f"<h2>--record command failed</h2><pre>{escape(s.record_log)}</pre>" if s.record_log else ""
    sections = "".join(file_section(e, src, dst) for e in report.files)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>t2j migration report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><header><h1>t2j migration report</h1><p>{escape(report.src)} → {escape(report.dst)}</p></header>
<main>{sections}
<div id="summary">
<div class="cards">{cards}</div>
<div class="charts"><div class="chart"><h3>Files by status</h3>{status_chart(s.by_status)}</div>
<div class="chart"><h3>Speed ratio per verified module (torch eager / JAX jit)</h3>{speed_chart(ratios)}</div></div>
{bad}{record}
<h2>Files</h2>
<table id="files"><tr><th>file</th><th>status</th><th>modules verified</th><th>untranslated spots</th><th>speed ratio</th></tr>
{"".join(rows)}</table>
</div></main></body></html>
"""
