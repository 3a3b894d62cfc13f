"""t2j synth end to end: the same file whatever --workers, and resumption after kill -9."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATS = "elementwise,unary_math,reduction"


def _synth(out: Path, count: int, workers: int, extra=()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "t2j.cli",
        "synth",
        "--out",
        str(out),
        "--count",
        str(count),
        "--seed",
        "5",
        "--workers",
        str(workers),
        "--categories",
        CATS,
        "--quiet",
        *extra,
    ]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_same_file_whatever_workers_and_resume_after_kill_9(tmp_path):
    count = 24  # three batches of eight: the kill lands while batches remain, even on a loaded machine
    one, two, killed = tmp_path / "w1.jsonl", tmp_path / "w2.jsonl", tmp_path / "killed.jsonl"
    _run(_synth(one, count, 1, ["--stats", str(tmp_path / "stats.json")]))
    _run(_synth(two, count, 2))
    assert one.read_bytes() == two.read_bytes()
    rows = [json.loads(line) for line in one.read_text().splitlines()]
    assert len(rows) == count and len({r["id"] for r in rows}) == count
    assert len({r["program_hash"] for r in rows}) == count
    assert all(
        r["verified"] and r["hlo"].startswith("HloModule") and r["grad_hlo"].startswith("HloModule") for r in rows
    )
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["rows"] == count and set(stats["per_category"]) == set(CATS.split(","))

    # kill -9 the whole run (parent and workers) once it has written some rows, then rerun the same command
    # one worker: batches finish one after another, so the kill lands between two of them
    process = subprocess.Popen(
        _synth(killed, count, 1),
        cwd=ROOT,
        env=_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 600
    try:
        while time.time() < deadline and process.poll() is None:
            if killed.exists() and killed.read_bytes().count(b"\n") >= 1:
                break
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    partial = killed.read_bytes().count(b"\n") if killed.exists() else 0
    assert partial < count, "the run finished before it could be killed"
    with open(killed, "ab") as handle:  # as if the kill had torn a line in the middle
        handle.write(b'{"id": "t2j-synth-torn')
    resumed = _run(_synth(killed, count, 2))
    assert int(re.search(r"(\d+) resumed", resumed.stdout).group(1)) == partial
    assert killed.read_bytes() == one.read_bytes()


def test_bad_input_exit_code(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "t2j.cli",
            "synth",
            "--out",
            str(tmp_path / "x.jsonl"),
            "--count",
            "2",
            "--categories",
            "nonsense",
            "--quiet",
        ],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2 and "unknown categories" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.slow
def test_a_larger_run_over_every_category(tmp_path):
    out = tmp_path / "all.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "t2j.cli",
            "synth",
            "--out",
            str(out),
            "--count",
            "170",
            "--seed",
            "11",
            "--workers",
            "2",
            "--quiet",
            "--export-chat",
            str(tmp_path / "chat.jsonl"),
            "--export-fewshot",
            str(tmp_path / "fewshot.json"),
        ],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 170 and len({r["program_hash"] for r in rows}) == 170
    assert len({r["category"] for r in rows}) == 17
    assert (tmp_path / "chat.jsonl").read_text().count("\n") == 170


@pytest.mark.slow
def test_a_candidate_that_kills_its_worker_is_rejected_not_fatal():
    import multiprocessing

    from t2j.synth.engine import _Pool
    from t2j.synth.program import InputSpec, Program
    from t2j.synth.worker import init_worker, run_batch

    def pair(body: str) -> Program:
        return Program(
            category="planted",
            name="f",
            torch_code=f"import os\nimport torch\n\n\ndef f(x):\n    {body}\n",
            jax_code="import jax.numpy as jnp\n\n\ndef f(x):\n    return jnp.tanh(x)\n",
            inputs=[InputSpec(name="x", shape=[3])],
        )

    crash = pair("os.kill(os.getpid(), 9)")
    good = pair("return torch.tanh(x)")
    pool = _Pool(1, multiprocessing.get_context("spawn"), init_worker)
    try:
        items = [(0, crash, 0), (1, good, 0)]
        results = dict(pool.result(pool.submit(run_batch, 0, items, 2e-5, 1e-5, ()), 0, items, 2e-5, 1e-5, ()))
        assert results[0].stage == "crash" and results[1].ok
    finally:
        pool.shutdown()


@pytest.mark.slow
def test_a_candidate_that_hangs_its_worker_is_rejected_and_the_run_goes_on():
    import multiprocessing

    from t2j.synth.engine import _Pool
    from t2j.synth.program import InputSpec, Program
    from t2j.synth.worker import init_worker, run_batch

    def pair(body: str) -> Program:
        return Program(
            category="planted",
            name="f",
            torch_code=f"import signal\nimport time\nimport torch\n\n\ndef f(x):\n    {body}\n",
            jax_code="import jax.numpy as jnp\n\n\ndef f(x):\n    return jnp.tanh(x)\n",
            inputs=[InputSpec(name="x", shape=[3])],
        )

    sleeps = pair("time.sleep(600)")  # the worker interrupts it itself
    # blocks the worker's interrupt, as a hang in native code would: only the parent's hard limit ends it
    stuck = pair("signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM]); time.sleep(600)")
    good = pair("return torch.tanh(x)")
    pool = _Pool(1, multiprocessing.get_context("spawn"), init_worker, timeout_s=2, hard_timeout_s=25)
    try:
        first = [(0, sleeps, 0), (1, good, 0)]
        second = [(2, stuck, 0), (3, good, 1)]
        third = [(4, good, 2)]
        futures = [
            pool.submit(run_batch, n, items, 2e-5, 1e-5, (), 2) for n, items in enumerate([first, second, third])
        ]
        results = {}
        for n, (items, future) in enumerate(zip([first, second, third], futures)):
            results.update(dict(pool.result(future, n, items, 2e-5, 1e-5, ())))
        assert {i: r.stage for i, r in results.items()} == {0: "timeout", 1: "", 2: "timeout", 3: "", 4: ""}
        assert results[1].ok and results[3].ok and results[4].ok  # the batch waiting behind the hung one ran
    finally:
        pool.shutdown()
