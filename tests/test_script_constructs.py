"""Training-script constructs translated so that they train what torch trains, each checked by the recording
checker: several models under one optimizer with a frozen part (itertools.chain, requires_grad_(False))."""

from __future__ import annotations

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
