"""The package's shape: no import cycles, every module importable on its own, the offline CLI path free of the
LLM SDK, and no module past ~500 lines."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "t2j"
KNOWN_CYCLES: list[set[str]] = []  # none left; a new cycle is a failure


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the t2j modules it imports, at module level or inside functions (TYPE_CHECKING blocks aside)."""

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        skipped = {
            id(n)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pieces = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(pieces + ([node.module] if node.module else []))
                names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for name in names:
                target = owner(name) if name.startswith("t2j") else None
                if target and target != module:
                    graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycles():
    modules = _modules()
    assert len(modules) > 100
    cycles = [c for c in _cycles(_import_graph(modules)) if c not in KNOWN_CYCLES]
    assert not cycles, f"import cycles (counting imports inside functions): {[sorted(c) for c in cycles]}"


def test_cycle_detector_sees_a_cycle_through_a_function_level_import():
    graph = {"t2j.a": {"t2j.b"}, "t2j.b": {"t2j.a"}, "t2j.c": {"t2j.a"}}
    assert _cycles(graph) == [{"t2j.a", "t2j.b"}]


def test_no_module_is_a_god_file():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text().splitlines())) > 500}
    assert not long, f"modules past ~500 lines: {long}"


def _run(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def test_offline_translate_command_does_not_load_the_llm_sdk(tmp_path):
    out = tmp_path / "mlp_jax.py"
    code = (
        "import sys\nfrom t2j.cli import main\n"
        f"rc = main(['translate', 'examples/mlp.py', '-o', {str(out)!r}, '--no-verify'])\n"
        "heavy = sorted(m for m in ('openai', 'jax', 'torch', 'flax', 'optax', 'numpy') if m in sys.modules)\n"
        "print(rc, heavy)\n"
    )
    run = _run(code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "0 []", run.stdout
    assert "class " in out.read_text()


@pytest.mark.slow
def test_every_module_imports_on_its_own():
    """Each module in a fresh interpreter: none relies on another having been imported first."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    failed = []
    for name in sorted(m for m in _modules() if not m.endswith(".__main__")):  # __main__ runs the CLI
        run = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
        )
        if run.returncode:
            failed.append((name, run.stderr.strip().splitlines()[-1:]))
    assert not failed, failed
