"""The verifier accepts equivalent translations, rejects wrong ones (forward-only and gradient-only bugs), and
survives hostile translations (hangs, memory hogs, crashes, secret snooping)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from t2j.settings import Settings
from t2j.verify.api import verify, verify_sources, verify_translations

ROOT = Path(__file__).resolve().parents[1]

MLP_TORCH = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, 32)
        self.bn = nn.BatchNorm1d(32, momentum=0.2)
        self.fc2 = nn.Linear(32, d_out)
    def forward(self, x):
        return torch.softmax(self.fc2(torch.relu(self.bn(self.fc1(x)))), dim=-1)
def get_init_inputs(): return [16, 8]
def get_inputs(): return [torch.randn(6, 16)]
"""

# torch's BatchNorm updates running_var with the unbiased batch variance; a faithful translation must too.
MLP_JAX = """
import jax, jax.numpy as jnp
from flax import nnx

class BatchNorm1d(nnx.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, *, rngs):
        self.weight = nnx.Param(jnp.ones(num_features))
        self.bias = nnx.Param(jnp.zeros(num_features))
        self.running_mean = nnx.BatchStat(jnp.zeros(num_features))
        self.running_var = nnx.BatchStat(jnp.ones(num_features))
        self.eps, self.momentum = eps, momentum
        self.use_running_average = False
    def __call__(self, x):
        if self.use_running_average:
            mean, var = self.running_mean[...], self.running_var[...]
        else:
            mean, var = x.mean(0), x.var(0)
            n = x.shape[0]
            self.running_mean[...] = (1 - self.momentum) * self.running_mean[...] + self.momentum * mean
            self.running_var[...] = (1 - self.momentum) * self.running_var[...] + self.momentum * var * n / (n - 1)
        return (x - mean) / jnp.sqrt(var + self.eps) * self.weight[...] + self.bias[...]

class Model(nnx.Module):
    def __init__(self, d_in, d_out, *, rngs):
        self.fc1 = nnx.Linear(d_in, 32, rngs=rngs)
        self.bn = BatchNorm1d(32, momentum=0.2, rngs=rngs)
        self.fc2 = nnx.Linear(32, d_out, rngs=rngs)
    def __call__(self, x):
        return jax.nn.softmax(self.fc2(jax.nn.relu(self.bn(self.fc1(x)))), axis=-1)
"""

GELU_TORCH = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)
    def forward(self, x):
        return nn.functional.gelu(self.fc(x))
def get_init_inputs(): return []
def get_inputs(): return [torch.randn(32, 64) * 2]
"""

GELU_JAX = """
import jax
from flax import nnx
class Model(nnx.Module):
    def __init__(self, *, rngs):
        self.fc = nnx.Linear(64, 64, rngs=rngs)
    def __call__(self, x):
        return jax.nn.gelu(self.fc(x), approximate={approximate})
"""

FUNC_TORCH = """# t2j: entry=attention_scores
import torch
def attention_scores(q, k, scale: float):
    s = torch.softmax(q @ k.transpose(-2, -1) * scale, dim=-1)
    return {"probs": s, "top": s.argmax(dim=-1)}
def get_inputs(): return [torch.randn(2, 5, 8), torch.randn(2, 5, 8), 0.35]
"""

FUNC_JAX = """
import jax, jax.numpy as jnp
def attention_scores(q, k, scale):
    s = jax.nn.softmax(q @ jnp.swapaxes(k, -2, -1) * scale, axis={axis})
    return {{"probs": s, "top": s.argmax(axis=-1)}}
"""

GRAD_BUG_TORCH = """
import torch, torch.nn as nn
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(16, 16)
        self.value = nn.Linear(16, 16)
    def forward(self, x):
        return torch.sigmoid(self.gate(x)) * self.value(x)
def get_init_inputs(): return []
def get_inputs(): return [torch.randn(8, 16)]
"""

GRAD_BUG_JAX = """
import jax
from flax import nnx
class Model(nnx.Module):
    def __init__(self, *, rngs):
        self.gate = nnx.Linear(16, 16, rngs=rngs)
        self.value = nnx.Linear(16, 16, rngs=rngs)
    def __call__(self, x):
        # the forward is identical, but no gradient flows into the gate
        return jax.lax.stop_gradient(jax.nn.sigmoid(self.gate(x))) * self.value(x)
"""


def test_verifies_module_with_train_mode_running_stats():
    result = verify_sources(MLP_TORCH, MLP_JAX)
    assert result.ok, result.summary()
    assert [c.name for c in result.checks] == ["forward_eval", "backward", "forward_train", "running_stats", "init"]
    assert all(not c.skipped for c in result.checks)
    stats = {t.name for t in result.check("running_stats").tensors}
    assert stats == {"bn.running_mean (as bn.running_mean)", "bn.running_var (as bn.running_var)"}
    grads = {t.name for t in result.check("backward").tensors}
    assert "d/d fc1.weight (as fc1.kernel)" in grads and "d/d input[0]" in grads
    assert {p.torch_key for p in result.ported} >= {"fc1.weight", "bn.running_var", "fc2.bias"}
    assert result.timing.torch_eager_s > 0 and result.timing.jax_jit_s > 0 and result.speed_ratio > 0


def test_rejects_flax_batchnorm_biased_running_variance():
    flax_bn = MLP_JAX.replace(
        "self.bn = BatchNorm1d(32, momentum=0.2, rngs=rngs)",
        "self.bn = nnx.BatchNorm(32, momentum=0.8, epsilon=1e-5, rngs=rngs)",
    )
    result = verify_sources(MLP_TORCH, flax_bn)
    assert not result.ok
    assert result.check("forward_eval").ok and result.check("backward").ok
    failing = [t.name for t in result.check("running_stats").tensors if not t.ok]
    assert failing == ["bn.running_var (as bn.var)"]


def test_tolerance_separates_exact_from_tanh_gelu():
    exact = verify_sources(GELU_TORCH, GELU_JAX.format(approximate=False))
    assert exact.ok, exact.summary()
    tanh = verify_sources(GELU_TORCH, GELU_JAX.format(approximate=True))
    assert not tanh.ok
    forward = tanh.check("forward_eval")
    assert not forward.ok and 1e-5 < forward.max_abs_err < 1e-2


def test_translations_of_one_reference_get_their_own_verdicts(monkeypatch):
    import t2j.verify.jobs as jobs

    sides, run_side = [], jobs.run_side
    monkeypatch.setattr(jobs, "run_side", lambda side, *a, **k: (sides.append(side), run_side(side, *a, **k))[1])
    codes = [GELU_JAX.format(approximate=True), "def broken(:\n", GELU_JAX.format(approximate=False)]
    tanh, broken, exact = verify_translations(GELU_TORCH, codes)
    assert sides.count("torch") == 1 and sides.count("jax") == 2 and sides.count("runner") == 2
    # the same verdicts as one verify_sources each: a wrong one and a broken one fail alone
    assert exact.ok, exact.summary()
    assert not tanh.ok and not tanh.check("forward_eval").ok and tanh.error is None
    assert not broken.ok and broken.failed_stage == "jax" and "SyntaxError" in broken.error


def test_rejects_gradient_only_bug():
    result = verify_sources(GRAD_BUG_TORCH, GRAD_BUG_JAX)
    assert result.check("forward_eval").ok
    assert not result.check("backward").ok
    assert not result.ok
    wrong = {t.name for t in result.check("backward").tensors if not t.ok}
    assert "d/d gate.weight (as gate.kernel)" in wrong


def test_function_entry_with_dict_outputs_and_static_argument():
    good = verify_sources(FUNC_TORCH, FUNC_JAX.format(axis=-1))
    assert good.ok, good.summary()
    assert {t.name for t in good.check("forward_eval").tensors} == {"['probs']", "['top']"}
    bad = verify_sources(FUNC_TORCH, FUNC_JAX.format(axis=-2))
    assert not bad.check("forward_eval").ok


def test_ir_is_real_hlo_stablehlo_and_jaxpr():
    result = verify_sources(GELU_TORCH, GELU_JAX.format(approximate=False))
    for ir in (result.ir_forward, result.ir_backward):
        assert ir.hlo.startswith("HloModule")
        assert "stablehlo." in ir.stablehlo and "func.func" in ir.stablehlo
        assert ir.jaxpr.startswith("{")
        assert ir.op_counts["hlo"].get("dot", 0) >= 1
        assert ir.op_counts["stablehlo"].get("stablehlo.dot_general", 0) >= 1
    assert result.ir_forward.op_counts["jaxpr"].get("erfc", 0) >= 1  # exact GELU


def test_float64_mode_tightens_tolerances():
    result = verify_sources(GELU_TORCH, GELU_JAX.format(approximate=False), settings=Settings(float64=True))
    assert result.ok and result.float64
    assert result.tolerances.rtol <= 1e-9
    assert result.check("forward_eval").max_abs_err < 1e-10


def test_live_objects_in_process():
    import jax
    import torch
    from flax import nnx

    class Scale(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.randn(4))

        def forward(self, x):
            return (x * self.weight).sum(-1)

    class ScaleJax(nnx.Module):
        def __init__(self, *, rngs):
            self.weight = nnx.Param(jax.numpy.zeros(4))

        def __call__(self, x):
            return (x * self.weight[...]).sum(-1)

    result = verify(Scale(), ScaleJax(rngs=nnx.Rngs(0)), inputs=[torch.randn(3, 4)])
    assert result.ok, result.summary()
    wrong = verify(Scale(), ScaleJax(rngs=nnx.Rngs(0)), inputs=[torch.randn(3, 4, 5)])
    assert not wrong.ok and wrong.failed_stage in {"torch", "jax"}


# ---------------------------------------------------------------------------------------------------------
# The sandbox: a hostile or broken translation fails verification; t2j survives.

SIMPLE_TORCH = """
import torch
def fn(x):
    return x * 2
def get_inputs(): return [torch.randn(3)]
"""


def _hostile(body: str) -> str:
    return f"import jax.numpy as jnp\n{body}\ndef fn(x):\n    return x * 2\n"


def test_sandbox_kills_infinite_loop():
    result = verify_sources(SIMPLE_TORCH, _hostile("while True:\n    pass"), entry="fn", settings=Settings(timeout_s=5))
    assert not result.ok and result.failed_stage == "jax"
    assert "timed out" in result.error


def test_sandbox_caps_memory():
    hog = _hostile("import numpy as np\nblocks = [np.ones(2**28) for _ in range(64)]")
    result = verify_sources(SIMPLE_TORCH, hog, entry="fn", settings=Settings(memory_limit_mb=3072))
    assert not result.ok and result.failed_stage == "jax"
    assert "MemoryError" in result.error or "memory limit" in result.error


def test_sandbox_hides_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-should-not-leak")
    monkeypatch.setenv("MY_SERVICE_TOKEN", "tok-should-not-leak")
    snoop = _hostile(
        "import os\n"
        "leaked = [k for k, v in os.environ.items() if 'leak' in v or 'KEY' in k or 'TOKEN' in k]\n"
        "assert not leaked, f'translation saw secrets: {leaked}'\n"
        "assert os.getcwd() != " + repr(os.getcwd())
    )
    result = verify_sources(SIMPLE_TORCH, snoop, entry="fn")
    assert result.ok, result.error


def test_sandbox_reports_import_error():
    result = verify_sources(SIMPLE_TORCH, _hostile("raise RuntimeError('boom at import')"), entry="fn")
    assert not result.ok and result.failed_stage == "jax"
    assert "boom at import" in result.error


def test_cold_sandbox_path_matches_warm():
    cold = verify_sources(SIMPLE_TORCH, _hostile(""), entry="fn", settings=Settings(warm_sandbox=False))
    assert cold.ok, cold.error


# ---------------------------------------------------------------------------------------------------------
# The command line


def _cli(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "t2j.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


def test_cli_exit_codes_and_json(tmp_path):
    ref = tmp_path / "ref.py"
    ref.write_text(GELU_TORCH)
    good = tmp_path / "good.py"
    good.write_text(GELU_JAX.format(approximate=False))
    bad = tmp_path / "bad.py"
    bad.write_text(GELU_JAX.format(approximate=True))
    weights = tmp_path / "w.safetensors"

    run = _cli("verify", ref, good, "--json", "--save-weights", weights)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] and report["ir_forward"]["hlo"].startswith("HloModule")
    from safetensors.numpy import load_file

    saved = load_file(str(weights))
    assert saved["fc.kernel"].shape == (64, 64) and saved["fc.bias"].shape == (64,)

    assert _cli("verify", ref, bad).returncode == 1

    syntax = tmp_path / "syntax.py"
    syntax.write_text("def broken(:\n")
    no_inputs = tmp_path / "no_inputs.py"
    no_inputs.write_text(GELU_TORCH.replace("def get_inputs()", "def other()"))
    cases = [
        (tmp_path / "missing.py", good, "does not exist"),
        (syntax, good, "syntax error"),
        (ref, syntax, "syntax error"),
        (no_inputs, good, "get_inputs"),
    ]
    for ref_path, out_path, message in cases:
        run = _cli("verify", ref_path, out_path)
        assert run.returncode == 2, (ref_path, run.stderr)
        assert message in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    run = _cli("verify", ref, good, "--entry", "Nope")
    assert run.returncode == 2 and "defines no 'Nope'" in run.stderr


def test_top_level_verify_and_port_errors_name_the_key():
    import torch
    from flax import nnx

    import t2j.verify.api  # noqa: F401  (binds the subpackage to t2j.verify: it must stay callable)
    from t2j import PortError, port_weights, verify as top_level_verify

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(16, 32)

        def forward(self, x):
            return self.fc1(x)

    class Renamed(nnx.Module):
        def __init__(self, *, rngs):
            self.fc_1 = nnx.Linear(16, 32, rngs=rngs)

        def __call__(self, x):
            return self.fc_1(x)

    with pytest.raises(PortError) as error:
        port_weights(Net(), Renamed(rngs=nnx.Rngs(0)))
    message = str(error.value)
    assert "torch tensor 'fc1.weight' (shape 32x16)" in message and "'fc_1.kernel' (16x32)" in message
    assert "JAX variable 'fc_1.bias' (shape 32)" in message

    report = top_level_verify(Net(), Renamed(rngs=nnx.Rngs(0)), inputs=[torch.randn(2, 16)])
    assert not report.ok and report.failed_stage == "jax" and "fc1.weight" in report.error
