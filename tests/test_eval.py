"""`t2j eval`: execution metrics, CodeBLEU, resume, outputs; the judge's structured replies (scripted chat)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from t2j.cli import main
from t2j.eval.codebleu_metric import codebleu_score
from t2j.eval.judge import ChatResult, Judge, extract_json
from t2j.eval.results import EvalRecord
from t2j.eval.stats import pearson

TINY = Path(__file__).parent / "data" / "eval_bench_tiny"


@pytest.fixture(autouse=True)
def no_llm_env(monkeypatch):
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "T2J_MODEL"):
        monkeypatch.delenv(name, raising=False)


def read_records(out: Path) -> list[dict]:
    lines = (out / "results.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def assert_png(path: Path) -> None:
    import matplotlib.image as mpimg

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = mpimg.imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100


# --------------------------------------------------------------------------------------------- pure pieces


def test_codebleu_is_offline_and_orders_similarity(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("codebleu tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    reference = (TINY / "01_linear_relu" / "jax_ref.py").read_text()
    same = codebleu_score(reference, reference)
    renamed = codebleu_score(reference.replace("fc", "dense").replace("relu", "gelu"), reference)
    unrelated = codebleu_score("import numpy as np\nprint(np.zeros(3))\n", reference)
    assert same.codebleu == pytest.approx(1.0)
    assert unrelated.codebleu < renamed.codebleu < same.codebleu
    assert 0.0 <= unrelated.syntax_match <= 1.0


def test_pearson_point_biserial_and_undefined_cases():
    r, n = pearson([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])
    assert n == 4 and r == pytest.approx(0.9899, abs=1e-3)
    r, n = pearson([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])
    assert r < -0.98
    assert pearson([0.5, 0.6, 0.7], [1, 1, 1]) == (None, 3)  # constant verdict: undefined
    assert pearson([0.5, None, 0.7], [1, 0, 0]) == (None, 2)  # too few pairs
    r, n = pearson([1.0, None, 0.0, 0.5], [1, 0, 0, 1])
    assert n == 3 and r is not None


def test_extract_json_accepts_fences_and_surrounding_text():
    assert extract_json('{"score": 3}') == {"score": 3}
    assert extract_json('Sure.\n```json\n{"score": 2, "reason": "x"}\n```\n') == {"score": 2, "reason": "x"}
    assert extract_json('My verdict: {"better": "A"} done') == {"better": "A"}
    thinking = 'Hmm, {x} is used as a set {1, 2}. Final answer: {"score": 1, "reason": "wrong axis"}'
    assert extract_json(thinking) == {"score": 1, "reason": "wrong axis"}
    nested = 'Consider {a}. Answer: {"better": "B", "detail": {"axis": 0}}'
    assert extract_json(nested) == {"better": "B", "detail": {"axis": 0}}
    with pytest.raises(ValueError):
        extract_json("no json here")


def scripted(replies: list[str], seen: list | None = None):
    queue = list(replies)

    def chat(messages):
        if seen is not None:
            seen.append(messages)
        return ChatResult(text=queue.pop(0), tokens=7, cost=0.001)

    return chat


def test_judge_retries_a_malformed_reply_once_then_records_invalid():
    seen: list = []
    judge = Judge(scripted(["I think it is fine", '{"score": 3, "reason": "minor issue"}'], seen))
    outcome = judge.codetrans("import torch", "import jax")
    assert outcome.status == "ok" and outcome.value == 3.0 and outcome.attempts == 2
    assert outcome.tokens == 14 and outcome.cost == pytest.approx(0.002)
    # the retry shows the judge its own reply and what was wrong with it
    assert seen[1][-2] == {"role": "assistant", "content": "I think it is fine"}
    assert "not valid" in seen[1][-1]["content"] and "score" in seen[1][-1]["content"]

    judge = Judge(scripted(['{"score": 7}', "still not json"]))
    outcome = judge.fixcost("import torch", "import jax")
    assert outcome.status == "invalid" and outcome.value is None and outcome.attempts == 2
    assert outcome.raw == "still not json" and "malformed" in outcome.reason


def test_judge_failure_to_reach_the_llm_is_recorded_not_raised():
    def broken(messages):
        raise ConnectionError("server down")

    outcome = Judge(broken).codetrans("import torch", "import jax", reference="import jax")
    assert outcome.status == "error" and "server down" in outcome.reason and outcome.value is None


def test_comparison_maps_the_judges_letter_back_to_the_candidate():
    from t2j.eval.judge import candidate_first

    keys = [f"p{i}|rules|reference" for i in range(16)]
    assert {candidate_first(k) for k in keys} == {True, False}  # both orders occur
    for key in keys:
        seen: list = []
        winner = "A" if candidate_first(key) else "B"
        outcome = Judge(scripted([json.dumps({"better": winner})], seen)).comparison(
            "import torch", "CANDIDATE = 1", "OPPONENT = 1", key=key
        )
        assert outcome.value == 1.0
        prompt = seen[0][-1]["content"]
        first = prompt.index("CANDIDATE") < prompt.index("OPPONENT")
        assert first == candidate_first(key)
    tie = Judge(scripted(['{"better": "tie"}'])).comparison("t", "a", "b", key="k")
    assert tie.value == 0.0


# --------------------------------------------------------------------------------------------- end to end


def planted_bench(tmp_path: Path) -> Path:
    """The tiny bench plus a problem whose jax_ref.py is wrong (softmax over the wrong axis)."""
    bench = tmp_path / "bench"
    shutil.copytree(TINY, bench)
    bad = bench / "04_softmax_wrong_axis"
    bad.mkdir()
    shutil.copy(TINY / "02_softmax_scale" / "torch.py", bad / "torch.py")
    ref = (TINY / "02_softmax_scale" / "jax_ref.py").read_text()
    (bad / "jax_ref.py").write_text(ref.replace("axis=-1", "axis=0"))
    return bench


def test_eval_reference_config_records_execution_metrics_and_resumes(tmp_path):
    bench = planted_bench(tmp_path)
    out = tmp_path / "out"
    assert main(["eval", str(bench), "--out", str(out), "--configs", "reference,llm"]) == 0

    records = {r["problem"]: r for r in read_records(out)}
    # 03 has no jax_ref.py: the reference configuration skips it; `llm` is skipped without an LLM
    assert set(records) == {"01_linear_relu", "02_softmax_scale", "04_softmax_wrong_axis"}
    for r in records.values():
        EvalRecord.model_validate(r)
        assert r["config"] == "reference"
        for key in (
            "problem",
            "config",
            "verified",
            "forward_ok",
            "backward_ok",
            "codebleu",
            "speed_ratio",
            "rounds",
            "tokens",
            "cost",
            "error",
        ):
            assert key in r
        for metric in ("codetrans_ref", "codetrans_noref", "fixcost", "comparison"):
            assert r[metric] is None
            assert r["judge"][metric]["status"] == "unavailable"
    good, bad = records["02_softmax_scale"], records["04_softmax_wrong_axis"]
    assert good["verified"] and good["forward_ok"] and good["backward_ok"] and good["codebleu"] == pytest.approx(1.0)
    assert good["speed_ratio"] > 0
    assert not bad["verified"] and not bad["forward_ok"] and bad["failed_stage"] is None
    assert bad["failure"].startswith("forward_eval: ") and "max abs err" in bad["failure"]
    assert good["failure"] is None
    assert bad["codebleu"] == pytest.approx(1.0)  # compared with itself: CodeBLEU cannot see the bug

    summary = (out / "summary.md").read_text()
    assert "| reference | 3 | 67% |" in summary
    assert "configuration 'llm' skipped: it needs an LLM" in summary
    assert "judge metrics unavailable" in summary
    assert "04_softmax_wrong_axis" in summary.split("## Failures")[1]
    assert_png(out / "pass_rates.png")
    assert_png(out / "speed_ratios.png")
    assert_png(out / "metrics_vs_verdict.png")
    assert (out / records["01_linear_relu"]["code_path"]).read_text().startswith("import jax")

    # resume: nothing runs again; a pair whose line was lost (killed mid-write) runs again
    before = (out / "results.jsonl").read_text()
    assert main(["eval", str(bench), "--out", str(out), "--configs", "reference"]) == 0
    assert (out / "results.jsonl").read_text() == before
    lines = before.splitlines()
    kept = [line for line in lines if '"01_linear_relu"' not in line]
    (out / "results.jsonl").write_text("\n".join(kept) + '\n{"problem": "01_linear_relu", "conf')
    assert main(["eval", str(bench), "--out", str(out), "--configs", "reference"]) == 0
    problems = [
        json.loads(line)["problem"]
        for line in (out / "results.jsonl").read_text().splitlines()
        if line.startswith('{"problem"') and line.endswith("}")
    ]
    assert sorted(problems) == ["01_linear_relu", "02_softmax_scale", "04_softmax_wrong_axis"]


def test_eval_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["eval", str(tmp_path / "missing"), "--out", str(out)]) == 2
    assert main(["eval", str(TINY), "--out", str(out), "--configs", "rules,nonsense"]) == 2
    assert main(["eval", str(TINY), "--out", str(out), "--problems", "99_nope"]) == 2
    err = capsys.readouterr().err
    assert "t2j: error: unknown configuration(s) nonsense" in err
    assert "99_nope" in err
    assert not out.exists()


# --------------------------------------------------------------------------------------------- judge over HTTP


def test_eval_judges_through_a_local_openai_server_with_a_malformed_reply(tmp_path, monkeypatch):
    from support.fake_openai import FakeOpenAIServer, Reply

    monkeypatch.setenv("T2J_CACHE_DIR", str(tmp_path / "cache"))
    bench = planted_bench(tmp_path)
    calls = {"fixcost_02": 0, "noref_01": 0}

    def responder(request):
        prompt = request["messages"][-1]["content"]
        whole = "\n".join(m["content"] for m in request["messages"])
        problem = "04" if "axis=0" in whole else "02" if "softmax" in whole else "01"
        if "lines_to_change" in whole:  # FixCost: problem 02 gets two malformed replies -> invalid
            if problem == "02":
                calls["fixcost_02"] += 1
                return Reply.text("The translation looks fine to me.")
            return Reply.text(json.dumps({"score": 3 if problem == "04" else 0, "lines_to_change": 1}))
        with_ref = "Reference JAX translation" in whole
        if problem == "01" and not with_ref and len(request["messages"]) == 2:
            calls["noref_01"] += 1  # first attempt malformed (score out of range), the retry is fine
            return Reply.text('{"score": 11, "reason": "too generous"}')
        assert "not valid" not in prompt or problem == "01"
        score = 1 if problem == "04" else 4
        return Reply.text(f'```json\n{{"score": {score}, "reason": "{"ref" if with_ref else "noref"}"}}\n```')

    with FakeOpenAIServer(responder=responder) as server:
        code = main(
            [
                "eval",
                str(bench),
                "--out",
                str(tmp_path / "out"),
                "--configs",
                "reference",
                "--base-url",
                server.base_url,
                "--model",
                "judge-fake",
                "--api-key",
                "k",
            ]
        )
        assert code == 0
        requests = list(server.requests)

    records = {r["problem"]: r for r in read_records(tmp_path / "out")}
    assert all(r["model"] == "judge-fake" for r in requests)
    one, two, four = records["01_linear_relu"], records["02_softmax_scale"], records["04_softmax_wrong_axis"]
    assert one["codetrans_noref"] == 4.0 and one["judge"]["codetrans_noref"]["attempts"] == 2
    assert one["codetrans_ref"] == 4.0 and one["judge"]["codetrans_ref"]["reason"] == "ref"
    assert two["fixcost"] is None and two["judge"]["fixcost"]["status"] == "invalid"
    assert calls["fixcost_02"] == 2  # retried once, then recorded as invalid
    assert two["codetrans_noref"] == 4.0 and two["codetrans_ref"] == 4.0
    assert four["codetrans_noref"] == 1.0 and four["fixcost"] == 3.0 and not four["verified"]
    for r in records.values():
        assert r["judge_tokens"] > 0
        assert r["comparison"] is None and r["judge"]["comparison"]["status"] == "unavailable"
    summary = (tmp_path / "out" / "summary.md").read_text()
    row = next(line for line in summary.splitlines() if line.startswith("| CodeTrans (no ref) |"))
    assert "1.00 (n=3)" in row  # scores 4, 4, 1 against verdicts 1, 1, 0: perfectly correlated
    assert "--api-key '***'" in summary and " k " not in summary


def test_eval_llm_ablations_through_the_local_server(tmp_path, monkeypatch):
    """`llm` (no fixes) and `llm+fixes` on one problem: a buggy draft repaired in a later round; the `llm`
    prompts carry no fix entries, the `llm+fixes` draft prompt does; tokens and rounds are counted; the
    pairwise judge compares `llm+fixes` against `llm`."""
    from support.fake_openai import FakeOpenAIServer, Reply

    monkeypatch.setenv("T2J_CACHE_DIR", str(tmp_path / "cache"))
    bench = tmp_path / "bench"
    shutil.copytree(TINY / "02_softmax_scale", bench / "02_softmax_scale")
    good = (TINY / "02_softmax_scale" / "jax_ref.py").read_text()
    buggy = good.replace("axis=-1", "axis=0")
    translate_prompts: list[str] = []

    def responder(request):
        system = request["messages"][0]["content"]
        user = request["messages"][-1]["content"]
        if "strict reviewer" in system:  # the judge
            if "Translation A" in user:
                return Reply.text('{"better": "A", "reason": "same"}')
            if "lines_to_change" in user:
                return Reply.text('{"score": 0, "lines_to_change": 0}')
            return Reply.text('{"score": 4}')
        translate_prompts.append(user)
        if "does not match" in user:  # a repair prompt
            return Reply.code(good)
        return Reply.code(buggy)

    out = tmp_path / "out"
    with FakeOpenAIServer(responder=responder) as server:
        code = main(
            [
                "eval",
                str(bench),
                "--out",
                str(out),
                "--configs",
                "llm,llm+fixes,hybrid",
                "--compare-to",
                "llm",
                "--base-url",
                server.base_url,
                "--model",
                "fake-model",
                "--api-key",
                "k",
            ]
        )
    assert code == 0
    records = {r["config"]: r for r in read_records(out)}
    assert set(records) == {"llm", "llm+fixes", "hybrid"}
    # hybrid: the rules backend translates this problem completely, so no LLM call is made
    assert records["hybrid"]["verified"] and records["hybrid"]["tokens"] == 0 and records["hybrid"]["rounds"] == 0
    plain, fixed = records["llm"], records["llm+fixes"]
    assert plain["verified"] and plain["rounds"] == 1 and plain["tokens"] > 0
    assert fixed["verified"] and fixed["rounds"] >= 1
    drafts = [p for p in translate_prompts if "does not match" not in p]
    assert len(drafts) == 2
    assert "Known mistakes" not in drafts[0]  # llm runs first (the comparison opponent): no fixes
    assert "Known mistakes" in drafts[1] and "softmax" in drafts[1]
    assert plain["judge"]["comparison"]["status"] == "unavailable"  # its own opponent
    assert fixed["comparison_opponent"] == "llm" and fixed["comparison"] in (1.0, -1.0)
    assert fixed["codetrans_ref"] == 4.0 and fixed["fixcost"] == 0.0
    summary = (out / "summary.md").read_text()
    assert "| llm | 1 | 100% |" in summary and "| llm+fixes | 1 | 100% |" in summary


def test_eval_rules_config_without_llm(tmp_path):
    out = tmp_path / "out"
    assert (
        main(
            [
                "eval",
                str(TINY),
                "--out",
                str(out),
                "--configs",
                "rules",
                "--problems",
                "01_linear_relu,03_mlp_layernorm",
            ]
        )
        == 0
    )
    records = {r["problem"]: r for r in read_records(out)}
    assert set(records) == {"01_linear_relu", "03_mlp_layernorm"}
    with_ref, without_ref = records["01_linear_relu"], records["03_mlp_layernorm"]
    for r in (with_ref, without_ref):
        assert r["config"] == "rules" and r["backend"] == "rules"
        assert r["verified"] == (r["forward_ok"] and r["backward_ok"])
        assert r["rounds"] == 0 and r["tokens"] == 0 and r["cost"] is None
        assert r["translate_s"] is not None and r["translate_s"] >= 0
        code = (out / r["code_path"]).read_text()
        assert "from flax import nnx" in code and "import torch" not in code
    assert 0.0 < with_ref["codebleu"] < 1.0 and set(with_ref["codebleu_parts"]) == {
        "ngram_match",
        "weighted_ngram_match",
        "syntax_match",
        "dataflow_match",
    }
    assert without_ref["codebleu"] is None  # no jax_ref.py
    assert with_ref["verified"]  # nn.Linear + relu is within the rules backend


def test_rejudge_fills_judge_metrics_of_an_offline_run(tmp_path, monkeypatch):
    from support.fake_openai import FakeOpenAIServer, Reply

    monkeypatch.setenv("T2J_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "out"
    args = ["eval", str(TINY), "--out", str(out), "--configs", "reference", "--problems", "02_softmax_scale"]
    assert main(args) == 0
    [offline] = read_records(out)
    assert offline["codetrans_noref"] is None and offline["judge"]["codetrans_noref"]["status"] == "unavailable"

    def responder(request):
        user = request["messages"][-1]["content"]
        if "lines_to_change" in user:
            return Reply.text('{"score": 1, "lines_to_change": 2}')
        return Reply.text('{"score": 3}')

    with FakeOpenAIServer(responder=responder) as server:
        llm = ["--base-url", server.base_url, "--model", "judge", "--api-key", "k"]
        assert main(args + llm) == 0  # without --rejudge a finished pair is left alone
        assert server.requests == []
        assert main(args + llm + ["--rejudge"]) == 0
        assert len(server.requests) == 3  # CodeTrans without and with reference, FixCost
    lines = read_records(out)
    assert len(lines) == 2  # the re-judged record is appended; the last line for a pair wins
    judged = lines[-1]
    assert judged["verified"] == offline["verified"] and judged["codebleu"] == offline["codebleu"]
    assert judged["codetrans_noref"] == 3.0 and judged["codetrans_ref"] == 3.0 and judged["fixcost"] == 1.0
    assert judged["judge"]["comparison"]["status"] == "unavailable"  # the reference is its own opponent
    assert "| reference | 1 | 100% |" in (out / "summary.md").read_text()


def test_unreachable_llm_server_records_nothing_so_the_pair_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("T2J_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("T2J_LLM_MAX_RETRIES", "0")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    assert (
        main(
            [
                "eval",
                str(TINY),
                "--out",
                str(out),
                "--configs",
                "llm",
                "--problems",
                "02_softmax_scale",
                "--no-judge",
                "--base-url",
                f"http://127.0.0.1:{port}/v1",
                "--model",
                "m",
            ]
        )
        == 0
    )
    assert not (out / "results.jsonl").exists() or read_records(out) == []
    summary = (out / "summary.md").read_text()
    assert "llm / 02_softmax_scale not evaluated" in summary and "re-run to resume" in summary


def test_bench_loading_and_entry_detection(tmp_path):
    from t2j.eval.bench import detect_entry, load_bench

    problems = load_bench(TINY)
    assert [p.name for p in problems] == ["01_linear_relu", "02_softmax_scale", "03_mlp_layernorm"]
    assert problems[2].jax_ref is None and all(p.entry == "Model" for p in problems)
    assert detect_entry("import torch.nn as nn\nclass Net(nn.Module):\n    pass\n") == "Net"
    assert detect_entry("import torch\ndef get_inputs():\n    return []\ndef swish(x):\n    return x\n") == "swish"
    assert detect_entry("# t2j: entry=Block\nclass Model: pass\nclass Block: pass\n") == "Block"
    (tmp_path / "empty").mkdir()
    from t2j.errors import BadInput

    with pytest.raises(BadInput, match="no problems"):
        load_bench(tmp_path / "empty")
