"""Offline token counting, prompt templates and the prompt builders."""

from __future__ import annotations

import gzip
import hashlib
import socket
from pathlib import Path

import pytest

from t2j.fixes.entry import FixEntry
from t2j.prompts import build_judge_prompt, build_repair_prompt, build_translate_prompt, open_spots
from t2j.prompts import tokens as tok
from t2j.prompts.templates import TEMPLATES, load_template, placeholders
from t2j.verify.report import Check, TensorCheck, Verification

TORCH = """import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, n)

    def forward(self, x):
        return F.gelu(self.fc(x))


def get_init_inputs():
    return [8]


def get_inputs():
    return [torch.randn(4, 8)]
"""


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """No socket can connect, and tiktoken's cache is an empty folder."""

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    tok.get_encoding.cache_clear()
    yield
    tok.get_encoding.cache_clear()


def test_token_counts_offline_match_known_values(no_network):
    # token ids published for these encodings ("hello world" -> [15339, 1917] in cl100k_base)
    assert tok.get_encoding("cl100k_base").encode("hello world") == [15339, 1917]
    assert tok.get_encoding("o200k_base").encode("hello world") == [24912, 2375]
    assert tok.count_tokens("tiktoken is great!", encoding="cl100k_base") == 6
    assert tok.count_tokens("hello world", model="gpt-4o") == 2
    assert tok.count_tokens("hello world", model="gpt-4") == 2
    assert tok.count_tokens("hello world", model="some-local-llama") == 2  # o200k estimate
    assert tok.count_tokens("<|endoftext|>") > 1  # special-token text counted as plain text, no error
    assert tok.count_tokens("") == 0


def test_tiktoken_used_when_its_cache_holds_the_file(monkeypatch, tmp_path):
    """With the BPE file in tiktoken's cache, tiktoken itself is used (offline) and agrees with bpe-openai."""
    import bpe_openai
    import tiktoken

    data = gzip.open(Path(bpe_openai.__file__).parent / "data" / "cl100k_base.tiktoken.gz").read()
    url = tok._TIKTOKEN_URLS["cl100k_base"]
    (tmp_path / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: (_ for _ in ()).throw(OSError("no network")))
    tok.get_encoding.cache_clear()
    try:
        assert tok.tiktoken_cached("cl100k_base")
        enc = tok.get_encoding("cl100k_base")
        assert isinstance(enc, tiktoken.Encoding)
        text = Path(__file__).read_text()
        assert enc.encode(text, disallowed_special=()) == bpe_openai.get_encoding("cl100k_base").encode(
            text, disallowed_special=()
        )
    finally:
        tok.get_encoding.cache_clear()


def test_truncate_to_tokens():
    text = "one two three four five six seven"
    cut = tok.truncate_to_tokens(text, 3)
    assert text.startswith(cut) and tok.count_tokens(cut) == 3


def test_every_template_exists_with_its_placeholders():
    for name, expected in TEMPLATES.items():
        assert placeholders(load_template(name)) == set(expected), name


def _gelu_entry(**extra) -> FixEntry:
    buggy = (
        "import jax\nfrom flax import nnx\n\n\nclass Model(nnx.Module):\n    def __init__(self, *, rngs):\n"
        "        pass\n\n    def __call__(self, x):\n        return jax.nn.gelu(x)\n"
    )
    return FixEntry(
        id=extra.pop("id", "gelu-exact"),
        title="jax.nn.gelu is the tanh approximation by default",
        category="activation",
        why="torch's gelu is exact (erf); jax.nn.gelu defaults to approximate=True.",
        torch=TORCH,
        buggy_jax=buggy,
        fixed_jax=buggy.replace("gelu(x)", "gelu(x, approximate=False)"),
        error={"kind": "mismatch", "check": "forward_eval", "note": "max abs 5e-4"},
        tags=["F.gelu"],
        **extra,
    )


def test_translate_prompt_states_contract_and_carries_fixes():
    entry = _gelu_entry()
    prompt = build_translate_prompt(TORCH, [entry], budget_tokens=2000, model="gpt-4o-mini")
    user = prompt.messages[-1].content
    assert prompt.messages[0].role == "system"
    assert "class Model(nnx.Module)" in user and "rngs: nnx.Rngs" in user  # module convention
    assert "import only jax" in user and "Never import" in user  # self-contained imports
    assert "exactly one fenced code block" in user
    assert "Mistake:" in user and "Why:" in user and "Fix:" in user
    assert "jax.nn.gelu(x, approximate=False)" in user and "return F.gelu(self.fc(x))" in user
    assert prompt.fix_ids == ["gelu-exact"] and prompt.kind == "translate"
    assert prompt.tokens == tok.count_message_tokens(prompt.as_openai(), "gpt-4o-mini")
    assert 0 < prompt.augmentation_tokens < prompt.tokens


def test_fixes_respect_the_token_budget():
    entries = [_gelu_entry(id=f"gelu-{i}") for i in range(20)]
    prompt = build_translate_prompt(TORCH, entries, budget_tokens=400)
    assert 0 < len(prompt.fix_ids) < 20
    assert prompt.augmentation_tokens <= 400
    assert set(prompt.fix_ids) | set(prompt.dropped_fix_ids) == {e.id for e in entries}
    none = build_translate_prompt(TORCH, entries, budget_tokens=0)
    assert none.fix_ids == [] and "Known mistakes" not in none.messages[-1].content


def test_hybrid_prompt_lists_the_untranslated_spots():
    draft = "import jax\nclass Model:\n    y = foo(x)  # t2j: not translated: torch.stft\n"
    assert open_spots(draft) == ["line 3: torch.stft"]
    prompt = build_translate_prompt(TORCH, [], draft=draft)
    assert prompt.kind == "hybrid"
    assert "line 3: torch.stft" in prompt.messages[-1].content and draft.strip() in prompt.messages[-1].content


def test_repair_prompt_carries_draft_report_and_fixes():
    verification = Verification(
        ok=False,
        checks=[
            Check(
                name="forward_eval",
                ok=False,
                tensors=[
                    TensorCheck(
                        name="output", shape=[4, 8], max_abs_err=1.9e-4, max_rel_err=1e-3, limit=2.3e-5, ok=False
                    )
                ],
            ),
            Check(name="backward", ok=True),
        ],
    )
    draft = "import jax\n\ndef f(x):\n    return jax.nn.gelu(x)\n"
    prompt = build_repair_prompt(TORCH, draft, verification, [_gelu_entry()], budget=2000, attempt=2)
    user = prompt.messages[-1].content
    assert draft.strip() in user and "attempt 2" in user
    assert (
        "forward_eval: FAILED" in user
        and "output (4x8): max abs error 0.00019, max rel error 0.001, allowed 2.3e-05" in user
    )
    assert "backward: ok" in user and prompt.fix_ids == ["gelu-exact"]
    crashed = Verification(
        ok=False,
        failed_stage="jax",
        error="Traceback ...\nAttributeError: module 'jax.numpy' has no attribute 'random'",
    )
    user = build_repair_prompt(TORCH, draft, crashed, []).messages[-1].content
    assert "Running the JAX translation failed" in user and "has no attribute 'random'" in user


def test_judge_prompts_render():
    p = build_judge_prompt("codetrans_ref", torch_code=TORCH, jax_code="x = 1", reference="y = 2")
    assert '"score"' in p.messages[-1].content and "y = 2" in p.messages[-1].content
    p = build_judge_prompt("comparison", torch_code=TORCH, jax_a="a = 1", jax_b="b = 2")
    assert '"better"' in p.messages[-1].content
    with pytest.raises(ValueError, match="missing values"):
        build_judge_prompt("fixcost", torch_code=TORCH)
