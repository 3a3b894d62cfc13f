"""The LLM pipeline end to end: real local server, real `openai` client, real verifier, real fix store."""

from __future__ import annotations

import re

from support.fake_openai import FakeOpenAIServer, Reply
from support.llm import client_for, settings_for
from t2j.fixes.store import load_store
from t2j.llm import LLMClient
from t2j.repair import NO_LLM_NOTE, run_llm_translation, total_cost
from t2j.settings import Settings

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

# planted bug: jax.nn.gelu defaults to the tanh approximation (the fix store's rewrite does not match this call)
BUGGY = """import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, n, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(n, n, rngs=rngs)

    def __call__(self, x):
        return jax.nn.gelu(self.fc(x))
"""
FIXED = BUGGY.replace("jax.nn.gelu(self.fc(x))", "jax.nn.gelu(self.fc(x), approximate=False)")


def setup(server, tmp_path, **kw):
    settings = settings_for(server, api_key="k", cache_dir=str(tmp_path))
    return settings, client_for(server, settings=settings, **kw)


def test_planted_bug_repaired_in_round_two(tmp_path, monkeypatch):
    monkeypatch.setenv("T2J_FIX_STORE", str(tmp_path / "store"))
    with FakeOpenAIServer([Reply.code(BUGGY), Reply.code(FIXED)]) as server:
        settings, client = setup(server, tmp_path)
        result = run_llm_translation(TORCH, "openai", settings, client=client)
        prompts = server.user_prompts()
        # the same run again (over the same store: the mined entry would change the prompts): every answer
        # comes from the on-disk cache, no request is made
        monkeypatch.delenv("T2J_FIX_STORE")
        again = run_llm_translation(
            TORCH, "openai", settings, client=LLMClient(settings, backoff_s=0.01), mine_fixes=False
        )
        assert len(server.requests) == 2, [(r.kind, r.cached, r.summary) for r in again.rounds]
    assert again.verification.ok and all(r.cached for r in again.rounds) and again.tokens["requests"] == 0
    assert result.verification is not None and result.verification.ok, [r.summary for r in result.rounds]
    assert result.code == FIXED and result.backend == "openai"
    draft, repair = result.rounds
    assert (draft.kind, draft.verified, repair.kind, repair.verified) == ("llm-draft", False, "llm-repair", True)
    # the repair prompt holds the failing draft, the verifier's report of the error, and the right fix
    assert len(prompts) == 2 and "return jax.nn.gelu(self.fc(x))" in prompts[1]
    assert "forward_eval: FAILED" in prompts[1] and "output (4x8): max abs error" in prompts[1]
    assert "d/d fc.weight" in prompts[1]  # the gradient that is off
    assert "activation-gelu-exact" in repair.fix_ids and "approximate=False" in prompts[1]
    assert repair.prompt_tokens > draft.prompt_tokens > 0 and repair.augmentation_tokens > 0
    assert result.tokens["requests"] == 2 and result.tokens["total"] > 0
    assert total_cost(result) > 0
    # the repair that worked is recorded as an unreviewed `mined` fix candidate with the real error
    mined = load_store(tmp_path / "store" / "mined").entries
    assert [e.id for e in mined] == [repair.mined_fix]
    assert mined[0].provenance == "mined" and not mined[0].reviewed
    assert mined[0].error.kind == "mismatch" and mined[0].error.check == "forward_eval"
    assert mined[0].buggy_jax == BUGGY and mined[0].fixed_jax == FIXED and mined[0].category == "activation"


def test_mechanical_rewrite_repairs_without_an_llm_call(tmp_path):
    buggy = BUGGY.replace("return jax.nn.gelu(self.fc(x))", "h = self.fc(x)\n        return jax.nn.gelu(h)")
    with FakeOpenAIServer([Reply.code(buggy)]) as server:
        settings, client = setup(server, tmp_path)
        result = run_llm_translation(TORCH, "openai", settings, client=client, mine_fixes=False)
    assert result.verification.ok and "jax.nn.gelu(h, approximate=False)" in result.code
    assert [r.kind for r in result.rounds] == ["llm-draft", "rewrite"]
    assert result.rounds[1].fix_ids == ["activation-gelu-exact"] and result.rounds[1].prompt_tokens == 0
    assert len(server.requests) == 1


def test_no_code_block_then_repair_and_best_is_least_wrong(tmp_path):
    crash = BUGGY.replace("jax.nn.gelu(self.fc(x))", "jnp.random.normal(x)")
    replies = [Reply.text("Sorry, I am not sure."), Reply.code(BUGGY), Reply.code(crash)]
    with FakeOpenAIServer(replies) as server:
        settings, client = setup(server, tmp_path)
        result = run_llm_translation(TORCH, "openai", settings, client=client, max_repairs=2, mine_fixes=False)
        prompts = server.user_prompts()
    assert result.rounds[0].error and "no fenced code block" in result.rounds[0].error
    assert "the previous reply had no fenced code block" in prompts[1]
    # neither repair verified; the one with the numbers merely off beats the one that crashes
    assert not result.verification.ok and result.code == BUGGY
    assert len(result.rounds) == 3 and result.rounds[2].verification.failed_stage == "jax"


def test_hybrid_asks_only_for_what_rules_left(tmp_path):
    torch_src = TORCH.replace("F.gelu(self.fc(x))", "torch.special.i0e(self.fc(x))")
    answer = FIXED.replace("jax.nn.gelu(self.fc(x), approximate=False)", "jax.scipy.special.i0e(self.fc(x))")
    with FakeOpenAIServer([Reply.code(answer)]) as server:
        settings, client = setup(server, tmp_path)
        result = run_llm_translation(torch_src, "hybrid", settings, client=client, mine_fixes=False)
        prompt = server.user_prompts()[0]
    assert "# t2j: not translated: torch.special.i0e" in prompt  # the rules draft, with its mark
    assert re.search(r"- line \d+: torch\.special\.i0e", prompt.split("## PyTorch source")[0])  # a listed spot
    assert result.backend == "hybrid" and result.verification.ok and result.code == answer


def test_hybrid_spends_nothing_when_rules_verify(tmp_path):
    torch_src = TORCH.replace("F.gelu(self.fc(x))", "torch.tanh(self.fc(x))")
    with FakeOpenAIServer([]) as server:
        settings, client = setup(server, tmp_path)
        result = run_llm_translation(torch_src, "hybrid", settings, client=client, mine_fixes=False)
        assert server.requests == []
    assert result.verification.ok and [r.kind for r in result.rounds] == ["rules"]
    assert result.tokens["total"] == 0


def test_hybrid_keeps_the_rules_draft_when_the_server_fails(tmp_path):
    torch_src = TORCH.replace("F.gelu(self.fc(x))", "torch.special.i0e(self.fc(x))")
    with FakeOpenAIServer([Reply.error(500)] * 8) as server:
        settings, client = setup(server, tmp_path, max_retries=1)
        result = run_llm_translation(torch_src, "hybrid", settings, client=client, mine_fixes=False)
        assert len(server.requests) >= 2  # the draft request and its retry were really sent
    assert result.rounds[0].kind == "rules" and "LLM draft failed" in result.rounds[0].error
    assert "# t2j: not translated: torch.special.i0e" in result.code
    assert not result.verification.ok
    assert any("not translated" in d.message for d in result.diagnostics)


def test_no_llm_configured_falls_back_to_rules(tmp_path, caplog):
    """t2j.translate owns the fallback: an LLM backend without an LLM is the rules backend, with a note."""
    from t2j.backends import translate

    settings = Settings(base_url=None, api_key=None, model=None)
    result = translate(TORCH, backend="openai", settings=settings, verify=False)
    assert result.backend == "rules" and result.rounds[0].error == NO_LLM_NOTE
    assert "class Model(nnx.Module)" in result.code
    assert any(NO_LLM_NOTE in r.message for r in caplog.records)


def test_llm_pipeline_without_an_llm_says_what_to_configure():
    import pytest

    from t2j.llm.errors import LLMNotConfigured

    with pytest.raises(LLMNotConfigured, match="--model"):
        run_llm_translation(TORCH, "openai", Settings(base_url=None, api_key=None, model=None), verify=False)


def test_server_failure_mid_repair_keeps_the_draft(tmp_path):
    with FakeOpenAIServer([Reply.code(BUGGY)] + [Reply.error(500)] * 3) as server:
        settings, client = setup(server, tmp_path, max_retries=2)
        result = run_llm_translation(TORCH, "openai", settings, client=client, mine_fixes=False)
    assert result.code == BUGGY and not result.verification.ok
    assert "failed after 3 attempts" in result.rounds[-1].error
