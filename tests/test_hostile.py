"""Hostile translations (tests/hostile/*.py) against the verifier: each must end NOT VERIFIED (or VERIFIED with its
side effect prevented, where the attack is harmless to the verdict), the side effect must not have happened, the
caller survives, and no process the attack started is left.

Every attack claims to translate tests/hostile/reference.py (tanh of a Linear). `wrong.py` is the honest wrong
answer (off by +1): an attack built on it passes only if it forges the verdict. Attacks built on `_model.Correct`
are verified unless their side effect works (they raise when it does). The folder is copied per test so that
edits would be visible and the repository stays untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import t2j
from t2j.settings import Settings
from t2j.verify.api import verify_files
from t2j.verify.isolation import isolation
from t2j.verify.sandbox import jax_cache_dir

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "hostile"
MARKERS = ("987.6543", "987.6544", "987.6545")  # `sleep` arguments of the processes attacks leave behind

pytestmark = pytest.mark.skipif(not isolation().strong, reason=f"needs the bubblewrap sandbox: {isolation().reason}")


@pytest.fixture
def attacks(tmp_path) -> Path:
    folder = tmp_path / "hostile"
    shutil.copytree(HOSTILE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers() -> list[str]:
    """Processes on this machine whose command line carries one of the attacks' markers."""
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(marker in cmdline for marker in MARKERS):
            found.append(f"{pid}: {cmdline}")
    return found


def _run(attacks: Path, name: str, **settings):
    reference = attacks / "reference.py"
    before = (_digest(reference), _digest(Path(t2j.__file__)))
    verdict = verify_files(reference, attacks / f"{name}.py", settings=Settings(**settings))
    assert (_digest(reference), _digest(Path(t2j.__file__))) == before, "the reference or t2j was modified"
    deadline = time.monotonic() + 5
    while _leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _leftovers(), _leftovers()
    return verdict


def _rejected(verdict, *texts: str) -> None:
    assert not verdict.ok, verdict.summary()
    shown = (verdict.error or "") + verdict.summary()
    for text in texts:
        assert text in shown, f"{text!r} not in:\n{shown}"
    assert "Traceback" not in verdict.summary()


# ---------------------------------------------------------------------------------------------------------
# The honest baseline


def test_baseline_correct_verifies_wrong_is_rejected(attacks):
    good = _run(attacks, "correct")
    assert good.ok and good.isolation == "strong", good.summary()
    bad = _run(attacks, "wrong")
    assert not bad.ok and not bad.check("forward_eval").ok and bad.error is None


# ---------------------------------------------------------------------------------------------------------
# Forging the verdict


@pytest.mark.parametrize("name", ["forge_read_torch_results", "forge_patch_writer", "lying_array"])
def test_forged_evidence_is_not_believed(attacks, name):
    _rejected(_run(attacks, name))


def test_callback_to_torch_is_rejected(attacks):
    verdict = _run(attacks, "callback_to_torch")
    _rejected(verdict)
    assert verdict.failed_stage == "jax"


def test_smuggled_host_callback_is_rejected_by_the_runner(attacks):
    _rejected(_run(attacks, "callback_smuggled"), "HostCallbackRejected")


def test_importing_torch_is_a_clear_failure(attacks):
    verdict = _run(attacks, "import_torch")
    _rejected(verdict, "torch")
    assert verdict.failed_stage == "jax"


def test_cache_poisoning_writes_nothing(attacks):
    _rejected(_run(attacks, "cache_poison"))
    for folder in filter(None, {jax_cache_dir(), os.path.expanduser("~/.cache/t2j/jax-compilation-cache")}):
        assert not (Path(folder) / "t2j-hostile-poison-cache").exists()


def test_edits_of_the_reference_t2j_and_home_are_refused(attacks):
    _rejected(_run(attacks, "edit_files"))
    places = [attacks, Path("/root"), Path("/tmp"), Path(t2j.__file__).parent]
    assert not [p for p in places if (p / "t2j-hostile-written").exists()]


# ---------------------------------------------------------------------------------------------------------
# Reach: secrets, network, persistence


def test_secrets_stay_out_of_reach(attacks, monkeypatch, tmp_path):
    marker = "t2j-secret-marker"
    for name in ("DATABASE_URL", "MYSQL_PWD", "SLACK_WEBHOOK_URL", "AWS_SECRET_ACCESS_KEY", "PLAIN_SETTING"):
        monkeypatch.setenv(name, f"{marker}-{name}")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text(f"machine example.com login me password {marker}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("T2J_TEST_HOME", str(home))
    verdict = _run(attacks, "secrets_snoop")
    assert verdict.ok, verdict.error  # the attack raises if it saw any secret


def test_network_is_unreachable(attacks):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    (attacks / "port.txt").write_text(str(server.getsockname()[1]))
    try:
        verdict = _run(attacks, "network")
        assert verdict.ok, verdict.error  # the attack raises if any connection succeeded
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()


def test_daemons_die_with_the_job_and_later_jobs_are_unaffected(attacks):
    _run(attacks, "daemon")  # _run asserts the daemon (`sleep 987.6543`) is gone
    assert _run(attacks, "correct").ok
    assert not _run(attacks, "wrong").ok


# ---------------------------------------------------------------------------------------------------------
# Resource exhaustion and signals


def test_fork_bomb_is_stopped(attacks):
    _rejected(_run(attacks, "fork_bomb", process_limit=64, timeout_s=60), "process")
    assert _run(attacks, "correct").ok


@pytest.mark.slow
def test_memory_bomb_over_several_processes_is_stopped(attacks):
    _rejected(_run(attacks, "memory_bomb", memory_limit_mb=1200, timeout_s=60), "memory limit")


def test_output_flood_is_capped(attacks):
    _rejected(_run(attacks, "flood", output_limit_mb=16), "output limit")


def test_signals_to_the_parent_leave_the_caller_alive(attacks):
    _rejected(_run(attacks, "signal_parent", timeout_s=10))
    assert _run(attacks, "correct").ok


@pytest.mark.slow
def test_a_program_that_never_ends_times_out_in_the_runner(attacks):
    verdict = _run(attacks, "infinite_program", timeout_s=20)
    _rejected(verdict, "timed out")
    assert verdict.failed_stage == "jax"


# ---------------------------------------------------------------------------------------------------------
# Crashes get verdicts that say who died and how


@pytest.mark.parametrize("name", ["exit_at_import", "sys_exit_at_import", "exit_at_call"])
def test_exit_with_success_is_a_failure(attacks, name):
    verdict = _run(attacks, name)
    _rejected(verdict, "the JAX translation exited with code 0 before writing its results")
    assert verdict.failed_stage == "jax"


def test_segfault_is_named(attacks):
    verdict = _run(attacks, "segfault")
    _rejected(verdict, "SIGSEGV (segmentation fault)")
    assert verdict.failed_stage == "jax"


def test_a_reference_that_exits_is_blamed_on_the_reference(attacks):
    verdict = verify_files(attacks / "reference_exits.py", attacks / "correct.py", entry="Model")
    _rejected(verdict, "the PyTorch reference exited with code 0")
    assert verdict.failed_stage == "torch"


# ---------------------------------------------------------------------------------------------------------
# The command line


def _cli(*args, env=None, **kwargs):
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.Popen(
        [sys.executable, "-m", "t2j.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        **kwargs,
    )


def test_save_weights_never_imports_the_translation_in_t2j(attacks, tmp_path):
    weights = tmp_path / "w.safetensors"
    run = _cli("verify", attacks / "reference.py", attacks / "import_marker.py", "--save-weights", weights)
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, out + err
    assert weights.exists() and not (attacks / "imported-outside-sandbox").exists()
    from safetensors.numpy import load_file

    assert load_file(str(weights))["fc.kernel"].shape == (8, 4)


def test_sigterm_ends_everything_t2j_started(attacks):
    run = _cli("verify", attacks / "reference.py", attacks / "hang.py")
    deadline = time.monotonic() + 300
    while not _leftovers() and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
    assert _leftovers(), "the hanging translation never started"
    run.send_signal(signal.SIGTERM)
    run.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while _leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _leftovers(), _leftovers()


def test_require_isolation_refuses_weak_sandboxes(attacks):
    run = _cli(
        "verify", attacks / "reference.py", attacks / "correct.py", "--require-isolation", env={"T2J_SANDBOX": "weak"}
    )
    out, err = run.communicate(timeout=300)
    assert run.returncode == 2 and "sandboxing is unavailable" in err and err.count("\n") == 1, (out, err)


@pytest.mark.slow
def test_weak_isolation_is_reported(attacks):
    run = _cli("verify", attacks / "reference.py", attacks / "correct.py", env={"T2J_SANDBOX": "weak"})
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0 and "isolation: weak" in out, (out, err)


# ---------------------------------------------------------------------------------------------------------
# Training translations


def test_a_script_replay_cannot_read_the_torch_recording(monkeypatch):
    """The recording checker: a translation that trains wrongly (no update) and looks for the torch recording
    (losses, weights after training) in its folder, the parent folder, /tmp, home and /proc/<ppid> to forge its
    results finds nothing: its own losses are compared, and it is not verified."""
    from t2j.rules import translate_rules
    from t2j.verify.recording import verify_script

    script = ROOT / "tests" / "data" / "scripts" / "regression_loop.py"
    translated = translate_rules(script.read_text()).code
    wrong = translated.replace("    optimizer.update(model, grads)\n", "")
    assert wrong != translated
    attack = (HOSTILE / "forge_read_recording.py").read_text() + "\n\n" + wrong
    report = verify_script(script, attack, max_steps=3, check_modules=False)
    assert report.error is None, report.error
    [step] = report.train_steps
    assert not step.ok and not report.step_verified, step
    assert "losses differ" in step.summary, step.summary  # the forged (torch) losses would have agreed
    # handed the whole torch recording as its input (a forged verified step when the JAX side's own numbers were
    # compared, before recording_replay), the same attack still fails: the trusted runner replays the exported step
    import t2j.verify.recording as recording

    from t2j.verify.bundle import Bundle

    honest = recording.replay_inputs
    monkeypatch.setattr(
        recording,
        "replay_inputs",
        lambda recorded, steps: Bundle(arrays=recorded.arrays, meta={**recorded.meta, **honest(recorded, steps).meta}),
    )
    forged = verify_script(script, attack, max_steps=3, check_modules=False)
    [step] = forged.train_steps
    assert not step.ok and not forged.step_verified and "losses differ" in step.summary, step.summary


def test_a_script_replay_cannot_report_forged_losses_and_weights():
    """The recording checker: a translation whose step never updates the weights trains torch's model exactly in
    numpy from its replay inputs and overwrites the losses and trained weights its process reports (VERIFIED on
    04d3816, when those reported numbers were compared). The numbers compared now come from the trusted runner's
    replay of the exported step, and it is not verified; the honest translation still is."""
    from t2j.rules import translate_rules
    from t2j.verify.recording import verify_script

    script = ROOT / "tests" / "data" / "scripts" / "regression_loop.py"
    translated = translate_rules(script.read_text()).code
    wrong = translated.replace("    optimizer.update(model, grads)\n", "")
    assert wrong != translated
    attack = (HOSTILE / "forge_reported_losses.py").read_text() + "\n\n" + wrong
    report = verify_script(script, attack, max_steps=3, check_modules=False)
    assert report.error is None, report.error
    [step] = report.train_steps
    assert not step.ok and not report.step_verified, step
    assert "losses differ" in step.summary and "weights after the last step differ" in step.summary, step.summary
    honest = verify_script(script, translated, max_steps=3, check_modules=False)
    assert honest.step_verified, honest.train_steps


def test_a_training_translation_cannot_read_the_torch_results(tmp_path, monkeypatch):
    """make_models/make_data/train: a translation that drops the scheduler (its losses drift) and looks for the
    torch losses and final weights in its folder, the folders above, /tmp, home, the environment and
    /proc/<ppid> to return them instead finds nothing: its own losses are compared, and it is not verified."""
    from t2j.verify.training import verify_training_files

    reference = ROOT / "tests" / "data" / "training" / "bn_sgd_momentum.py"
    translated = t2j.translate(reference, verify=False).code
    wrong = translated.replace("        scheduler.step()\n", "", 1)
    assert wrong != translated
    attack = tmp_path / "forge_read_training.py"
    attack.write_text(wrong + "\n\n" + (HOSTILE / "forge_read_training.py").read_text())
    verdict = verify_training_files(reference, attack)
    assert not verdict.ok and verdict.error is None, verdict.summary()
    assert not verdict.check("losses").ok, verdict.summary()  # the forged (torch) losses would have agreed
    # handed the torch results (the whole torch bundle as its input), the same attack still fails: the numbers
    # compared are the trusted runner's replay of the exported steps, not what train() returns
    import t2j.verify.training as training

    monkeypatch.setattr(training, "jax_training_job", lambda torch_bundle: torch_bundle)
    forged = verify_training_files(reference, attack)
    assert not forged.ok, forged.summary()
    assert "NotReplayable" in (forged.error or "") or not forged.check("losses").ok, forged.summary()


def test_a_script_replay_cannot_use_torch():
    """The recording checker's JAX replay runs with torch hidden: a translation that imports torch (to rerun the
    torch training and report its numbers) crashes on the import and is not verified."""
    from t2j.rules import translate_rules
    from t2j.verify.recording import verify_script

    script = ROOT / "tests" / "data" / "scripts" / "regression_loop.py"
    attack = "import torch\n" + translate_rules(script.read_text()).code
    report = verify_script(script, attack, max_steps=2, check_modules=False)
    [step] = report.train_steps
    assert not step.ok and "TorchImportBlocked" in step.summary, step.summary


def test_a_training_translation_cannot_report_an_empty_layout(tmp_path):
    """The JAX side reports how each torch tensor was ported; a translation that reports empty slices (so that the
    compared final weights are empty arrays) is refused: every torch parameter must be compared in full."""
    from t2j.verify.training import verify_training_files

    reference = ROOT / "tests" / "data" / "training" / "mlp_adam_dropout.py"
    translated = t2j.translate(reference, verify=False).code
    wrong = translated.replace("torch_adam(lr=1e-2, weight_decay=1e-3)", "optax.adamw(1e-2, weight_decay=1e-3)", 1)
    assert wrong != translated
    attack = tmp_path / "forge_port_layout.py"
    attack.write_text(wrong + "\n\n" + (HOSTILE / "forge_port_layout.py").read_text())
    verdict = verify_training_files(reference, attack)
    _rejected(verdict, "reports no full layout")


def test_training_numbers_computed_outside_jax_are_not_believed(attacks):
    """train() computes the exact torch losses and final weights in numpy and writes the weights into the model
    (verified before the replay, on the numbers the JAX side reported): no jitted step ran, so nothing can be
    replayed and the run is NOT VERIFIED, saying why."""
    from t2j.verify.training import verify_training_files

    verdict = verify_training_files(attacks / "train_reference.py", attacks / "forge_numpy_training.py")
    _rejected(verdict, "NotReplayable", "nnx.jit")


def test_forged_training_losses_and_weights_are_replaced_by_the_replay(attacks):
    """A jitted step that computes a wrong loss and no update, while train() returns the numpy-computed torch
    losses labelled as that step's outputs and writes the numpy-trained weights into the model after the last
    step (verified before the replay): host code wrote weights that no step computed, so the run is not
    replayable, saying which; without the weight writes, the runner's own replay gives the step's real losses
    and the weights it carried itself, and both checks fail."""
    from t2j.verify.training import verify_training_files

    verdict = verify_training_files(attacks / "train_reference.py", attacks / "forge_sourced_losses.py")
    _rejected(verdict, "NotReplayable", "host code changed '", "outside the jitted steps")
    attack = attacks / "forge_sourced_losses.py"
    text = attack.read_text()
    forged_losses_only = text.replace("    model.kernel[...] = jnp.asarray(kernel, jnp.float32)\n", "").replace(
        "    model.bias[...] = jnp.asarray(bias, jnp.float32)\n", ""
    )
    assert forged_losses_only.count("model.") < text.count("model.")
    (attacks / "forge_sourced_losses_only.py").write_text(forged_losses_only)
    verdict = verify_training_files(attacks / "train_reference.py", attacks / "forge_sourced_losses_only.py")
    assert not verdict.ok and verdict.error is None, verdict.summary()
    assert not verdict.check("losses").ok and not verdict.check("final_weights").ok, verdict.summary()


def test_running_statistics_the_translation_does_not_hold_fail(attacks):
    """A BatchNorm translation without running statistics (and the port's refusal of the torch buffers patched
    away) agrees in both modes from a fresh model; torch's running mean and variance after the training-mode
    call are compared all the same, and missing on the JAX side they fail the check."""
    verdict = verify_files(attacks / "bn_reference.py", attacks / "stats_not_held.py")
    assert not verdict.ok and verdict.error is None, verdict.summary()
    stats = verdict.check("running_stats")
    assert not stats.ok and {t.name for t in stats.tensors if not t.ok} == {"bn.running_mean", "bn.running_var"}
