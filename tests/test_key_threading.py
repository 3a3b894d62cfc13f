"""Free functions that draw random numbers take a jax.random key, fresh from each call site (torchvision's
stochastic_depth, vit-pytorch's dropout_layers, a training script's sampler), instead of a fixed key that would
repeat the same draws on every call; where no fresh key can reach a call, the fixed key stays, marked."""

from __future__ import annotations

import pytest

from t2j.rules import translate_rules
from t2j.verify.api import verify_sources

MARKER = "# t2j: not translated"

# torchvision.ops.stochastic_depth (verbatim but for the scripting probe), in a residual block as ConvNeXt uses it
STOCHASTIC_DEPTH = """
import torch
import torch.nn as nn


def stochastic_depth(input, p: float, mode: str, training: bool = True):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input

    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = torch.empty(size, dtype=input.dtype, device=input.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(nn.Module):
    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)


class Block(nn.Module):
    def __init__(self, dim, p):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.drop = StochasticDepth(p, "row")

    def forward(self, x):
        return x + self.drop(torch.relu(self.fc(x)))


class Model(nn.Module):
    def __init__(self, dim=8, p=0.5):
        super().__init__()
        self.blocks = nn.Sequential(Block(dim, 0.0), Block(dim, p))

    def forward(self, x):
        return self.blocks(x)


def get_init_inputs():
    return [8, 0.5]


def get_inputs():
    return [torch.randn(64, 8)]
"""


@pytest.fixture(scope="module")
def stochastic_depth() -> str:
    result = translate_rules(STOCHASTIC_DEPTH)
    assert MARKER not in result.code and not result.diagnostics, result.code
    return result.code


def test_stochastic_depth_takes_an_optional_key_that_each_module_call_passes_fresh(stochastic_depth):
    code = stochastic_depth
    assert "training: bool = True, *, key: jax.Array | None = None):" in code
    assert "key, k1 = (None, None) if key is None else jax.random.split(key)" in code
    assert "stochastic_depth(input, self.p, self.mode, (not self.deterministic), key=self.rngs.default())" in code
    assert "self.rngs = rngs" in code.split("class StochasticDepth")[1].split("class Block")[0]


def test_stochastic_depth_draws_fresh_rows_under_jit_and_grad_in_train_mode_and_none_in_eval(stochastic_depth):
    import jax.numpy as jnp
    import numpy as np
    from flax import nnx

    namespace: dict = {}
    exec(compile(stochastic_depth, "<translation>", "exec"), namespace)
    model = namespace["Model"](8, 0.5, rngs=nnx.Rngs(0))
    x = jnp.ones((64, 8))
    model.eval()
    assert np.array_equal(namespace["stochastic_depth"](x, 0.5, "row", False), x)  # no key needed in eval
    model.train()

    @nnx.jit
    def forward(model, x):
        return model(x)

    @nnx.jit
    def grad(model, x):
        return nnx.grad(lambda m: jnp.sum(m(x)))(model)

    first, second = forward(model, x), forward(model, x)
    assert not np.array_equal(first, second)  # a fresh key per call: other rows dropped
    base = np.asarray(model.blocks.layers[0](x))  # the second block's input: its output where the row was dropped
    dropped = np.stack([np.all(np.asarray(forward(model, x)) == base, axis=1) for _ in range(8)])
    assert 0.3 < dropped.mean() < 0.7  # p = 0.5 of the rows, each call
    g = grad(model, x)
    assert np.all(np.isfinite(np.asarray(g.blocks.layers[1].fc.kernel.value)))


@pytest.mark.slow
def test_a_stochastic_depth_model_is_verified_forward_and_backward_and_train_mode_skipped_with_its_reason(
    stochastic_depth,
):
    v = verify_sources(STOCHASTIC_DEPTH, stochastic_depth)
    assert v.ok and v.forward_ok and v.backward_ok, v.summary() + (v.error or "")
    train = next(c for c in v.checks if c.name == "forward_train")
    assert train.skipped and "random" in train.skipped


# vit-pytorch's CaiT: a function a forward calls, with no training flag: the key is required
LAYER_DROPOUT = """
import torch
import torch.nn as nn


def dropout_layers(layers, dropout):
    if dropout == 0:
        return layers
    to_drop = torch.zeros(len(layers)).uniform_(0., 1.) < dropout
    return [layer for (layer, drop) in zip(layers, to_drop) if not drop]


def jitter(x, scale):
    return x + scale * torch.randn_like(x)


def noisy(x):
    return jitter(x, 0.1)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4)])
        self.layer_dropout = 0.0

    def forward(self, x):
        for layer in dropout_layers(self.layers, dropout=self.layer_dropout):
            x = layer(x)
        if self.training:
            x = noisy(x)
        return x
"""


def test_a_required_key_is_threaded_through_a_caller_that_does_not_draw_itself():
    code = translate_rules(LAYER_DROPOUT).code
    assert MARKER not in code, code
    assert "def dropout_layers(layers, dropout, *, key: jax.Array):" in code
    assert "def jitter(x, scale, *, key: jax.Array):" in code
    # the caller splits its own key for the function it calls
    assert (
        "def noisy(x, *, key: jax.Array):\n    key, k3 = jax.random.split(key)\n    return jitter(x, 0.1, key=k3)"
        in code
    )
    assert "dropout_layers(self.layers, dropout=self.layer_dropout, key=self.rngs.default())" in code
    assert "x = noisy(x, key=self.rngs.default())" in code


# where no fresh key can reach a call (a function passed as a value, or called in a lambda), the fixed key stays
# and is marked: never the same draws repeated silently; in a comprehension each iteration folds in its index
UNREACHABLE = """
import torch


def noise(n):
    return torch.randn(n)


def jitter(n):
    return torch.rand(n)


def sample(n):
    return torch.rand(n)


table = list(map(noise, [2, 3]))
make = lambda: jitter(2)
batches = [sample(4) for _ in range(3)]
orders = [torch.randperm(6) for _ in range(3)]
noisy = [torch.randn(2) + x for x in [1.0, 2.0]]
"""


def test_functions_no_fresh_key_can_reach_keep_their_fixed_key_marked_and_comprehensions_draw_anew():
    import numpy as np

    result = translate_rules(UNREACHABLE)
    code = result.code
    for name in ("noise", "jitter"):
        body = code.split(f"def {name}(n")[1].split("\ndef ")[0]
        assert "key = jax.random.key(0)" in body and MARKER in body, code
        assert any(f"`{name}`" in d.message for d in result.diagnostics)
    assert "def sample(n, *, key: jax.Array):" in code and "sample(4, key=jax.random.fold_in(" in code
    assert "for i" in code and "in enumerate([1.0, 2.0])" in code
    namespace: dict = {}
    exec(compile(code, "<translation>", "exec"), namespace)
    for name in ("batches", "orders", "noisy"):
        draws = [np.asarray(d) for d in namespace[name]]
        assert not any(np.array_equal(draws[0], other) for other in draws[1:]), (name, draws)


def test_a_draw_in_a_lambda_outside_a_module_is_marked():
    result = translate_rules("import torch\n\nnoise = lambda: torch.randn(3)\n")
    assert MARKER in result.code and any("lambda" in d.message for d in result.diagnostics)


def test_a_function_drawing_from_a_generator_it_is_passed_gets_no_key():
    source = "import torch\n\ndef sample(n, g):\n    return torch.rand(n, generator=g)\n\nfor i in range(3):\n    x = sample(4, g)\n"
    code = translate_rules(source).code
    assert "key" not in code.split("def sample")[1].split(":")[0] and "sample(4, g)" in code


# a plain class's method (called by a DataLoader) and a nested function are called where no key is passed
PLAIN_CALLERS = """
import torch
from torch.utils.data import Dataset


class Noisy(Dataset):
    def __init__(self):
        self.base = torch.randn(8, 2)

    def __getitem__(self, i):
        return self.base[i] + 0.1 * torch.randn(2)


def make_augment(scale):
    def augment(x):
        return x + scale * torch.randn_like(x)

    return augment
"""


def test_draws_in_a_plain_class_method_or_a_nested_function_keep_a_fixed_key_marked():
    result = translate_rules(PLAIN_CALLERS)
    marked = [d.message for d in result.diagnostics if "not translated" in d.message]
    assert any("`Noisy.__getitem__`" in m for m in marked) and any("`augment`" in m for m in marked), marked
    assert not any("__init__" in m for m in marked), marked  # built once per dataset: one chain, as torch's


@pytest.mark.slow
def test_with_p_zero_and_a_batchnorm_the_train_mode_check_runs_through_the_threaded_key():
    source = (
        STOCHASTIC_DEPTH.replace(
            "self.fc = nn.Linear(dim, dim)\n", "self.fc = nn.Linear(dim, dim)\n        self.bn = nn.BatchNorm1d(dim)\n"
        )
        .replace("torch.relu(self.fc(x))", "torch.relu(self.bn(self.fc(x)))")
        .replace("return [8, 0.5]", "return [8, 0.0]")
    )
    assert source.count("self.bn") == 2 and "return [8, 0.0]" in source
    code = translate_rules(source).code
    assert "key=self.rngs.default()" in code and MARKER not in code
    v = verify_sources(source, code)
    assert v.ok and v.forward_ok and v.backward_ok, v.summary() + (v.error or "")
    train = next(c for c in v.checks if c.name == "forward_train")
    assert train.ok and not train.skipped and train.tensors, train
