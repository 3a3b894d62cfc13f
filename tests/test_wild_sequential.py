"""Sequential containers of real model files (benchmarks/wild/), end to end: translated by the rules, verified
numerically (forward and backward) with torch's weights ported under torch's names."""

from t2j.rules import translate_rules
from t2j.verify.api import verify_sources

MARKER = "# t2j: not translated"

# torchvision's RegNet AnyStage: an nn.Sequential subclass whose children are registered by add_module in a loop,
# under names that are no identifiers (`block1-0`); torch runs them in insertion order
SEQUENTIAL_BY_ADD_MODULE = """
import torch
import torch.nn as nn


class Stage(nn.Sequential):
    def __init__(self, width, depth, stage_index):
        super().__init__()
        for i in range(depth):
            block = nn.Linear(width, width)
            self.add_module(f"block{stage_index}-{i}", block)
        self.add_module("act", nn.Tanh())


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential()
        self.trunk.add_module("block1", Stage(4, 2, 1))
        self.trunk.add_module("block2", Stage(4, 1, 2))

    def forward(self, x):
        return self.trunk(x) * 2


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(3, 4)]
"""

# torchvision's ViT encoder and MaxViT block: an OrderedDict of layers filled in __init__, then nn.Sequential(it)
SEQUENTIAL_OF_A_FILLED_DICT = """
from collections import OrderedDict

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i in range(2):
            layers[f"encoder_layer_{i}"] = nn.Linear(4, 4)
        self.layers = nn.Sequential(layers)
        _layers = OrderedDict()
        _layers["pre_norm"] = nn.LayerNorm(4)
        _layers["conv_a"] = nn.Linear(4, 3)
        self.head = nn.Sequential(_layers)

    def forward(self, x):
        return self.head(self.layers(x) + self.layers.encoder_layer_0(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(3, 4)]
"""


def _verified(source: str) -> str:
    result = translate_rules(source)
    assert MARKER not in result.code, result.code
    v = verify_sources(source, result.code)
    assert v.ok and v.forward_ok and v.backward_ok, v.summary() + (v.error or "") + result.code
    return result.code


def test_sequential_subclass_filled_by_add_module_verifies():
    code = _verified(SEQUENTIAL_BY_ADD_MODULE)
    assert "class Stage(TorchNamedSequential)" in code, code


def test_sequential_of_an_ordered_dict_filled_in_init_verifies():
    code = _verified(SEQUENTIAL_OF_A_FILLED_DICT)
    assert "self.layers = TorchNamedSequential(layers)" in code, code
