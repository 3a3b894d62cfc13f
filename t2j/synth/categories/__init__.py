"""The grammars, by category name. Each is a pure function `(rng: random.Random, name: str) -> Program`."""

from __future__ import annotations

from typing import Callable

from t2j.synth.categories.control import control_flow
from t2j.synth.categories.dtypes import bfloat16, integer
from t2j.synth.categories.indexing import indexing
from t2j.synth.categories.layers import layers
from t2j.synth.categories.ops import (
    branch,
    broadcasting,
    chain,
    compound,
    dot,
    elementwise,
    matmul,
    nested_branch,
    reduction,
    scalar_array,
    unary_math,
)
from t2j.synth.categories.prng import prng

CATEGORIES: dict[str, Callable] = {
    "elementwise": elementwise,
    "scalar_array": scalar_array,
    "unary_math": unary_math,
    "branch": branch,
    "nested_branch": nested_branch,
    "reduction": reduction,
    "dot": dot,
    "matmul": matmul,
    "chain": chain,
    "compound": compound,
    "control_flow": control_flow,
    "indexing": indexing,
    "broadcasting": broadcasting,
    "layers": layers,
    "integer": integer,
    "bfloat16": bfloat16,
    "prng": prng,
}

# the cheap, single-expression categories the throughput target refers to
OP_LEVEL = [
    "elementwise",
    "scalar_array",
    "unary_math",
    "branch",
    "nested_branch",
    "reduction",
    "dot",
    "matmul",
    "chain",
    "compound",
    "broadcasting",
]
