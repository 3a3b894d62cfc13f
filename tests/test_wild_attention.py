"""torchvision's Swin V2 attention, end to end: a buffer registered by the base class and read by the
subclass (as an index, in a free function), a logit_scale Param passed to a free function, and a cloned bias
whose slice is zeroed in place (a new array in JAX, never a write into the module's Param)."""

import numpy as np
import pytest
from flax import nnx

from t2j.rules import translate_rules
from t2j.verify.api import verify_sources

MARKER = "# t2j: not translated"

SWIN_V2_ATTENTION = """
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gather_bias(table, index, n):
    return table[index].view(n, n, -1).permute(2, 0, 1)


def attend(x, qkv_weight, bias, num_heads, qkv_bias=None, logit_scale=None):
    B, N, C = x.shape
    if logit_scale is not None and qkv_bias is not None:
        qkv_bias = qkv_bias.clone()
        length = qkv_bias.numel() // 3
        qkv_bias[length : 2 * length].zero_()
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(B, N, 3, num_heads, C // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
    logit_scale = torch.clamp(logit_scale, max=math.log(100.0)).exp()
    attn = attn * logit_scale + bias
    return (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(B, N, C)


class WindowAttention(nn.Module):
    def __init__(self, dim, num_heads, n):
        super().__init__()
        self.num_heads = num_heads
        self.n = n
        self.qkv = nn.Linear(dim, dim * 3)
        self.table = nn.Parameter(torch.randn(2 * n - 1, num_heads))
        coords = torch.arange(n)
        self.register_buffer("index", (coords[:, None] - coords[None, :] + n - 1).flatten())


class WindowAttentionV2(WindowAttention):
    def __init__(self, dim, num_heads, n):
        super().__init__(dim, num_heads, n)
        self.logit_scale = nn.Parameter(torch.log(10 * torch.ones((num_heads, 1, 1))))

    def forward(self, x):
        bias = gather_bias(self.table, self.index, self.n)
        return attend(x, self.qkv.weight, bias, self.num_heads, qkv_bias=self.qkv.bias, logit_scale=self.logit_scale)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn = WindowAttentionV2(8, 2, 5)

    def forward(self, x):
        return self.attn(x)


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 5, 8)]
"""


@pytest.mark.slow  # ~20 s: a verifier run and an in-process jit + grad
def test_swin_v2_attention_verifies_and_leaves_the_bias_param_unwritten():
    result = translate_rules(SWIN_V2_ATTENTION)
    assert MARKER not in result.code, result.code
    assert "self.index[...]" in result.code  # the base class's buffer, read by the subclass
    assert "qkv_bias = qkv_bias.at[length : 2 * length].set(" in result.code
    v = verify_sources(SWIN_V2_ATTENTION, result.code)
    assert v.ok and v.forward_ok and v.backward_ok, v.summary() + (v.error or "") + result.code

    namespace: dict = {}
    exec(compile(result.code, "<translation>", "exec"), namespace)
    model = namespace["Model"](rngs=nnx.Rngs(0))
    bias = np.array(model.attn.qkv.bias[...])
    assert np.abs(bias[8:16]).min() > 0  # torch's default init: the zeroed slice is not zero to begin with
    inputs = namespace["get_inputs"]()
    nnx.jit(lambda m, x: m(x))(model, *inputs)
    np.testing.assert_array_equal(np.array(model.attn.qkv.bias[...]), bias)
    grads = nnx.grad(lambda m, x: (m(x) ** 2).sum())(model, *inputs)
    assert np.abs(np.array(grads.attn.logit_scale[...])).min() > 0  # the gradient reaches the Param
    bias_grad = np.array(grads.attn.qkv.bias[...])
    assert not bias_grad[8:16].any() and bias_grad[16:].any()  # torch's too: the zeroed key bias gets none
