"""`t2j translate --backend openai|hybrid` from the command line, in a subprocess, against a local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.fake_openai import FakeOpenAIServer, Reply

ROOT = Path(__file__).resolve().parents[1]

TORCH = """import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, n)

    def forward(self, x):
        return torch.tanh(self.fc(x))


def get_init_inputs():
    return [8]


def get_inputs():
    return [torch.randn(4, 8)]
"""

JAX = """import jax
import jax.numpy as jnp
from flax import nnx


class Model(nnx.Module):
    def __init__(self, n, *, rngs: nnx.Rngs):
        self.fc = nnx.Linear(n, n, rngs=rngs)

    def __call__(self, x):
        return jnp.tanh(self.fc(x))
"""


def run_cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "T2J_"))}
    environment.update(
        {"PYTHONPATH": str(ROOT), "T2J_CACHE_DIR": str(tmp_path / "cache"), "T2J_LLM_BACKOFF_S": "0.01", **env}
    )
    return subprocess.run(
        [sys.executable, "-m", "t2j.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
    )


def test_cli_openai_backend_translates_and_verifies(tmp_path):
    (tmp_path / "model.py").write_text(TORCH)
    with FakeOpenAIServer([Reply.code(JAX)]) as server:
        proc = run_cli(
            [
                "translate",
                "model.py",
                "-o",
                "out.py",
                "--backend",
                "openai",
                "--base-url",
                server.base_url,
                "--model",
                "gpt-4o-mini",
                "--api-key",
                "k",
                "--max-repairs",
                "1",
                "--no-verify",
            ],
            tmp_path,
        )
        assert len(server.requests) == 1
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.py").read_text() == JAX
    assert "round 0 llm-draft: prompt" in proc.stdout and "not verified" in proc.stdout


def test_cli_5xx_until_retries_run_out_is_a_clean_exit(tmp_path):
    (tmp_path / "model.py").write_text(TORCH)
    with FakeOpenAIServer(responder=lambda request: Reply.error(502, "bad gateway")) as server:
        proc = run_cli(
            ["translate", "model.py", "-o", "out.py", "--backend", "openai", "--model", "m"],
            tmp_path,
            OPENAI_BASE_URL=server.base_url,
            T2J_LLM_MAX_RETRIES="2",
        )
        assert len(server.requests) == 3  # the first try and two retries
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("t2j: error: LLM request to") and "HTTP 502" in lines[0]
    assert "Traceback" not in proc.stderr and not (tmp_path / "out.py").exists()


def test_cli_without_llm_uses_rules_with_a_note(tmp_path):
    (tmp_path / "model.py").write_text(TORCH)
    proc = run_cli(["translate", "model.py", "-o", "out.py", "--backend", "hybrid", "--no-verify"], tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "no LLM configured" in proc.stdout and "used the rules backend" in proc.stdout
    assert "class Model(nnx.Module)" in (tmp_path / "out.py").read_text()
