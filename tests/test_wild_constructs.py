"""Constructs of real model files (benchmarks/wild/), end to end: translated by the rules, verified numerically
(forward and backward) or, where they cannot run under jax.jit, marked."""

from t2j.rules import translate_rules
from t2j.verify.api import verify_sources

MARKER = "# t2j: not translated"

# torchvision's RegNet: a placeholder None that a layer replaces for some configurations
OPTIONAL_CHILD = """
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, width_in, width_out):
        super().__init__()
        self.proj = None
        if width_in != width_out:
            self.proj = nn.Linear(width_in, width_out, bias=False)
        self.f = nn.Linear(width_in, width_out)

    def forward(self, x):
        if self.proj is not None:
            return self.proj(x) + self.f(x)
        return x + self.f(x)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Block(4, 8)
        self.b = Block(8, 8)

    def forward(self, x):
        return self.b(self.a(x))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 4)]
"""

# torchvision's Swin V2: a subclass overrides a method that the base's __init__ calls to build a parameter
OVERRIDDEN_BUILDER = """
import torch
import torch.nn as nn


class Base(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.define_table()

    def define_table(self):
        self.table = nn.Parameter(torch.zeros(self.dim))

    def forward(self, x):
        return x + self.table


class Model(Base):
    def __init__(self):
        super().__init__(4)

    def define_table(self):
        self.table = nn.Parameter(torch.ones(self.dim))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 4)]
"""

# torchaudio's Conformer: a mask whose length is read out of the lengths tensor
DATA_DEPENDENT_LENGTH = """
import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x, lengths):
        max_length = int(torch.max(lengths).item())
        mask = torch.arange(max_length).expand(lengths.shape[0], max_length) >= lengths.unsqueeze(1)
        return x[:, :max_length] * mask


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 5), torch.tensor([3, 5])]
"""


def _verified(source: str) -> None:
    result = translate_rules(source)
    assert MARKER not in result.code, result.code
    v = verify_sources(source, result.code)
    assert v.ok and v.forward_ok and v.backward_ok, v.summary() + (v.error or "") + result.code


def test_placeholder_none_replaced_by_a_layer_verifies():
    _verified(OPTIONAL_CHILD)


def test_override_of_a_builder_method_takes_rngs_and_verifies():
    _verified(OVERRIDDEN_BUILDER)


def test_value_read_out_of_an_array_in_forward_is_marked_and_not_verified():
    result = translate_rules(DATA_DEPENDENT_LENGTH)
    marked = [line for line in result.code.splitlines() if MARKER in line]
    assert len(marked) == 1 and "`.item()`" in marked[0], result.code
    assert any("item" in d.message for d in result.diagnostics)
    v = verify_sources(DATA_DEPENDENT_LENGTH, result.code)
    assert not v.ok  # it cannot run under jax.jit: the marker says so before the verifier does


# torchvision's RegNet: an nn.Sequential subclass built from an OrderedDict of named children
SEQUENTIAL_FROM_DICT = """
from collections import OrderedDict

import torch
import torch.nn as nn


class Model(nn.Sequential):
    def __init__(self):
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        layers["a"] = nn.Linear(4, 8)
        layers["act"] = nn.ReLU()
        layers["c"] = nn.Linear(8, 2)
        super().__init__(layers)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 4)]
"""


def test_sequential_subclass_built_from_an_ordered_dict_verifies():
    _verified(SEQUENTIAL_FROM_DICT)


INPUTS_2x4 = """

def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 4)]
"""

# vit-pytorch's specialized-cls ViT: `is_tensor` imported from torch, called and (as a value) tested
IS_TENSOR = """
import torch
import torch.nn as nn
from torch import is_tensor


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        if is_tensor(x):
            x = x.split([1, 1], dim=0)
        out = tuple(self.fc(t) for t in x)
        if is_tensor:
            out = torch.cat(out, dim=0)
        return out
"""


def test_is_tensor_called_and_as_a_value_verifies():
    _verified(IS_TENSOR + INPUTS_2x4)


# vit-pytorch's simple ViT with FFT: the image's 2-D spectrum as real channels
FFT_FEATURES = """
import torch
import torch.nn as nn
from torch.fft import fft2


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        freqs = torch.view_as_real(fft2(x))
        freqs = freqs.flatten(2)
        return self.fc(freqs)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 2, 2)]
"""


def test_fft2_and_view_as_real_verify_forward_and_backward():
    _verified(FFT_FEATURES)


# torchvision's DenseNet (memory_efficient=True): a checkpointed closure over the layer's own method
CHECKPOINTED_CLOSURE = """
import torch
import torch.nn as nn
import torch.utils.checkpoint as cp


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def bottleneck(self, inputs):
        return torch.tanh(self.fc(torch.cat(inputs, 1)))

    def forward(self, x):
        def closure(*inputs):
            return self.bottleneck(inputs)

        return cp.checkpoint(closure, *[x, x * 2], use_reentrant=False)
"""


def test_activation_checkpoint_of_a_closure_verifies():
    _verified(CHECKPOINTED_CLOSURE + INPUTS_2x4)


# torchaudio's WaveRNN.infer: a sample drawn from the softmax posterior (not forward: checked by its distribution)
SAMPLER = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        return self.fc(x)

    def infer(self, x, n, replacement):
        posterior = F.softmax(self(x), dim=1)
        return torch.multinomial(posterior, n, replacement=replacement), torch.multinomial(posterior, 1).float()
"""


def test_multinomial_draws_follow_torch_distribution():
    import jax.numpy as jnp
    import numpy as np
    from flax import nnx

    result = translate_rules(SAMPLER)
    assert MARKER not in result.code, result.code
    space: dict = {}
    exec(compile(result.code, "<jax>", "exec"), space)
    model = space["Model"](rngs=nnx.Rngs(0))
    x = jnp.asarray(np.random.default_rng(0).normal(size=(2, 4)), jnp.float32)
    probs = np.asarray(jnp.exp(jnp.asarray(model(x)) - jnp.log(jnp.exp(model(x)).sum(1, keepdims=True))))
    draws, one = model.infer(x, 4000, True)
    assert draws.shape == (2, 4000) and one.shape == (2, 1) and one.dtype == jnp.float32
    freq = np.stack([np.bincount(np.asarray(row), minlength=5) / 4000 for row in draws])
    assert np.abs(freq - probs).max() < 5 * np.sqrt(0.25 / 4000), (freq, probs)
    without, _ = model.infer(x, 5, False)  # without replacement: each row a permutation of the 5 classes
    assert sorted(np.asarray(without[0]).tolist()) == list(range(5)) and without.shape == (2, 5)
    again, _ = model.infer(x, 4000, True)
    assert (np.asarray(again) != np.asarray(draws)).any()  # a fresh key per call, as torch draws anew


# torchvision's video ResNet: conv layers as subclasses (Conv3DSimple(nn.Conv3d) calling super().__init__ by keyword)
CONV_SUBCLASS = """
import torch
import torch.nn as nn


class Conv3DNoTemporal(nn.Conv3d):
    def __init__(self, in_planes, out_planes, stride=1, padding=1):
        super().__init__(
            in_channels=in_planes,
            out_channels=out_planes,
            kernel_size=(1, 3, 3),
            stride=(1, stride, stride),
            padding=(0, padding, padding),
            bias=False,
        )

    @staticmethod
    def get_downsample_stride(stride):
        return 1, stride, stride


class Scaled(nn.Conv1d):
    def forward(self, x):
        return super().forward(x) * self.out_channels / self.kernel_size[0]


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Conv3DNoTemporal(2, 3, stride=2)
        self.b = Scaled(3, 4, 3)

    def forward(self, x):
        y = self.a(x)
        return self.b(y.flatten(2))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 2, 2, 6, 6)]
"""


def test_conv_layer_subclasses_verify():
    _verified(CONV_SUBCLASS)


# torchvision's DenseNet: an nn.ModuleDict subclass filled by add_module, run over self.items() in forward (its other
# attributes are not children); an nn.ModuleList subclass
MODULE_DICT_SUBCLASS = """
import torch
import torch.nn as nn


class DenseBlock(nn.ModuleDict):
    _version = 2

    def __init__(self, num_layers, width):
        super().__init__()
        self.width = width
        for i in range(num_layers):
            self.add_module("denselayer%d" % (i + 1), nn.Linear(width * (i + 1), width))

    def forward(self, x):
        features = [x]
        for name, layer in self.items():
            features.append(torch.tanh(layer(torch.cat(features, 1))))
        return torch.cat(features, 1) * len(self)


class Stack(nn.ModuleList):
    def __init__(self, width):
        super().__init__([nn.Linear(width, width) for _ in range(2)])

    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = DenseBlock(3, 4)
        self.stack = Stack(16)

    def forward(self, x):
        return self.stack(self.block(x))
"""


def test_module_dict_and_module_list_subclasses_verify():
    _verified(MODULE_DICT_SUBCLASS + INPUTS_2x4)


# vit-pytorch's PiT: patches cut by nn.Unfold (overlapping, torch's C * kh * kw feature order) inside a Sequential
UNFOLD_PATCHES = """
import torch
import torch.nn as nn
import torch.nn.functional as F
from einops.layers.torch import Rearrange


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.to_patch_embedding = nn.Sequential(
            nn.Unfold(kernel_size=4, stride=4 // 2),
            Rearrange("b c n -> b n c"),
            nn.Linear(3 * 4**2, 8),
        )

    def forward(self, x):
        cols = F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2)
        return self.to_patch_embedding(x).sum(1) + cols.mean(2)[:, :8]


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 8, 8)]
"""


def test_unfold_patches_verify():
    _verified(UNFOLD_PATCHES)


# layer subclasses beyond conv: a transposed conv, an LSTM whose forward keeps only the output, an InstanceNorm
MORE_LAYER_SUBCLASSES = """
import torch
import torch.nn as nn


class Up(nn.ConvTranspose2d):
    def __init__(self, c):
        super().__init__(c, c, 2, stride=2, bias=False)


class Encoder(nn.LSTM):
    def forward(self, x):
        out, _ = super().forward(x)
        return out


class Norm(nn.InstanceNorm2d):
    def __init__(self, c):
        super().__init__(c, affine=True)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = Up(3)
        self.norm = Norm(3)
        self.rnn = Encoder(input_size=32, hidden_size=4, batch_first=True)

    def forward(self, x):
        y = self.norm(self.up(x))
        return self.rnn(y.flatten(2))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 2, 4)]
"""


def test_transposed_conv_lstm_and_instance_norm_subclasses_verify():
    _verified(MORE_LAYER_SUBCLASSES)
