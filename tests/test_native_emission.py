"""Native Flax NNX / optax / jax.numpy wherever it is torch's semantics exactly: no emulated layer is emitted
where an exact native one exists (each native choice is proven numerically by its rule's examples, and the
optimizers by the training verifier: benchmarks/train_bench.py)."""

from __future__ import annotations

import pytest

from t2j.rules import translate_rules
from tests.support.text import flat

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n\n"

# torch's default initialisers, given to native layers as `kernel_init=`/`bias_init=` (not emulated layers)
INITIALIZERS = {"torch_kernel_init", "torch_bias_init"}
# (torch construct, what the translation must contain); the translation must emit no helper but initialisers
NATIVE = [
    ("nn.Linear(8, 4)", "nnx.Linear(8, 4, kernel_init=torch_kernel_init, bias_init=torch_bias_init(8), rngs=rngs)"),
    ("nn.LayerNorm(8)", "nnx.LayerNorm(8, epsilon=1e-5, use_fast_variance=False, rngs=rngs)"),
    ("nn.LayerNorm([8], eps=1e-6)", "nnx.LayerNorm(8, epsilon=1e-6, use_fast_variance=False, rngs=rngs)"),
    ("nn.RMSNorm(8, eps=1e-6)", "nnx.RMSNorm(8, epsilon=1e-6, rngs=rngs)"),
    ("nn.Embedding(10, 4)", "nnx.Embed(10, 4, embedding_init=nnx.initializers.normal(1.0), rngs=rngs)"),
    ("nn.Dropout(0.1)", "nnx.Dropout(0.1, rngs=rngs)"),
    (
        "nn.Sequential(nn.Linear(4, 8), nn.ReLU())",
        "nnx.Sequential(nnx.Linear(4, 8, kernel_init=torch_kernel_init, bias_init=torch_bias_init(4), rngs=rngs), "
        "jax.nn.relu)",
    ),
    ("nn.AdaptiveAvgPool2d(1)", "functools.partial(jnp.mean, axis=(-2, -1), keepdims=True)"),
    ("nn.AdaptiveAvgPool1d((1,))", "functools.partial(jnp.mean, axis=(-1,), keepdims=True)"),
]

OPTIMIZERS = [
    ("torch.optim.SGD(model.parameters(), lr=0.1)", "optax.inject_hyperparams(optax.sgd)(learning_rate=0.1)"),
    (
        "torch.optim.SGD(model.parameters(), 0.1, momentum=0.9, nesterov=True)",
        "optax.inject_hyperparams(optax.sgd)(learning_rate=0.1, momentum=0.9, nesterov=True)",
    ),
    (
        "torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=0.0)",
        "optax.inject_hyperparams(optax.sgd)(learning_rate=0.1, momentum=0.9)",
    ),
    (
        "torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.5, 0.999), eps=1e-7)",
        "optax.inject_hyperparams(optax.adam)(learning_rate=2e-3, b1=0.5, b2=0.999, eps=1e-7)",
    ),
    ("torch.optim.Adam(model.parameters(), foreach=False)", "optax.inject_hyperparams(optax.adam)(learning_rate=1e-3)"),
    (
        "torch.optim.AdamW(model.parameters(), lr=1e-3)",
        "optax.inject_hyperparams(optax.adamw)(learning_rate=1e-3, weight_decay=1e-2)",
    ),
    (
        "torch.optim.RMSprop(model.parameters(), lr=1e-2)",
        "optax.inject_hyperparams(optax.rmsprop)(learning_rate=1e-2, decay=0.99, eps=1e-8, eps_in_sqrt=False)",
    ),
]

# where torch differs from every native option, the helper stays (and must: a native call would be wrong)
EMULATED = [
    ("torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, dampening=0.5)", "torch_sgd"),
    ("torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=1e-4)", "torch_sgd"),
    ("torch.optim.Adam(model.parameters(), weight_decay=1e-4)", "torch_adam"),
    ("torch.optim.Adam(model.parameters(), amsgrad=True)", "torch_adam"),
    ("torch.optim.AdamW(model.parameters(), maximize=True)", "torch_adamw"),
    ("torch.optim.Adam(model.parameters(), betas=betas)", "torch_adam"),
]


def _translate(line: str):
    return translate_rules(HEADER + f"model = nn.Linear(4, 4)\nthing = {line}\n")


@pytest.mark.parametrize("torch_code,native", NATIVE + OPTIMIZERS, ids=[n for n, _ in NATIVE + OPTIMIZERS])
def test_native_where_exact(torch_code, native):
    result = _translate(torch_code)
    assert flat(native) in flat(result.code), result.code
    assert set(result.helpers) <= INITIALIZERS, f"{torch_code} emitted helpers {result.helpers}"


@pytest.mark.parametrize("torch_code,helper", EMULATED, ids=[n for n, _ in EMULATED])
def test_helper_where_torch_differs(torch_code, helper):
    result = _translate(torch_code)
    assert helper in result.helpers, result.code
    assert f"thing=nnx.Optimizer(model,{helper}(" in flat(result.code), result.code


def test_transposed_linear_weight_reads_the_kernel():
    source = HEADER + (
        "class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.fc = nn.Linear(4, 3)\n\n    def forward(self, x):\n"
        "        return x @ self.fc.weight.t() + x @ self.fc.weight.T\n"
    )
    code = translate_rules(source).code
    assert ".T.T" not in code
    assert "x @ self.fc.kernel + x @ self.fc.kernel" in code


def test_global_average_pool_then_flatten_is_a_mean():
    result = translate_rules(HEADER + "y = F.adaptive_avg_pool2d(out, 1).flatten(1)\nz = torch.flatten(out, 1)\n")
    assert "y = jnp.mean(out, axis=(-2, -1)).reshape(out.shape[0], -1)" in result.code
    assert "z = out.reshape(out.shape[0], -1)" in result.code
    assert result.helpers == []
