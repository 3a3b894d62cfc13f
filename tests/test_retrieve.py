"""Retrieval: feature analysis, ranking by error / APIs / text, quality on the labelled set, speed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from t2j.analyze.features import analyze_source
from t2j.fixes.store import FixStore, load_store
from t2j.retrieve.query import RetrievalQuery
from t2j.retrieve.retrieve import retrieve
from t2j.verify.report import Check, TensorCheck, Verification

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("retrieval_bench", ROOT / "benchmarks" / "retrieval_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def store():
    return load_store()


def ids(entries):
    return [e.id for e in entries]


def test_analyze_source_collects_apis_layers_keywords_idioms():
    src = (
        "import torch\nimport torch.nn as nn\nfrom torch.nn import functional as Fn\n"
        "class M(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.bn = nn.BatchNorm2d(8, momentum=0.1)\n        self.emb = nn.Embedding(10, 4, padding_idx=0)\n"
        "    def forward(self, x):\n"
        "        x[0] = 0\n        x.add_(1)\n        n = torch.randn(3)\n"
        "        if x.sum() > 0:\n            x = Fn.gelu(x)\n"
        "        return x.mean(dim=1, keepdim=True).item()\n"
    )
    f = analyze_source(src)
    assert {"nn.BatchNorm2d", "nn.Embedding"} <= set(f.layers)
    assert {"F.gelu", "torch.randn", "Tensor.mean", "Tensor.add_", "Tensor.item"} <= set(f.apis)
    assert {"momentum", "padding_idx", "dim", "keepdim"} <= set(f.keywords)
    assert {"item assignment", "in-place", "rng", ".item()", "data-dependent control flow"} <= set(f.idioms)
    assert analyze_source("def (:").parse_error


def test_source_mode_ranks_by_apis(store):
    src = (
        "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.act = nn.GELU()\n        self.ln = nn.LayerNorm(64)\n"
        "    def forward(self, h):\n        return self.ln(self.act(h))\n"
    )
    top = ids(retrieve(RetrievalQuery(source=src), store, k=5))
    assert "activation-gelu-exact" in top and "normalization-layernorm-eps" in top


def test_repair_mode_puts_the_matching_error_first(store):
    q = RetrievalQuery(error="Traceback ...\nTypeError: prod() got an unexpected keyword argument 'dim'")
    assert ids(retrieve(q, store, k=3))[0] == "reduction-dim-keyword"
    q = RetrievalQuery(error="jax.errors.TracerBoolConversionError: Attempted boolean conversion of traced array")
    assert ids(retrieve(q, store, k=2))[0].startswith("tracing-")


def test_repair_mode_from_a_failed_check_and_draft(store):
    v = Verification(
        ok=False,
        checks=[
            Check(name="forward_eval", ok=True),
            Check(
                name="running_stats", ok=False, tensors=[TensorCheck(name="bn.running_mean", ok=False, max_abs_err=0.4)]
            ),
        ],
    )
    q = RetrievalQuery.from_verification(
        source=None, draft="self.bn = nnx.BatchNorm(16, momentum=0.1, rngs=rngs)", verification=v
    )
    assert q.failed_checks == ["running_stats"] and q.repair
    assert ids(retrieve(q, store, k=1)) == ["normalization-bn-momentum-inverted"]


def test_k_and_edge_cases(store):
    q = RetrievalQuery(error="TypeError: sum() got an unexpected keyword argument 'dim'")
    assert len(retrieve(q, store, k=3)) == 3
    assert retrieve(q, store, k=0) == []
    assert retrieve(q, FixStore(entries=[]), k=5) == []
    assert retrieve(RetrievalQuery(), store, k=5) == []  # no evidence, no guesses


def test_labelled_set_quality(store):
    bench = _bench()
    labels = bench.load_labels()
    assert len(labels) >= 60
    known = set(store.ids())
    assert all(set(q["relevant"]) <= known for q in labels)
    result = bench.evaluate(store, labels)
    assert result["recall@5"] >= 0.9, result["misses"]
    assert result["mrr"] >= 0.8


def test_latency_on_a_large_store(store):
    bench = _bench()
    big = bench.synthetic_store(store, 3000)
    labels = bench.load_labels()[:30]
    speed = bench.latency(big, labels, repeats=1)
    assert speed["entries"] == 3000
    assert speed["mean_ms"] < 25  # ~1-2 ms on an idle core; generous for a shared CI machine
