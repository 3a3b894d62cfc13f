"""Notebooks: `translate_notebook(in.ipynb, out.ipynb)`.

Code cells are translated together, in order, as one program (so a class defined in one cell and used in the
next is translated with that context), then split back into their cells; IPython magics and shell escapes
are kept as they were. Markdown cells are kept, outputs cleared, and a summary cell at the top says what was
verified: modules with the notebook's own get_inputs(), and every nn.Module class whose real inputs were
captured by running the PyTorch notebook once (as a script, with recording hooks).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from t2j.errors import BadInput
from t2j.migrate.files import atomic_write_text
from t2j.migrate.models import ModuleJob, ModuleResult, Spot
from t2j.settings import Settings

MARKER = "# t2j-cell-boundary {index}"
_MARKER_RE = re.compile(r"^# t2j-cell-boundary (\d+)\s*$", re.MULTILINE)
_MAGIC_PREFIX = "# t2j-magic: "
SCRIPT_NAME = "t2j_notebook.py"


class NotebookResult(BaseModel):
    in_path: str
    out_path: str
    code_cells: int
    markdown_cells: int
    spots: list[Spot] = Field(default_factory=list)
    modules: list[ModuleResult] = Field(default_factory=list)
    record_error: str | None = None

    @property
    def ok(self) -> bool:
        return all(m.ok for m in self.modules)


def _hide_magics(source: str) -> str:
    """Comment out IPython-only lines (%magic, %%cell magic, !shell, trailing ?) so the cell parses."""
    out = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#")):
            out.append(line[: len(line) - len(stripped)] + _MAGIC_PREFIX + stripped)
        else:
            out.append(line)
    return "\n".join(out)


def _restore_magics(source: str) -> str:
    return "\n".join(re.sub(r"^(\s*)" + re.escape(_MAGIC_PREFIX), r"\1", line) for line in source.splitlines())


def _join(cells: list[str]) -> str:
    return "\n".join(f"{MARKER.format(index=i)}\n{_hide_magics(c)}\n" for i, c in enumerate(cells))


def split_cells(code: str, count: int) -> list[str] | None:
    """Split a translated program at the cell markers; None if the markers did not survive in order."""
    matches = list(_MARKER_RE.finditer(code))
    if [int(m.group(1)) for m in matches] != list(range(count)):
        return None
    cells = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < count else len(code)
        cells.append(code[match.end() : end].strip("\n"))
    # whatever the translator put before the first marker (imports, helpers) belongs to the first cell
    head = code[: matches[0].start()].strip("\n") if matches else ""
    if head:
        cells[0] = head + ("\n\n" + cells[0] if cells[0] else "")
    return [_restore_magics(c) for c in cells]


def translate_cells(cells: list[str], backend: str = "rules") -> tuple[list[str], list[Spot], str, str]:
    """Translate code cells with shared context. Returns (cells, spots, torch program, JAX program)."""
    from t2j.backends import translate

    program = _join(cells)
    translation = translate(program, backend=backend, verify=False)
    spots = [Spot(line=d.line, message=d.message, snippet=d.snippet) for d in translation.diagnostics]
    out = split_cells(translation.code, len(cells))
    if out is None:  # the markers were lost: translate cell by cell (less context, same cell structure)
        out = []
        for cell in cells:
            try:
                out.append(_restore_magics(translate(_hide_magics(cell) + "\n", backend=backend, verify=False).code))
            except BadInput:
                out.append(cell)
    torch_program = "\n\n".join(_hide_magics(c) for c in cells) + "\n"
    jax_program = "\n\n".join(_hide_magics(c) for c in out) + "\n"
    return out, spots, torch_program, jax_program


def verify_program(
    torch_program: str, jax_program: str, settings: Settings, record: bool = True, record_timeout_s: float = 300.0
) -> tuple[list[ModuleResult], str | None]:
    """Verify the notebook's modules: get_inputs() if it defines one, and inputs recorded by running the
    PyTorch program once."""
    import ast

    from t2j.migrate.worker import convention_entries, module_classes, verify_module

    tree = ast.parse(torch_program)
    classes = module_classes(tree)
    results: list[ModuleResult] = []
    record_error = None
    with tempfile.TemporaryDirectory(prefix="t2j-notebook-") as folder:
        torch_dir, jax_dir = Path(folder) / "torch", Path(folder) / "jax"
        torch_dir.mkdir()
        jax_dir.mkdir()
        (torch_dir / SCRIPT_NAME).write_text(torch_program)
        (jax_dir / SCRIPT_NAME).write_text(jax_program)
        module = SCRIPT_NAME[:-3]
        jobs = [
            ModuleJob(
                path=SCRIPT_NAME,
                entry=e,
                inputs="get_inputs",
                module=module,
                src_root=str(torch_dir),
                dst_root=str(jax_dir),
            )
            for e in convention_entries(torch_program, tree, classes)
        ]
        if record and classes:
            from t2j.migrate.record import record_inputs

            outcome = record_inputs(
                torch_dir, [SCRIPT_NAME], f"{sys.executable} {SCRIPT_NAME}", Path(folder) / "record", record_timeout_s
            )
            if outcome.returncode != 0:
                record_error = outcome.log_tail
            for cls in classes:
                samples = outcome.samples.get(f"{SCRIPT_NAME}::{cls}")
                if samples:
                    jobs.append(
                        ModuleJob(
                            path=SCRIPT_NAME,
                            entry=cls,
                            inputs="recorded",
                            module=module,
                            src_root=str(torch_dir),
                            dst_root=str(jax_dir),
                            sample=samples[0],
                        )
                    )
        for job in jobs:
            results.append(verify_module(job, settings))
    return results, record_error


def summary_markdown(result: NotebookResult) -> str:
    lines = [
        "## t2j translation summary",
        "",
        f"Translated {result.code_cells} code cells from `{Path(result.in_path).name}` (PyTorch) to JAX "
        "(Flax NNX + optax); outputs were cleared.",
        "",
    ]
    if result.modules:
        lines += ["| module | inputs | verdict | speed ratio (torch eager / JAX jit) |", "|---|---|---|---|"]
        for m in result.modules:
            ratio = f"{m.speed_ratio:.2f}x" if m.speed_ratio else "–"
            verdict = "verified" if m.ok else m.summary.replace("|", "\\|")
            lines.append(f"| `{m.entry}` | {m.inputs} | {verdict} | {ratio} |")
    else:
        lines.append("No module could be verified: define `get_inputs()` or call your modules in the notebook.")
    if result.record_error:
        lines += ["", "Running the PyTorch notebook to record inputs failed:", "```", result.record_error, "```"]
    if result.spots:
        lines += ["", "Not translated:"]
        lines += [f"- line {s.line}: {s.message}" + (f" (`{s.snippet}`)" if s.snippet else "") for s in result.spots]
    return "\n".join(lines)


def translate_notebook(
    in_path: str | Path,
    out_path: str | Path,
    backend: str = "rules",
    verify: bool = True,
    record: bool = True,
    settings: Settings | None = None,
    force: bool = False,
) -> NotebookResult:
    """Translate a PyTorch notebook into a JAX notebook (see the module docstring)."""
    import nbformat

    in_path, out_path = Path(in_path), Path(out_path)
    if not in_path.is_file():
        raise BadInput(f"notebook '{in_path}' does not exist")
    if out_path.exists() and not force:
        raise BadInput(f"output '{out_path}' exists; pass --force to overwrite it")
    if out_path.resolve() == in_path.resolve():
        raise BadInput("output path is the input notebook; choose another -o")
    try:
        notebook = nbformat.read(str(in_path), as_version=4)
    except Exception as exc:
        raise BadInput(f"'{in_path}' is not a readable notebook: {exc}") from None
    code_indices = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    sources = [notebook.cells[i].source for i in code_indices]
    translated, spots, torch_program, jax_program = translate_cells(sources, backend) if sources else ([], [], "", "")

    result = NotebookResult(
        in_path=str(in_path),
        out_path=str(out_path),
        code_cells=len(sources),
        markdown_cells=sum(1 for c in notebook.cells if c.cell_type == "markdown"),
        spots=spots,
    )
    if verify and sources:
        result.modules, result.record_error = verify_program(
            torch_program, jax_program, settings or Settings(), record=record
        )
    out = nbformat.v4.new_notebook(metadata=notebook.metadata)
    out.cells.append(nbformat.v4.new_markdown_cell(summary_markdown(result)))
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(translated[code_indices.index(i)])
            new.metadata = cell.metadata
            out.cells.append(new)
        else:
            out.cells.append(cell)
    nbformat.validate(out)
    atomic_write_text(out_path, nbformat.writes(out))
    return result
