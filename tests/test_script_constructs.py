"""Training-script constructs translated so that they train what torch trains, each checked by the recording
checker: several models under one optimizer with a frozen part (itertools.chain, requires_grad_(False)), weight
clipping over `model.parameters()`, an RNN state carried across batches, gradient accumulation stepped inside
the loop."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from t2j.rules import translate_rules
from t2j.verify.recording import verify_script

DATA = Path(__file__).parent / "data" / "scripts"


@pytest.fixture(scope="module")
def two_models() -> str:
    return translate_rules((DATA / "two_models_frozen.py").read_text()).code


def test_two_models_under_one_optimizer_with_a_frozen_layer_translate_to_one_filtered_optimizer(two_models):
    code = two_models
    translated = code.split("# t2j: train-step")[0]
    assert "import torch" not in translated and "torch." not in translated and "not translated" not in translated
    flat = "".join(code.split()).replace("'", '"')  # independent of how the output is formatted
    assert "optimizer=nnx.Optimizer((encoder,head)," in flat
    assert 'nnx.Not(lambdapath,_:path[:2]==(0,"stem"))' in flat  # the frozen layer of the first model
    assert "argnums=nnx.DiffState(0,optimizer.wrt)" in flat and "optimizer.update((encoder,head),grads)" in flat
    assert "requires_grad" not in code.split("# t2j: train-step")[0]
    assert '"models":["encoder","head"]' in code


def test_two_models_with_a_frozen_layer_are_verified_by_replay(two_models):
    report = verify_script(DATA / "two_models_frozen.py", two_models, max_steps=2, check_modules=False)
    assert report.step_verified, report.summary


@pytest.mark.slow
def test_a_frozen_layer_trained_or_a_model_left_out_of_the_update_is_rejected(two_models):
    script = DATA / "two_models_frozen.py"
    # the frozen layer trained (the filter dropped) is caught: torch's optimizer never updates it
    unfrozen = two_models.replace('nnx.All(nnx.Param, nnx.Not(lambda path, _: path[:2] == (0, "stem")))', "nnx.Param")
    assert unfrozen != two_models
    report = verify_script(script, unfrozen, max_steps=2, check_modules=False)
    assert not report.step_verified and "stem" in report.summary, report.summary
    # only the first model updated: the head's weights differ
    encoder_only = two_models.replace(
        "optimizer.update((encoder, head), grads)",
        "optimizer.update((encoder, head), (grads[0], jax.tree.map(jnp.zeros_like, grads[1])))",
    )
    assert encoder_only != two_models
    report = verify_script(script, encoder_only, max_steps=2, check_modules=False)
    assert not report.step_verified, report.summary


def _translated(name: str) -> str:
    return translate_rules((DATA / name).read_text()).code


@pytest.mark.xfail(
    reason="since 0a18d1b the trusted replay refuses weights changed by host code between steps (NotReplayable: the clipping runs outside the jitted step); reported NOT VERIFIED, open in issue 14",
    strict=False,
)
def test_weight_clipping_updates_the_model_state_and_is_verified_by_replay():
    code = _translated("weight_clipping.py")
    assert "nnx.update(" in code and "jnp.clip(p" in code and "parameters()" not in code
    report = verify_script(DATA / "weight_clipping.py", code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary


@pytest.mark.slow
def test_weight_clipping_that_rebinds_the_loop_variable_is_rejected():
    code = _translated("weight_clipping.py")
    rebinding = code.replace("nnx.update(", "(lambda *_: None)(")  # the clipping computed, the model unchanged
    assert rebinding != code
    report = verify_script(DATA / "weight_clipping.py", rebinding, max_steps=3, check_modules=False)
    assert not report.step_verified, report.summary


@pytest.mark.xfail(
    reason="since 0a18d1b the trusted replay refuses a step argument that is not a recorded torch value (the carried state); reported NOT VERIFIED, open in issue 14",
    strict=False,
)
def test_carried_rnn_state_is_an_argument_of_the_step_and_is_verified_by_replay():
    code = _translated("carried_lstm_state.py")
    assert "def train_step(model, optimizer, hidden, window, target):" in code
    assert "def loss_fn(model, hidden):" in code and "not translated" not in code
    assert '"carried":["hidden"]' in code
    report = verify_script(DATA / "carried_lstm_state.py", code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary


@pytest.mark.slow
def test_a_carried_state_reset_at_every_step_is_rejected():
    code = _translated("carried_lstm_state.py")
    reset = code.replace(
        "train_step(model, optimizer, hidden, window, target)", "train_step(model, optimizer, None, window, target)"
    )
    assert reset != code
    report = verify_script(DATA / "carried_lstm_state.py", reset, max_steps=3, check_modules=False)
    assert not report.step_verified, report.summary


def test_accumulation_stepped_inside_the_loop_runs_and_is_reported_not_replayed(tmp_path):
    code = _translated("accumulation_in_loop.py")
    translated = code.split("# t2j: train-step")[0]
    assert "not translated" not in code and "backward" not in translated and "zero_grad" not in translated
    flat = "".join(code.split())
    assert "grads=micro_gradsifgradsisNoneelsejax.tree.map(jnp.add,grads,micro_grads)" in flat
    assert "if(i+1)%accumulation_steps==0:optimizer.update(model,grads)grads=None" in flat
    script = tmp_path / "accumulation_jax.py"
    script.write_text(code)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "last micro-batch loss" in run.stdout, run.stderr[-2000:]
    report = verify_script(DATA / "accumulation_in_loop.py", code, max_steps=2, check_modules=False)
    # the replay has no gradient-accumulation mode yet: the report must say so, never claim a verified step
    assert not report.step_verified
    assert any("gradient-accumulation" in n for n in report.not_checked), report.not_checked


def test_a_seeded_generator_is_a_key_chain_and_its_batches_are_verified_by_replay():
    code = _translated("seeded_generator.py")
    translated = code.split("# t2j: train-step")[0]
    assert "g = jax.random.key(123)" in translated and "g, k1 = jax.random.split(g)" in translated
    assert "generator" not in translated.split("# --- torch")[0] and "not translated" not in code
    report = verify_script(DATA / "seeded_generator.py", code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary


SAMPLED_IN_THE_LOOP = """
import torch
import torch.nn as nn


def sample_real(n):
    theta = torch.rand(n) * 6.283
    return torch.stack([torch.cos(theta), torch.sin(theta)], dim=1)


def sample_batch(n):
    return sample_real(n)


def first_batch(n):
    return torch.randn(n, 2)


def make_data():
    return torch.randn(16, 2)


def main(steps=3):
    torch.manual_seed(0)
    data = make_data()
    critic = nn.Linear(2, 1)
    opt = torch.optim.SGD(critic.parameters(), lr=0.1)
    for step in range(steps):
        real = sample_real(8)
        opt.zero_grad()
        loss = critic(real).mean()
        loss.backward()
        opt.step()


start = first_batch(4)
main()
"""


def test_a_free_function_drawing_random_numbers_in_a_loop_takes_a_key_split_fresh_each_step():
    result = translate_rules(SAMPLED_IN_THE_LOOP)
    code = result.code
    names = ("sample_real", "first_batch", "make_data")
    body = {name: code.split(f"def {name}(")[1].split("\ndef ")[0] for name in names}
    # called in the training loop: it takes a key (a fixed one would repeat the same batch every step), which
    # the loop splits from main's chain before each call
    assert body["sample_real"].startswith("n, *, key: jax.Array):") and "jax.random.key(0)" not in body["sample_real"]
    loop = code.split("for step in range(steps):")[1]
    assert re.match(r"\s+key, (k\d+) = jax.random.split\(key\)\s+real = sample_real\(8, key=\1\)", loop), loop
    assert not [d.message for d in result.diagnostics if "not translated" in d.message]
    # a setup call run once (at top level, or from `main()` called once) keeps its fixed key
    for name in ("first_batch", "make_data"):
        assert "key = jax.random.key(0)" in body[name] and "not translated" not in body[name]


@pytest.mark.slow
def test_a_sampler_called_in_the_loop_is_verified_by_replay(tmp_path):
    script = tmp_path / "sampled_in_the_loop.py"
    script.write_text(SAMPLED_IN_THE_LOOP)
    report = verify_script(script, translate_rules(SAMPLED_IN_THE_LOOP).code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary


def _fills_reference() -> str:
    source = (DATA / "parameter_fills.py").read_text().split('if __name__ == "__main__":')[0]
    return source + (
        "\n\ndef get_init_inputs():\n    return [50, 32, 2]\n\n\n"
        "def get_inputs():\n    return [torch.randint(0, 50, (4, 12))]\n"
    )


def _fills_translation() -> str:
    return translate_rules(_fills_reference()).code


@pytest.mark.slow
def test_fills_of_a_modules_own_parameters_start_from_torchs_distribution():
    from t2j.settings import Settings
    from t2j.verify.api import verify_sources

    code = _fills_translation()
    body = code.split("class TextClassifier")[1]
    assert ".data" not in body and "uniform_(" not in code and "not translated" not in code
    assert "self.fc.kernel[...]=jax.random.uniform(rngs.params()," in "".join(body.split())
    strict = Settings(init_check="fail")
    # the init check compares fresh models' weights by distribution (U(-0.5, 0.5), N(0, 0.02), 0.1, zeros)
    verdict = verify_sources(_fills_reference(), code, entry="TextClassifier", settings=strict)
    assert verdict.ok, verdict.summary()
    init = next(c for c in verdict.checks if c.name == "init")
    assert not init.skipped and len(init.tensors) == 5, init
    # a fill dropped (the layer keeps torch's default init) or its range changed is caught
    for wrong in (
        code.replace("self.fc.bias[...] = jnp.zeros_like(self.fc.bias)", "pass"),
        code.replace("-initrange, initrange", "-0.1 * initrange, 0.1 * initrange"),
    ):
        assert wrong != code
        verdict = verify_sources(_fills_reference(), wrong, entry="TextClassifier", settings=strict)
        assert not verdict.ok, verdict.summary()


@pytest.mark.slow
def test_a_script_whose_init_method_fills_its_parameters_runs_and_is_verified_by_replay(tmp_path):
    code = _translated("parameter_fills.py")
    script = tmp_path / "fills_jax.py"
    script.write_text(code)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "last loss" in run.stdout, run.stderr[-2000:]
    report = verify_script(DATA / "parameter_fills.py", code, max_steps=3)
    assert report.step_verified and report.modules_verified == report.modules_checked == 1, report.summary


def test_batchnorm_running_statistics_are_replayed_from_before_the_first_forward():
    # the first step's forward updates the running statistics before its backward() records the initial state
    code = _translated("batchnorm_running_stats.py")
    report = verify_script(DATA / "batchnorm_running_stats.py", code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary


@pytest.mark.slow
def test_batchnorm_running_statistics_with_another_momentum_are_rejected():
    code = _translated("batchnorm_running_stats.py")
    wrong = code.replace("TorchBatchNorm(8, rngs=rngs)", "TorchBatchNorm(8, momentum=0.2, rngs=rngs)")
    assert wrong != code
    report = verify_script(DATA / "batchnorm_running_stats.py", wrong, max_steps=3, check_modules=False)
    assert not report.step_verified and "running_mean" in report.summary, report.summary


def test_adam_on_a_bias_with_a_zero_exact_gradient_is_judged_against_torchs_own_noise_floor():
    code = _translated("adam_bias_before_batchnorm.py")
    report = verify_script(DATA / "adam_bias_before_batchnorm.py", code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary
    # the conv bias before the BatchNorm passes only within float32 rounding noise, and the report says so
    assert any("float32 rounding noise" in n and "layers.0.bias" in n for n in report.notes), report.notes


@pytest.mark.slow
def test_another_adam_beta_is_rejected_even_with_the_noise_floor():
    code = _translated("adam_bias_before_batchnorm.py")
    wrong = code.replace("optax.adam)(learning_rate=1e-2)", "optax.adam)(learning_rate=1e-2, b2=0.99)")
    assert wrong != code
    report = verify_script(DATA / "adam_bias_before_batchnorm.py", wrong, max_steps=3, check_modules=False)
    assert not report.step_verified, report.summary


def test_a_nudged_run_that_consumed_other_batches_is_no_noise_floor():
    import numpy as np

    from t2j.verify.bundle import Bundle
    from t2j.verify.recording_floor import not_comparable

    def run(batch: np.ndarray) -> Bundle:
        bundle = Bundle(meta={"steps": {"step": {"steps": 1, "losses": [0.5]}}, "step/final": {}})
        bundle.arrays["step/call0/xb"] = batch
        return bundle

    batch = np.arange(6, dtype=np.float32)
    assert not_comparable(run(batch), run(batch.copy()), ["step"]) is None
    why = not_comparable(run(batch), run(batch + np.float32(1e-6)), ["step"])
    assert why is not None and "other values" in why


def test_reparameterisation_noise_in_forward_is_switched_off_on_both_sides_and_reported():
    code = _translated("vae_reparameterisation.py")
    assert "jax.random.normal(" in code.split("class VAE")[1].split("\ndef ")[0]  # the noise is translated
    report = verify_script(DATA / "vae_reparameterisation.py", code, max_steps=3, check_modules=False)
    assert report.step_verified, report.summary
    assert any("normal draws inside the models' forward (3 in torch)" in n for n in report.notes), report.notes


@pytest.mark.slow
def test_a_vae_with_another_kl_weight_is_rejected_with_the_noise_switched_off():
    code = _translated("vae_reparameterisation.py")
    wrong = code.replace("-0.5 *", "-0.25 *")
    assert wrong != code
    report = verify_script(DATA / "vae_reparameterisation.py", wrong, max_steps=3, check_modules=False)
    assert not report.step_verified, report.summary
