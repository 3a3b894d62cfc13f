"""Initialisation code as model files write it (torchvision's `for m in self.modules()` dispatch, timm's
`self.apply(self._init_weights)`, `nn.init.trunc_normal_` on a parameter, `.data.normal_()`), translated end to
end: no marker is left, and a fresh JAX model starts from the distributions a fresh torch model does (the
verifier's init check, failing on any difference), where dropping the translated init code fails that check."""

from __future__ import annotations

import pytest

from t2j.settings import Settings

MODEL = """
import math

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, groups=2, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x))) + x


class Head(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.norm = nn.LayerNorm(c)
        self.fc = nn.Linear(c, n)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.weight, 0.5)

    def forward(self, x):
        return self.fc(self.norm(x))


class Model(nn.Module):
    def __init__(self, c=16, n=10):
        super().__init__()
        self.stem = nn.Conv2d(3, c, 5, stride=2, padding=2)
        self.blocks = nn.Sequential(Block(c), Block(c))
        self.embed = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.proj = nn.Linear(c, 64)
        self.head = Head(64, n)
        nn.init.trunc_normal_(self.embed, std=0.2)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.uniform_(m.bias, -0.1, 0.1)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        init_range = 1.0 / math.sqrt(self.proj.out_features)
        nn.init.xavier_uniform_(self.proj.weight, gain=init_range * 4)
        self.proj.bias.data.normal_(0.5, 0.01)

    def forward(self, x):
        x = self.blocks(self.stem(x) + self.embed)
        return self.head(self.proj(x.mean((2, 3))))


def get_init_inputs():
    return []


def get_inputs():
    return [torch.randn(2, 3, 16, 16)]
"""


def _translate():
    import t2j

    return t2j.translate(MODEL, verify=False)


def test_init_code_is_translated_without_markers():
    result = _translate()
    assert "t2j: not translated" not in result.code, result.code
    assert not result.diagnostics, result.diagnostics
    code = result.code
    assert "for _, m in reversed(list(nnx.iter_modules(self))):" in code
    assert "for _, m in nnx.iter_modules(self):" in code and "self._init_weights(m, rngs=rngs)" in code
    assert 'variance_scaling(2.0, "fan_out", "normal", in_axis=1, out_axis=0)' in code


@pytest.mark.slow
def test_fresh_models_start_from_torchs_distributions_and_dropping_the_init_code_is_caught():
    from t2j.verify.api import verify_sources

    code = _translate().code
    verification = verify_sources(MODEL, code, settings=Settings(init_check="fail"))
    init = verification.check("init")
    assert verification.ok, verification.summary()
    assert init is not None and init.ok
    checked = {t.name.split(" ")[0] for t in init.tensors if t.ok and not t.skipped}
    assert {"stem.weight", "stem.bias", "embed", "proj.weight", "proj.bias", "head.fc.weight"} <= checked

    # the same translation with its init code removed keeps the layers' default init: the check must see it
    kept = "\n".join(
        line.replace("torch_reinit(", "(lambda *a: None)(") if line.lstrip().startswith("torch_reinit(") else line
        for line in code.splitlines()
    )
    assert kept != code
    dropped = verify_sources(MODEL, kept, settings=Settings(init_check="fail"))
    failed = {t.name.split(" ")[0] for t in dropped.check("init").tensors if not t.ok}
    assert not dropped.ok and {"blocks.0.conv.weight", "embed", "proj.weight", "head.norm.weight"} <= failed, failed
