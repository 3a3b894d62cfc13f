"""`t2j verify REF.py OUT.py`: prove (or refute) that a JAX translation matches its PyTorch reference."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional, cast

import typer

from t2j.errors import BadInput


def render(verification) -> str:
    """A short human report: the verdict, each check's worst tensor, speed and IR sizes."""
    lines = [verification.summary()]
    if verification.isolation:
        lines.append(f"  isolation: {verification.isolation}")
    if verification.error:
        lines.append(verification.error.rstrip())
        return "\n".join(lines)
    for check in verification.checks:
        if check.skipped:
            continue
        failing = [t for t in check.tensors if not t.ok]
        for tensor in failing[:5]:
            detail = tensor.problem or f"max abs err {tensor.max_abs_err:.3e} > limit {tensor.limit:.3e}"
            lines.append(f"  {check.name}: {tensor.name}: {detail}")
        if len(failing) > 5:
            lines.append(f"  {check.name}: ... and {len(failing) - 5} more (--json lists them all)")
    t = verification.timing
    if t.torch_eager_s and t.jax_jit_s:
        lines.append(
            f"  time: torch eager {t.torch_eager_s * 1e3:.3f} ms, jax jit {t.jax_jit_s * 1e3:.3f} ms, "
            f"compile {t.compile_s:.2f} s"
        )
    if verification.ported:
        lines.append(f"  ported {len(verification.ported)} tensors")
    for note in verification.notes:
        lines.append(f"  note: {note}")
    if verification.ir_forward and verification.ir_forward.op_counts.get("hlo"):
        ops = sum(verification.ir_forward.op_counts["hlo"].values())
        lines.append(f"  IR: forward HLO {ops} ops")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify_command(
        ref: Path = typer.Argument(
            ...,
            help="PyTorch reference file (defines the entry, get_inputs(), get_init_inputs()), "
            "or a training script (make_models(), make_data(), train())",
        ),
        out: Path = typer.Argument(..., help="JAX translation file"),
        entry: Optional[str] = typer.Option(
            None, "--entry", help="name of the module class or function (default Model)"
        ),
        rtol: Optional[float] = typer.Option(None, "--rtol", help="relative tolerance (norm-wise)"),
        atol: Optional[float] = typer.Option(None, "--atol", help="absolute tolerance"),
        float64: bool = typer.Option(False, "--float64", help="compare in double precision (jax_enable_x64)"),
        timeout: float = typer.Option(300.0, "--timeout", help="seconds allowed for each side"),
        train_rtol: Optional[float] = typer.Option(
            None, "--train-rtol", help="training scripts: relative tolerance of losses and final weights"
        ),
        train_atol: Optional[float] = typer.Option(None, "--train-atol", help="training scripts: absolute tolerance"),
        as_json: bool = typer.Option(False, "--json", help="print the full report as JSON"),
        save_weights: Optional[Path] = typer.Option(
            None, "--save-weights", help="also write the ported JAX weights to this .safetensors file"
        ),
        require_isolation: bool = typer.Option(
            False, "--require-isolation", help="fail (exit 2) where the bubblewrap sandbox is unavailable"
        ),
        init_check: str = typer.Option(
            "warn",
            "--init-check",
            help="fresh models' initial weights against torch's, by distribution: fail (fails the verdict), "
            "warn (reported only), off",
        ),
    ):
        """Verify OUT against REF: outputs and gradients under jax.jit (a training script: per-step losses and final
        weights of the same training run). Exit 0 equivalent, 1 not, 2 bad input."""
        from t2j.settings import Settings
        from t2j.source import parse_source, read_source
        from t2j.verify.api import verify_files

        if not timeout > 0:
            raise BadInput(f"--timeout must be a positive number of seconds, got {timeout:g}")
        if init_check not in ("fail", "warn", "off"):
            raise BadInput(f"--init-check must be fail, warn or off, got {init_check!r}")
        settings = Settings(
            float64=float64,
            timeout_s=timeout,
            require_isolation=require_isolation,
            init_check=cast(Literal["fail", "warn", "off"], init_check),
        )
        if rtol is not None:
            settings.rtol = rtol
        if atol is not None:
            settings.atol = atol
        if train_rtol is not None:
            settings.train_rtol = train_rtol
        if train_atol is not None:
            settings.train_atol = train_atol
        parse_source(read_source(out, "translation"), f"translation '{out}'")
        if save_weights is not None and save_weights.suffix != ".safetensors":
            raise BadInput(f"--save-weights needs a .safetensors path, got '{save_weights}'")
        if save_weights is not None:
            from t2j.outputs import check_output

            check_output(save_weights, sources=[ref, out], force=True, what="--save-weights")
        weights: dict = {}
        result = verify_files(ref, out, entry=entry, settings=settings, weights=weights)
        if save_weights is not None and result.ok and weights:
            import numpy as np  # imported here: `t2j --help` and `t2j translate` never load numpy
            from safetensors.numpy import save_file

            save_weights.parent.mkdir(parents=True, exist_ok=True)
            save_file({k: np.ascontiguousarray(v) for k, v in weights.items()}, str(save_weights))
            result.notes.append(f"weights saved to {save_weights}")
        typer.echo(result.model_dump_json(indent=2) if as_json else render(result))
        raise typer.Exit(0 if result.ok else 1)
