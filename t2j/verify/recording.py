"""The recording checker: verify the translation of any training script, no convention needed.

1. The PyTorch script runs sandboxed with recording hooks (t2j.verify.recording_side): for every nn.Module class
   it defines, the constructor arguments and inputs of its first call; for the first `max_steps` optimizer
   steps of every train step the translator emitted, the loss, the torch values of the step's parameters and at
   the first step the weights of its modules; the weights after the last recorded step. Then it is stopped.
2. Module checks: each translated class against its torch class with the recorded arguments (forward, backward,
   train mode: the module verifier, t2j.verify.api), on the class definitions of both files.
3. Step replay: the translated script runs sandboxed with its train steps wrapped: the torch initial weights
   ported in, the recorded batches fed to the step, each call captured as an exported program; the trusted
   runner replays those programs from the torch initial weights on the recorded batches
   (t2j.verify.recording_replay) and its per-step losses and weights after the last step must match torch
   within the training tolerances or torch's own float32 noise floor (t2j.verify.recording_floor; what the
   translation's process says it computed is not believed). The replay's sandbox (torch hidden) gets only `replay_inputs`,
   never the torch losses or trained weights: this process compares, mapping torch's weights into the JAX
   layout through the port mappings the replay reports (`expected_weights`).

Which parameter of a step holds which torch value is data the translator emits (`# t2j: train-step` lines,
RulesResult.train_steps), never guessed. Dropout is switched off on both sides and reported.
"""

from __future__ import annotations

import ast
import base64
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field, computed_field

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import compare_arrays, compare_trees
from t2j.verify.recording_defs import definitions_only
from t2j.verify.report import Check, TensorCheck, Tolerances, Verification
from t2j.verify.sandbox import Limits, run_command

STEP_MARK = "# t2j: train-step "  # the format of t2j.rules.context.step_lines


class ModuleCheck(BaseModel):
    name: str
    ok: bool
    summary: str


class StepCheck(BaseModel):
    step: str
    ok: bool
    steps: int = 0  # optimizer steps replayed
    loss_max_abs: float | None = None
    weights_max_abs: float | None = None
    summary: str


class ScriptReport(BaseModel):
    """What the recording checker could verify of one translated training script."""

    modules: list[ModuleCheck] = Field(default_factory=list)
    train_steps: list[StepCheck] = Field(default_factory=list)
    not_checked: list[str] = Field(default_factory=list)  # what could not be checked, and why
    notes: list[str] = Field(default_factory=list)
    error: str | None = None

    @computed_field
    @property
    def modules_checked(self) -> int:
        return len(self.modules)

    @computed_field
    @property
    def modules_verified(self) -> int:
        return sum(m.ok for m in self.modules)

    @computed_field
    @property
    def step_verified(self) -> bool:
        return bool(self.train_steps) and all(s.ok for s in self.train_steps) and self.error is None

    @computed_field
    @property
    def steps(self) -> int:
        return min((s.steps for s in self.train_steps), default=0)

    @computed_field
    @property
    def summary(self) -> str:
        if self.error:
            return f"NOT VERIFIED: {self.error[:200]}"
        parts = [f"modules {self.modules_verified}/{self.modules_checked} verified"]
        if self.train_steps:
            parts.append(
                "train step " + ("VERIFIED" if self.step_verified else "NOT VERIFIED") + f" over {self.steps} step(s)"
            )
            parts += [s.summary for s in self.train_steps if not s.ok][:2]
        else:
            parts.append("no train step replayed")
        return "; ".join(parts + self.not_checked[:2])


def as_verification(report: ScriptReport) -> Verification:
    """The checker's report as the verifier's Verification (kind "script"): one check per module class and per
    train step, what could not be checked in the notes. Verified needs a replayed train step and every module."""
    checks = [Check(name=f"module {m.name}", ok=m.ok) for m in report.modules]
    checks += [
        Check(
            name=f"train step {s.step} ({s.steps} steps)",
            ok=s.ok,
            tensors=[
                TensorCheck(
                    name="losses", max_abs_err=s.loss_max_abs or 0.0, ok=s.ok, problem=None if s.ok else s.summary
                )
            ],
        )
        for s in report.train_steps
    ]
    ok = report.step_verified and all(m.ok for m in report.modules)
    return Verification(
        ok=ok,
        entry="script",
        kind="script",
        checks=checks,
        error=report.error,
        failed_stage="record" if report.error else None,
        tolerances=Tolerances(),
        notes=report.not_checked + report.notes,
    )


def last_exception(text: str) -> str:
    """The last `SomeError: ...` line of a traceback (JAX appends a note after it), else its last line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    found = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", line)]
    return (found[-1] if found else (lines[-1] if lines else ""))[:300]


def train_steps_of(jax_code: str) -> list[dict]:
    """The train-step data the translator emitted into `jax_code`."""
    steps = []
    for line in jax_code.splitlines():
        if line.startswith(STEP_MARK):
            try:
                steps.append(json.loads(line[len(STEP_MARK) :]))
            except ValueError:
                continue
    return steps


def verify_script(
    torch_path: str | Path,
    jax_code: str,
    max_steps: int = 5,
    timeout_s: float = 120.0,
    settings: Settings | None = None,
    check_modules: bool = True,
) -> ScriptReport:
    """Record the torch script at `torch_path`, check its module classes and replay its translated train steps
    (`jax_code`). Never raises for a bad translation: what failed is in the report."""
    return verify_script_sources(Path(torch_path).read_text(), jax_code, max_steps, timeout_s, settings, check_modules)


def verify_script_sources(
    torch_code: str,
    jax_code: str,
    max_steps: int = 5,
    timeout_s: float = 120.0,
    settings: Settings | None = None,
    check_modules: bool = True,
) -> ScriptReport:
    """`verify_script` for a torch script held in a string."""
    settings = settings or Settings()
    report = ScriptReport()
    steps = train_steps_of(jax_code)
    if not steps:
        report.not_checked.append("the translation has no train step (no '# t2j: train-step' data) to replay")
    unreplayable = [s["step"] for s in steps if s.get("kind") != "train"]
    if unreplayable:
        report.not_checked.append(f"gradient-accumulation steps are not replayed: {', '.join(unreplayable)}")
    workdir = Path(tempfile.mkdtemp(prefix="t2j-record-"))
    try:
        (workdir / "script_torch.py").write_text(torch_code)
        (workdir / "script_jax.py").write_text(jax_code)
        job = {"script": "script_torch.py", "translation": "script_jax.py", "max_steps": max_steps, "steps": steps}
        (workdir / "job.json").write_text(json.dumps(job))
        torch_run = _run_side(
            "torch", workdir, ["job.json", "script_torch.py"], ["torch.npz", "torch.json"], timeout_s, settings
        )
        if not (workdir / "torch.json").exists():
            why = f"timed out after {timeout_s:g} s" if torch_run.timed_out else last_exception(torch_run.tail(40))
            report.error = f"the torch script could not be recorded: {why}"
            return report
        recorded = Bundle.load(workdir / "torch")
        if recorded.meta.get("script_error"):
            report.notes.append(
                "the torch script failed after recording began: " + last_exception(recorded.meta["script_error"])
            )
        if check_modules:
            report.modules = _check_modules(torch_code, jax_code, workdir, recorded, report, settings)
        if any(recorded.meta["steps"].get(s["step"], {}).get("steps") for s in steps):
            # the JAX side's own folder: the job, the translation and the inputs of the replay, never the
            # torch losses or weights after training (compared here, in the trusted parent)
            jaxdir = workdir / "jax-inputs"
            jaxdir.mkdir()
            for name in ("job.json", "script_jax.py"):
                shutil.copyfile(workdir / name, jaxdir / name)
            replay_inputs(recorded, steps).save(jaxdir / "replay")
            jax_run = _run_side(
                "jax",
                jaxdir,
                ["job.json", "script_jax.py", "replay.npz", "replay.json"],
                ["jax.npz", "jax.json"],
                timeout_s,
                settings,
            )
            if not (jaxdir / "jax.json").exists():
                why = f"timed out after {timeout_s:g} s" if jax_run.timed_out else last_exception(jax_run.tail(40))
                report.train_steps = [
                    StepCheck(step=s["step"], ok=False, summary=f"replay crashed: {why}")
                    for s in steps
                    if s.get("kind") == "train"
                ]
            else:
                replayed = Bundle.load(jaxdir / "jax")
                cache: dict[str, dict] = {}
                report.train_steps = _compare_steps(steps, recorded, replayed, settings, report, cache)
                if any(cache[s.step]["tolerance_only"] for s in report.train_steps if s.step in cache):
                    floor = _noise_floor(workdir, [s.step for s in report.train_steps], timeout_s, settings, recorded)
                    if isinstance(floor, str):
                        report.notes.append(f"no float32 noise floor: {floor}")
                    else:
                        report.train_steps = _compare_steps(steps, recorded, replayed, settings, report, cache, floor)
        elif steps:
            report.not_checked.append("the torch run never reached a translated train step's backward()")
        if recorded.meta.get("noise"):
            report.notes.append(
                f"normal draws inside the models' forward ({recorded.meta['noise']} in torch) replaced by their mean "
                "on both sides (two generators cannot share draws): the replay checks the network around the noise"
            )
        if recorded.meta.get("dropout"):
            report.notes.append("dropout disabled on both sides (masks of two random generators cannot match)")
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_side(side: str, workdir: Path, inputs: list[str], outputs: list[str], timeout_s: float, settings: Settings):
    """One side in a fresh sandbox (t2j.verify.sandbox.run_command): `inputs` copied from `workdir` into its
    scratch folder, `outputs` copied back. The JAX side cannot import torch."""
    result, kept = run_command(
        [sys.executable, "-m", "t2j.verify.recording_side", side, "."],
        Limits(timeout_s=timeout_s, memory_mb=settings.memory_limit_mb),
        stdin_files={name: (workdir / name).read_bytes() for name in inputs},
        keep=outputs,
        no_torch=side == "jax",
    )
    for name, data in kept.items():
        (workdir / name).write_bytes(data)
    return result


def _noise_floor(workdir: Path, names: list[str], timeout_s: float, settings: Settings, recorded: Bundle):
    """The torch script recorded again with its modules' parameters nudged by one float32 ulp
    (t2j.verify.recording_floor), or why it cannot serve as the floor of the steps `names`."""
    from t2j.verify.recording_floor import not_comparable

    floordir = workdir / "floor"
    floordir.mkdir()
    shutil.copyfile(workdir / "script_torch.py", floordir / "script_torch.py")
    job = json.loads((workdir / "job.json").read_text())
    (floordir / "job.json").write_text(json.dumps({**job, "nudge": True}))
    run = _run_side(
        "torch", floordir, ["job.json", "script_torch.py"], ["torch.npz", "torch.json"], timeout_s, settings
    )
    if not (floordir / "torch.json").exists():
        return "the nudged torch run " + (f"timed out after {timeout_s:g} s" if run.timed_out else "failed")
    nudged = Bundle.load(floordir / "torch")
    return not_comparable(recorded, nudged, names) or nudged


def replay_inputs(recorded: Bundle, steps: list[dict]) -> Bundle:
    """What the JAX replay may know of the torch recording: for each train step the number of steps torch made,
    its initial weights, the recorded batches and the closed-over tensors. Not the losses, not the weights after
    training, not the module samples."""
    out = Bundle(meta={"targets": {}})
    for mapping in steps:
        name = mapping["step"]
        if mapping.get("kind") != "train":
            continue
        out.meta["targets"][name] = int(recorded.meta["steps"].get(name, {}).get("steps", 0))
        for key, value in recorded.arrays.items():
            owner, _, rest = key.partition("/")
            part = rest.split("/")[0]
            if owner == name and (part in ("init", "closure") or re.fullmatch(r"call\d+", part)):
                out.arrays[key] = value
        for key, value in recorded.meta.items():
            if key.startswith(f"{name}/init/"):
                out.meta[key] = value
    return out


def expected_weights(recorded: Bundle, name: str, replayed: Bundle, problems: list[str]) -> tuple[dict, dict]:
    """The torch weights after the last step mapped, here, into the JAX layout through the layout steps the JAX
    side reports for the ported model (`{name}/mappings`), and the JAX final weights at the same paths. Every
    torch parameter must be ported, each in full, or `problems` says which is not."""
    import numpy as np

    from t2j.verify.port import apply_steps

    if f"{name}/final" not in recorded.meta:
        return {}, {}
    state = recorded.meta[f"{name}/final"]
    torch_values = recorded.group(f"{name}/final")
    final = replayed.group(f"{name}/final")
    expected: dict = {}
    covered: dict[str, int] = {}
    for m in replayed.meta.get(f"{name}/mappings", []):
        key, path = m["torch_key"], m["jax_path"]
        if key in torch_values and path in final and path not in expected:
            value = apply_steps(torch_values[key], [tuple(step) for step in m["steps"]])
            expected[path] = value.astype(np.asarray(final[path]).dtype)
            covered[key] = covered.get(key, 0) + int(value.size)
    required = [k for k in state["parameter_keys"] if k not in state.get("aliases", {}) and k in torch_values]
    partial = [k for k in required if covered.get(k, 0) != torch_values[k].size]
    if partial:
        problems.append("the replay did not port the torch parameter(s) " + ", ".join(partial[:5]))
    return expected, {path: final[path] for path in expected}


def _compare_steps(
    steps: list[dict],
    recorded: Bundle,
    replayed: Bundle,
    settings: Settings,
    report: ScriptReport,
    cache: dict,
    floor: Bundle | None = None,
) -> list[StepCheck]:
    """One StepCheck per replayed train step. `cache` keeps the trusted runner's replay of each step (a second
    call, with the nudged torch run as the noise `floor`, judges the same numbers again)."""
    from t2j.verify.recording_floor import note, widen_losses, widen_weights

    tol = Tolerances(rtol=settings.train_rtol, atol=settings.train_atol)
    out = []
    widened: list[str] = []
    if replayed.meta.get("script_error") and floor is None:
        report.notes.append(
            "the translated script failed during the replay: " + last_exception(replayed.meta["script_error"])
        )
    for mapping in steps:
        name = mapping["step"]
        torch_side = recorded.meta["steps"].get(name, {})
        jax_side = replayed.meta["steps"].get(name, {})
        expected = torch_side.get("losses", [])
        actual = jax_side.get("losses", [])
        if mapping.get("kind") != "train" or not expected:
            continue
        problems = list(torch_side.get("missing", [])) + [str(p) for p in jax_side.get("problems", [])]
        if len(actual) != len(expected):
            error = last_exception(replayed.meta.get("script_error", ""))
            out.append(
                StepCheck(
                    step=name,
                    ok=False,
                    steps=len(actual),
                    summary=(
                        f"{name}: torch made {len(expected)} step(s), the translation {len(actual)}"
                        + (f" ({error[:160]})" if error else "")
                    ),
                )
            )
            continue
        import numpy as np

        from t2j.verify.recording_replay import ReplayRefused, replay_step

        try:  # the numbers compared: the trusted runner's replay of the exported step, not the JAX side's own
            if name not in cache:
                cache[name] = {"replay": replay_step(name, _trained(mapping), recorded, replayed, settings)}
            trusted_losses, trusted_final = cache[name]["replay"]
        except ReplayRefused as exc:
            out.append(StepCheck(step=name, ok=False, steps=len(actual), summary=f"{name}: NotReplayable: {exc}"))
            continue
        view = Bundle(meta={f"{name}/mappings": replayed.meta.get(f"{name}/mappings", [])})
        view.put_group(f"{name}/final", trusted_final)
        losses = compare_arrays("losses", np.asarray(expected), trusted_losses, tol)
        reference, final = expected_weights(recorded, name, view, problems)
        weights = compare_trees("final_weights", reference, final, tol)
        has_weights = bool(reference)
        cache[name]["tolerance_only"] = has_weights and not problems and not (losses.ok and weights.ok)
        if floor is not None:
            widen_losses(losses, name, recorded, floor, widened)
            widen_weights(weights, reference, expected_weights(floor, name, view, [])[0], widened)
        ok = losses.ok and weights.ok and has_weights and not problems
        why = []
        if not losses.ok:
            why.append(f"losses differ (max abs {losses.max_abs_err:.2e}, limit {losses.limit:.2e})")
        if not weights.ok:
            bad = [t.name for t in weights.tensors if not t.ok][:3]
            why.append(f"weights after the last step differ ({', '.join(bad)}; max abs {weights.max_abs_err:.2e})")
        if not has_weights:
            why.append("the trained model's weights were not compared")
        why += problems[:2]
        out.append(
            StepCheck(
                step=name,
                ok=ok,
                steps=len(actual),
                loss_max_abs=losses.max_abs_err,
                weights_max_abs=weights.max_abs_err if has_weights else None,
                summary=f"{name}: " + ("ok" if ok else "; ".join(why)),
            )
        )
    if widened:
        report.notes.append(note(widened))
    return out


def _trained(mapping: dict) -> list[str]:
    """The step parameters holding the models its optimizer trains (as t2j.verify.recording_side reads them)."""
    return list(mapping.get("models") or [mapping["model"]])


# ------------------------------------------------------------------------------------------------------------
# Module checks on the class definitions of both files


def _check_modules(
    torch_code: str,
    jax_code: str,
    workdir: Path,
    recorded: Bundle,
    report: ScriptReport,
    settings: Settings,
    limit: int = 6,
) -> list[ModuleCheck]:
    from t2j.verify.api import verify_sources

    jax_classes = {n.name for n in ast.parse(jax_code).body if isinstance(n, ast.ClassDef)}
    torch_defs, jax_defs = definitions_only(torch_code), definitions_only(jax_code)
    checks = []
    for name, sample in list(recorded.meta.get("samples", {}).items()):
        if "skipped" in sample:
            report.not_checked.append(f"module {name}: not checked ({sample['skipped']})")
            continue
        if name not in jax_classes:
            checks.append(ModuleCheck(name=name, ok=False, summary=f"{name}: the translation defines no {name}"))
            continue
        if len(checks) >= limit:
            report.not_checked.append(f"module {name}: not checked (at most {limit} classes a script)")
            continue
        data = base64.b64encode(recorded.arrays[f"sample/{name}"].tobytes()).decode("ascii")
        reference = (
            torch_defs + "\n\n\nimport base64 as _t2j_base64\nimport io as _t2j_io\n\n"
            "import torch as _t2j_torch\n\n"
            f"_sample = _t2j_torch.load(_t2j_io.BytesIO(_t2j_base64.b64decode({data!r})), "
            "weights_only=False)\n\n\n"
            "def get_init_inputs():\n    return list(_sample['init_args'])\n\n\n"
            "def get_inputs():\n    return list(_sample['args'])\n"
        )
        try:
            # the checks, not the IR or the speed: a script may define several classes
            quick = settings.model_copy(update={"collect_ir": False, "timing_runs": 1})
            verdict = verify_sources(reference, jax_defs, entry=name, settings=quick, torch_readable=[workdir])
            checks.append(ModuleCheck(name=name, ok=verdict.ok, summary=f"{name}: {verdict.summary()}"[:300]))
        except Exception as exc:  # noqa: BLE001 -- a check that cannot run is a failed check, named
            checks.append(ModuleCheck(name=name, ok=False, summary=f"{name}: {type(exc).__name__}: {exc}"[:300]))
    return checks
