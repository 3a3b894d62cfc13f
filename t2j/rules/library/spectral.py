"""torch.fft.* -> jnp.fft.* (same transforms, `norm` strings and complex dtypes; `dim` -> `axis`/`axes`), and the
views between complex tensors and real ones with a last axis of (real, imag): torch.view_as_real/view_as_complex.
Gradients through the complex ops agree with torch's for real-valued losses (the examples check them)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, code, expr

ONE_AXIS = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft")  # (input, n, dim, norm)
MANY_AXES = ("fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn")  # (input, s, dim, norm)
SHIFTS = ("fftshift", "ifftshift")  # (input, dim)


@register
class FourierTransforms(CallRule):
    """torch.fft.fft/fft2/fftn/rfft/irfft/... -> jnp.fft.<same> (torch's `dim` is `axis` for the 1-D
    transforms and `axes` for the others and the shifts; `n`, `s` and `norm` mean the same)."""

    targets = tuple(f"torch.fft.{name}" for name in ONE_AXIS + MANY_AXES + SHIFTS)
    examples = [
        Example(
            torch="y = torch.fft.fft2(x).abs() + torch.fft.fft(x, dim=1, norm='ortho').real",
            jax="y = jnp.abs(jnp.fft.fft2(x)) + jnp.fft.fft(x, axis=1, norm='ortho').real",
            inputs={"x": (2, 4, 6)},
        ),
        Example(
            torch="y = torch.fft.irfft(torch.fft.rfft(x, n=8), n=8) + torch.fft.fftshift(x, dim=(-2, -1))",
            jax="y = jnp.fft.irfft(jnp.fft.rfft(x, n=8), n=8) + jnp.fft.fftshift(x, axes=(-2, -1))",
            inputs={"x": (2, 3, 8)},
        ),
        Example(
            torch="y = torch.fft.irfftn(torch.fft.rfftn(x, dim=(1, 2)), s=(4, 6), dim=(1, 2), norm='forward')",
            jax="y = jnp.fft.irfftn(jnp.fft.rfftn(x, axes=(1, 2)), s=(4, 6), axes=(1, 2), norm='forward')",
            inputs={"x": (2, 4, 6)},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        name = qualname.rsplit(".", 1)[1]
        if name in SHIFTS:
            params, axis = ["input", "dim"], "axes"
        else:
            params, axis = (
                ["input", "n" if name in ONE_AXIS else "s", "dim", "norm"],
                "axis" if name in ONE_AXIS else "axes",
            )
        b = bind(node, params)
        if b is None or "input" not in b:
            return None
        args = [arg(b["input"])]
        for param in params[1:]:
            if param in b:
                args.append(arg(b[param], axis if param == "dim" else param))
        ctx.use("jnp")
        return call(f"jnp.fft.{name}", args)


@register
class ComplexViews(CallRule):
    """torch.view_as_real(z) -> the real and imaginary parts stacked on a new last axis (`jnp.stack([z.real,
    z.imag], axis=-1)`, or the helper of that where z is an expression); torch.view_as_complex(x)
    -> `lax.complex(x[..., 0], x[..., 1])` (a copy, where torch shares memory: values and gradients are the same)."""

    targets = ("torch.view_as_real", "torch.view_as_complex")
    examples = [
        Example(
            torch="y = torch.view_as_real(torch.fft.fft2(x))",
            jax="y = torch_view_as_real(jnp.fft.fft2(x))",
            inputs={"x": (2, 4, 4)},
        ),
        Example(
            torch="z = torch.view_as_complex(x)\nw = z * z\ny = torch.view_as_real(w)",
            jax="z = lax.complex(x[..., 0], x[..., 1])\nw = z * z\ny = jnp.stack([w.real, w.imag], axis=-1)",
            inputs={"x": (3, 5, 2)},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        b = bind(node, ["input"])
        if b is None or "input" not in b:
            return None
        value = code(b["input"])
        if qualname.endswith("view_as_complex"):
            ctx.use("lax")
            return expr(f"lax.complex({value}[..., 0], {value}[..., 1])")
        if not isinstance(b["input"], (cst.Name, cst.Attribute)):
            # an expression (a call, a product): computed once, by the helper, not spelled out twice
            return call(ctx.helper("torch_view_as_real"), [arg(b["input"])])
        ctx.use("jnp")
        return expr(f"jnp.stack([{value}.real, {value}.imag], axis=-1)")
