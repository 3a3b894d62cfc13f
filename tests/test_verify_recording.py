"""The recording checker (t2j.verify.recording): a training script with no convention is verified by recording
its torch run (module classes with their real arguments, the train step replayed on the recorded batches), and
translations that train differently, or not at all, are rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from t2j.rules import translate_rules
from t2j.rules.context import STEP_MARK
from t2j.verify.recording import definitions_only, train_steps_of, verify_script

SCRIPT = Path(__file__).parent / "data" / "scripts" / "regression_loop.py"


@pytest.fixture(scope="module")
def translated() -> str:
    return translate_rules(SCRIPT.read_text()).code


def test_the_translator_emits_each_train_steps_arguments_as_data(translated):
    result = translate_rules(SCRIPT.read_text())
    assert result.train_steps == train_steps_of(result.code)
    [step] = result.train_steps
    backward_line = next(i for i, line in enumerate(SCRIPT.read_text().splitlines(), 1) if "loss.backward()" in line)
    assert step["line"] == backward_line and step["model"] == "model" and step["kind"] == "train"
    assert step["args"] == {"model": "model", "optimizer": "optimizer", "xb": "xb", "yb": "yb"}
    assert result.code.rstrip().splitlines()[-1].startswith(STEP_MARK)
    # the forward and the loss computed before zero_grad() are inside the loss function
    start = result.code.index("def loss_fn")
    loss_fn = result.code[start : result.code.index("return loss", start)]
    assert "prediction = model(xb)" in loss_fn and "loss = criterion(prediction, yb)" in loss_fn


def test_definitions_only_keeps_classes_and_constants_not_the_training():
    code = definitions_only(SCRIPT.read_text())
    assert "class Regressor" in code and "import torch" in code
    assert "for epoch" not in code and "manual_seed" not in code and "model = Regressor" not in code
    # a constant computed from dropped data goes too (it would be a NameError on import)
    code = definitions_only("import torch\nX = torch.randn(4)\nX_train = X[:2]\nDIM = 4\nHALF = DIM // 2\n")
    assert "X_train" not in code and "HALF = DIM // 2" in code
    # the initializer constants the translation's layers use stay (built by JAX, nothing of the script runs)
    code = definitions_only(
        "from flax import nnx\ninit = nnx.initializers.variance_scaling(1 / 3, 'fan_in', 'uniform')\nr = nnx.Rngs(0)\n"
    )
    assert "init = nnx.initializers.variance_scaling" in code and "r = nnx.Rngs" not in code


def test_a_correct_translation_is_verified_by_recording(translated):
    report = verify_script(SCRIPT, translated, max_steps=3)
    assert report.error is None, report.error
    assert [m.name for m in report.modules] == ["Regressor"] and report.modules_verified == 1, report.modules
    [step] = report.train_steps
    assert step.ok and step.steps == 3, step
    assert report.step_verified and "VERIFIED over 3 step(s)" in report.summary


@pytest.mark.parametrize("wrong", ["learning rate", "no update"])
def test_a_translation_that_trains_differently_or_not_at_all_is_rejected(translated, wrong):
    if wrong == "learning rate":
        bad = translated.replace("lr=0.05", "lr=0.06").replace("learning_rate=0.05", "learning_rate=0.06")
    else:
        bad = translated.replace("    optimizer.update(model, grads)\n", "")
    assert bad != translated
    report = verify_script(SCRIPT, bad, max_steps=3, check_modules=False)
    assert not report.step_verified
    [step] = report.train_steps
    assert not step.ok and any(
        m in step.summary for m in ("losses differ", "weights after the last step differ", "uses learning rate")
    )


def test_a_learning_rate_that_compensates_a_wrong_gradient_is_rejected(translated):
    # SGD with momentum is linear in lr * gradient: halved gradients at twice torch's rate train exactly as torch
    # does, so losses and weights match; the learning rate is checked against the one torch's optimizer used
    bad = translated.replace("learning_rate=0.05", "learning_rate=0.1").replace(
        "    optimizer.update(model, grads)\n", "    optimizer.update(model, jax.tree.map(lambda g: g / 2, grads))\n"
    )
    assert bad.count("g / 2") == 1 and "learning_rate=0.1" in bad
    if "import jax\n" not in bad:
        bad = "import jax\n" + bad
    report = verify_script(SCRIPT, bad, max_steps=3, check_modules=False)
    assert not report.step_verified
    [step] = report.train_steps
    assert not step.ok and "uses learning rate 0.1" in step.summary and "torch's optimizer used 0.05" in step.summary


def test_a_translation_without_train_step_data_is_not_verified(translated):
    bare = "\n".join(line for line in translated.splitlines() if not line.startswith(STEP_MARK))
    report = verify_script(SCRIPT, bare, max_steps=2, check_modules=False)
    assert not report.step_verified and report.train_steps == []
    assert any("no train step" in n for n in report.not_checked)


def test_translate_verifies_a_script_in_no_convention_by_recording():
    from t2j import translate
    from t2j.settings import Settings

    result = translate(str(SCRIPT), settings=Settings(record_max_steps=2))
    assert result.verification is not None and result.verification.kind == "script"
    assert result.verification.ok, result.verification.summary()
    assert [c.name for c in result.verification.checks] == ["module Regressor", "train step train_step (2 steps)"]
