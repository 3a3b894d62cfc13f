"""Exports of a synth corpus: chat fine-tuning JSONL, and few-shot examples keyed by torch API that the
retriever / prompt builder can load (`load_fewshot`, `fewshot_for`)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from pydantic import BaseModel

from t2j.synth.store import read_rows

FEWSHOT_FORMAT = "t2j-fewshot/1"
SYSTEM = (
    "Translate the PyTorch function to JAX (jax, jax.numpy). Keep the function name, arguments and tensor "
    "layouts. Answer with one self-contained Python code block."
)


class FewShotExample(BaseModel):
    """A verified op-level pair, small enough to show in a prompt."""

    id: str
    category: str
    torch: str  # the torch function (no imports, no get_inputs)
    jax: str  # the JAX function (no imports)
    max_abs_err: float = 0.0
    grad_max_abs_err: float = 0.0


def function_source(code: str, name: str) -> str:
    """The source of function `name` in `code` (with its signature comment)."""
    tree = ast.parse(code)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            lines = code.splitlines()
            return "\n".join(lines[node.lineno - 1 : node.end_lineno])
    raise ValueError(f"no function {name} in the code")


def export_chat(rows_path: Path, out: Path, system: str = SYSTEM) -> int:
    """One chat example per row: system prompt, the PyTorch module as the user turn, the JAX module as the
    assistant turn (in a fenced block, as the translator is asked to answer)."""
    rows, _ = read_rows(rows_path)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as handle:
        for row in rows:
            example = {
                "id": row["id"],
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": f"```python\n{row['torch_code'].rstrip()}\n```"},
                    {"role": "assistant", "content": f"```python\n{row['jax_code'].rstrip()}\n```"},
                ],
            }
            handle.write(json.dumps(example) + "\n")
    return len(rows)


def export_fewshot(rows_path: Path, out: Path, per_api: int = 3) -> int:
    """{format, apis: {torch api: [FewShotExample...]}}, the `per_api` shortest verified pairs for each API
    (ties broken by id, so the file is deterministic). Returns the number of APIs."""
    rows, _ = read_rows(rows_path)
    by_api: dict[str, list[tuple[int, str, FewShotExample]]] = {}
    for row in rows:
        torch_fn = function_source(row["torch_code"], row["name"])
        jax_fn = function_source(row["jax_code"], row["name"])
        example = FewShotExample(
            id=row["id"],
            category=row["category"],
            torch=torch_fn,
            jax=jax_fn,
            max_abs_err=row.get("max_abs_err", 0.0),
            grad_max_abs_err=row.get("grad_max_abs_err", 0.0),
        )
        for api in row.get("torch_apis", []):
            by_api.setdefault(api, []).append((len(torch_fn) + len(jax_fn), row["id"], example))
    apis = {
        api: [e.model_dump() for _, _, e in sorted(items, key=lambda t: (t[0], t[1]))[:per_api]]
        for api, items in sorted(by_api.items())
    }
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps({"format": FEWSHOT_FORMAT, "apis": apis}, indent=1))
    return len(apis)


def load_fewshot(path: Path) -> dict[str, list[FewShotExample]]:
    data = json.loads(Path(path).read_text())
    if data.get("format") != FEWSHOT_FORMAT:
        raise ValueError(f"{path} is not a t2j few-shot file (format {data.get('format')!r})")
    return {api: [FewShotExample(**e) for e in items] for api, items in data["apis"].items()}


def fewshot_for(apis: list[str], store: dict[str, list[FewShotExample]], k: int = 4) -> list[FewShotExample]:
    """Up to k examples covering the given torch APIs, one per API first (in the order given), no repeats."""
    chosen: list[FewShotExample] = []
    seen: set[str] = set()
    for round_no in range(max((len(v) for v in store.values()), default=0)):
        for api in apis:
            items = store.get(api, [])
            if round_no < len(items) and items[round_no].id not in seen:
                chosen.append(items[round_no])
                seen.add(items[round_no].id)
                if len(chosen) >= k:
                    return chosen
    return chosen
