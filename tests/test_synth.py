"""t2j synth: grammars, verification of each category, rejection of wrong pairs, hashing, store, exports."""

from __future__ import annotations

import json
import math
import re

import pytest

from t2j.synth.categories import CATEGORIES
from t2j.synth.check import check_batch, check_program
from t2j.synth.engine import candidate
from t2j.synth.export import export_chat, export_fewshot, fewshot_for, load_fewshot
from t2j.synth.hashing import normalize, program_hash
from t2j.synth.program import InputSpec, Program
from t2j.synth.store import RowWriter, read_rows, truncate_partial
from t2j.verify.report import Tolerances

CATEGORY_NAMES = list(CATEGORIES)


def _pair(torch_body: str, jax_body: str, inputs: list[InputSpec], name: str = "f") -> Program:
    args = ", ".join(s.name for s in inputs)
    return Program(
        category="planted",
        name=name,
        torch_code=f"import torch\nimport torch.nn.functional as F\n\n\ndef {name}({args}):\n    {torch_body}\n",
        jax_code=f"import jax\nimport jax.numpy as jnp\n\n\ndef {name}({args}):\n    {jax_body}\n",
        inputs=inputs,
    )


def _first_of(category: str, count: int, seed: int = 0):
    """The first `count` candidates of `category` in the stream of a run restricted to that category."""
    return [candidate(seed, i, [category]) for i in range(count)]


@pytest.mark.parametrize("category", CATEGORY_NAMES)
def test_each_category_produces_verified_samples_with_ir(category):
    items = _first_of(category, 2)
    results = check_batch(items, Tolerances())
    passed = [(p, r) for (p, _), r in zip(items, results) if r.ok]
    assert passed, f"{category}: {[r.error for r in results]}"
    for program, result in passed:
        assert result.ir["hlo"].startswith("HloModule")
        assert result.ir["grad_hlo"].startswith("HloModule")
        assert result.ir["stablehlo"].startswith("module @")
        assert "lambda" in result.ir["jaxpr"] and "lambda" in result.ir["grad_jaxpr"]
        # the backward computation returns one gradient per differentiable argument
        n_diff = sum(s.is_differentiable for s in program.inputs)
        layout = re.search(r"entry_computation_layout=\{\((.*)\)->(.*)\}", result.ir["grad_hlo"].splitlines()[0])
        outputs = layout.group(2)
        n_out = outputs.count("{") if outputs.startswith("(") else 1
        assert n_out == n_diff, (program.jax_code, outputs)
        assert math.isfinite(result.max_abs_err) and math.isfinite(result.grad_max_abs_err)


def test_gradients_cover_every_differentiable_argument_even_unused_ones():
    inputs = [
        InputSpec(name="x", shape=[3, 4]),
        InputSpec(name="y", shape=[3, 4]),
        InputSpec(name="i", shape=[2], dtype="int32", kind="int", low=0, high=3),
    ]
    program = _pair("return torch.tanh(x) * 2.0", "return jnp.tanh(x) * 2.0", inputs)
    result = check_program(program, seed=3)
    assert result.ok, result.error
    header = result.ir["grad_hlo"].splitlines()[0]
    # keep_unused: y and the integer index stay parameters; the VJP returns gradients for x and y (y's is zero)
    assert header.count("f32[3,4]") == 2 + 1 + 2 and "s32[2]" in header
    assert "s32[2]" in result.ir["hlo"].splitlines()[0]


@pytest.mark.parametrize(
    "torch_body,jax_body,stage",
    [
        ("return torch.softmax(x, dim=0)", "return jax.nn.softmax(x, axis=1)", "forward"),
        ("return F.gelu(x)", "return jax.nn.gelu(x)", "forward"),  # tanh approximation vs exact
        ("return x * torch.sigmoid(x)", "return x * jax.lax.stop_gradient(jax.nn.sigmoid(x))", "backward"),
        ("return torch.var(x, dim=1)", "return jnp.var(x, axis=1)", "forward"),  # unbiased vs biased
        ("return x.sum(0)", "return x.sum(1)", "forward"),  # shape mismatch
        ("return torch.log(x)", "return jnp.log(x, 3)", "jax"),  # a JAX error is a rejection too
    ],
)
def test_planted_mismatching_pairs_are_rejected(torch_body, jax_body, stage):
    program = _pair(torch_body, jax_body, [InputSpec(name="x", shape=[4, 5], kind="positive")])
    result = check_program(program, seed=1)
    assert not result.ok
    assert result.stage == stage, result.error
    assert result.ir == {}


def test_a_hanging_candidate_is_rejected_as_timeout_and_its_batch_goes_on():
    spec = [InputSpec(name="x", shape=[3])]
    sleeps = _pair("import time; time.sleep(60); return torch.tanh(x)", "return jnp.tanh(x)", spec)
    loops = _pair("return torch.tanh(x)", "while True:\n        x = x + 1", spec)  # never ends tracing
    good = _pair("return torch.tanh(x)", "return jnp.tanh(x)", spec)
    results = check_batch([(sleeps, 0), (good, 1), (loops, 0), (good, 2)], Tolerances(), timeout_s=3)
    assert [r.stage for r in results] == ["timeout", "", "timeout", ""], [r.error for r in results]
    assert results[1].ok and results[3].ok and results[1].ir["hlo"].startswith("HloModule")
    assert check_program(good, seed=3).ok  # the process is fine afterwards


def test_a_wrong_pair_does_not_spoil_its_batch():
    wrong = _pair("return torch.cumsum(x, dim=0)", "return jnp.cumsum(x, axis=1)", [InputSpec(name="x", shape=[3, 3])])
    right = _pair("return torch.cumsum(x, dim=0)", "return jnp.cumsum(x, axis=0)", [InputSpec(name="x", shape=[3, 3])])
    results = check_batch([(wrong, 0), (right, 0)], Tolerances())
    assert [r.ok for r in results] == [False, True]


def test_workers_shared_mlir_context_gives_the_same_ir_and_verdicts():
    from t2j.synth.worker import reuse_mlir_context

    items = [candidate(2, i, ["control_flow", "layers", "prng", "elementwise"]) for i in range(4)]
    fresh = check_batch(items, Tolerances())
    restore = reuse_mlir_context(every=3)  # renewed within the batch too
    assert restore is not None
    try:
        shared = check_batch(items, Tolerances())
    finally:
        restore()
    assert all(r.ok for r in fresh), [r.error for r in fresh]
    assert [r.model_dump() for r in shared] == [r.model_dump() for r in fresh]


def test_program_hash_is_alpha_invariant_and_ignores_shapes():
    a = _pair(
        "return torch.tanh(x) + y",
        "return jnp.tanh(x) + y",
        [InputSpec(name="x", shape=[3]), InputSpec(name="y", shape=[3])],
        name="f",
    )
    b = _pair(
        "return torch.tanh(p) + q  # comment",
        "return jnp.tanh(p) + q",
        [InputSpec(name="p", shape=[7, 2]), InputSpec(name="q", shape=[7, 2])],
        name="g",
    )
    c = _pair(
        "return torch.tanh(x) - y",
        "return jnp.tanh(x) - y",
        [InputSpec(name="x", shape=[3]), InputSpec(name="y", shape=[3])],
    )
    assert program_hash(a.torch_code, a.jax_code) == program_hash(b.torch_code, b.jax_code)
    assert program_hash(a.torch_code, a.jax_code) != program_hash(c.torch_code, c.jax_code)
    assert "torch.tanh(v1)" in normalize(a.torch_code)


def test_candidate_stream_is_deterministic_and_mostly_distinct():
    first = [candidate(7, i, CATEGORY_NAMES) for i in range(300)]
    again = [candidate(7, i, CATEGORY_NAMES) for i in range(300)]
    assert [p.torch_code for p, _ in first] == [p.torch_code for p, _ in again]
    assert [s for _, s in first] == [s for _, s in again]
    hashes = {program_hash(p.torch_code, p.jax_code) for p, _ in first}
    assert len(hashes) / len(first) >= 0.95
    assert {p.category for p, _ in first} == set(CATEGORY_NAMES)
    for program, _ in first[:60]:  # self-contained modules with shapes and dtypes in the text
        assert program.torch_code.startswith("import torch") and "def get_inputs():" in program.torch_code
        assert program.jax_code.startswith("import jax")
        for spec in program.inputs:
            assert f"{spec.shape}" in program.jax_code and f"{spec.shape}" in program.torch_code


def test_store_drops_a_torn_last_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    with RowWriter(path) as writer:
        writer.write({"index": 0})
        writer.write({"index": 1})
    with open(path, "ab") as handle:
        handle.write(b'{"index": 2, "trunc')
    rows, good = read_rows(path)
    assert [r["index"] for r in rows] == [0, 1]
    truncate_partial(path, good)
    assert path.read_text().count("\n") == 2 and path.read_text().endswith("}\n")


def test_exports(tmp_path):
    items = [candidate(0, i, ["elementwise", "matmul", "reduction"]) for i in range(4)]
    results = check_batch(items, Tolerances(), kinds=("jaxpr",))
    from t2j.synth.engine import SynthConfig, make_row

    config = SynthConfig(count=4, categories=["elementwise", "matmul", "reduction"], ir=["jaxpr"])
    versions = {"jax_version": "x", "jaxlib_version": "x", "torch_version": "x", "t2j_version": "x", "backend": "cpu"}
    path = tmp_path / "rows.jsonl"
    with RowWriter(path) as writer:
        for i, ((program, seed), result) in enumerate(zip(items, results)):
            if result.ok:
                writer.write(
                    make_row(
                        config, i, program, seed, program_hash(program.torch_code, program.jax_code), result, versions
                    )
                )
    rows, _ = read_rows(path)
    assert rows and rows[0]["hlo"] is None and rows[0]["jaxpr"]
    n = export_chat(path, tmp_path / "chat.jsonl")
    chat = [json.loads(line) for line in open(tmp_path / "chat.jsonl")]
    assert n == len(rows) == len(chat)
    assert [m["role"] for m in chat[0]["messages"]] == ["system", "user", "assistant"]
    assert "import torch" in chat[0]["messages"][1]["content"] and "jnp" in chat[0]["messages"][2]["content"]
    n_apis = export_fewshot(path, tmp_path / "fewshot.json", per_api=2)
    store = load_fewshot(tmp_path / "fewshot.json")
    assert n_apis == len(store) > 0
    api, examples = next(iter(store.items()))
    assert len(examples) <= 2 and examples[0].torch.startswith("def ") and "import" not in examples[0].jax
    picked = fewshot_for([api], store, k=1)
    assert picked and picked[0].id == examples[0].id
