"""Building blocks of the grammars: a pair builder that writes both modules, op tables and random expressions.

Every template renders the same computation twice: `t` for PyTorch, `j` for JAX. Placeholders `{0}`, `{1}`...
are operands (already rendered for the matching side). Ops are domain-safe (log/sqrt of |x| + c, divisions by
1 + x^2 ...) so that random inputs do not produce NaNs, and differentiable almost everywhere.
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass, field

from t2j.synth.program import InputSpec, Program


@dataclass(frozen=True)
class Op:
    t: str
    j: str
    api: str  # the torch API it exercises (keys of the few-shot export)
    arity: int = 1


@dataclass
class Code:
    """A rendered expression on both sides, with the torch APIs it uses."""

    t: str
    j: str
    apis: tuple[str, ...] = ()

    def apply(self, op: Op, *others: "Code") -> "Code":
        operands = (self, *others)
        return Code(
            op.t.format(*(atom(o.t) for o in operands)),
            op.j.format(*(atom(o.j) for o in operands)),
            tuple(a for o in operands for a in o.apis) + ((op.api,) if op.api else ()),
        )


_ATOMIC = (ast.Name, ast.Call, ast.Attribute, ast.Subscript)


def atom(text: str) -> str:
    """`text` as an operand: parenthesized unless it is a name, call, attribute, subscript or a parenthesized
    expression, so that templates such as `{0}.tanh()` or `(c - {0})` keep their meaning for any operand."""
    node = ast.parse(text, mode="eval").body
    if isinstance(node, _ATOMIC) or (text.startswith("(") and text.endswith(")") and _balanced(text[1:-1])):
        return text
    if isinstance(node, ast.Constant) and not text.startswith("-"):
        return text
    return f"({text})"


def _balanced(inner: str) -> bool:
    depth = 0
    for ch in inner:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def const(rng: random.Random, low: float = 0.1, high: float = 2.0, signed: bool = True) -> str:
    value = round(rng.uniform(low, high), 2)
    if signed and rng.random() < 0.35:
        value = -value
    return repr(value)


UNARY = [
    Op("torch.exp(-torch.square({0}))", "jnp.exp(-jnp.square({0}))", "torch.exp"),
    Op("torch.tanh({0})", "jnp.tanh({0})", "torch.tanh"),
    Op("{0}.tanh()", "jnp.tanh({0})", "Tensor.tanh"),
    Op("torch.sigmoid({0})", "jax.nn.sigmoid({0})", "torch.sigmoid"),
    Op("torch.sin({0})", "jnp.sin({0})", "torch.sin"),
    Op("torch.cos({0})", "jnp.cos({0})", "torch.cos"),
    Op("torch.relu({0})", "jax.nn.relu({0})", "torch.relu"),
    Op("torch.abs({0})", "jnp.abs({0})", "torch.abs"),
    Op("(-{0})", "(-{0})", ""),
    Op("torch.square({0})", "jnp.square({0})", "torch.square"),
    Op("{0}.pow(2)", "({0} ** 2)", "Tensor.pow"),
    Op("F.softplus({0})", "jax.nn.softplus({0})", "F.softplus"),
    Op("F.gelu({0})", "jax.nn.gelu({0}, approximate=False)", "F.gelu"),
    Op("F.gelu({0}, approximate='tanh')", "jax.nn.gelu({0}, approximate=True)", "F.gelu"),
    Op("F.silu({0})", "jax.nn.silu({0})", "F.silu"),
    Op("F.elu({0})", "jax.nn.elu({0})", "F.elu"),
    Op("F.leaky_relu({0}, 0.1)", "jax.nn.leaky_relu({0}, negative_slope=0.1)", "F.leaky_relu"),
    Op("F.logsigmoid({0})", "jax.nn.log_sigmoid({0})", "F.logsigmoid"),
    Op("F.hardtanh({0})", "jnp.clip({0}, -1.0, 1.0)", "F.hardtanh"),
    Op("torch.erf({0})", "jax.lax.erf({0})", "torch.erf"),
    Op("torch.log(torch.abs({0}) + 1.0)", "jnp.log(jnp.abs({0}) + 1.0)", "torch.log"),
    Op("torch.log1p(torch.square({0}))", "jnp.log1p(jnp.square({0}))", "torch.log1p"),
    Op("torch.sqrt(torch.abs({0}) + 0.5)", "jnp.sqrt(jnp.abs({0}) + 0.5)", "torch.sqrt"),
    Op("torch.rsqrt(torch.square({0}) + 1.0)", "jax.lax.rsqrt(jnp.square({0}) + 1.0)", "torch.rsqrt"),
    Op("torch.atan({0})", "jnp.arctan({0})", "torch.atan"),
    Op("torch.asinh({0})", "jnp.arcsinh({0})", "torch.asinh"),
    Op("F.softsign({0})", "jax.nn.soft_sign({0})", "F.softsign"),
    Op("F.relu6({0})", "jax.nn.relu6({0})", "F.relu6"),
    Op("F.hardswish({0})", "jax.nn.hard_swish({0})", "F.hardswish"),
    Op("F.mish({0})", "({0} * jnp.tanh(jax.nn.softplus({0})))", "F.mish"),
    Op("torch.reciprocal(1.0 + torch.square({0}))", "jnp.reciprocal(1.0 + jnp.square({0}))", "torch.reciprocal"),
    Op("torch.expm1(-torch.abs({0}))", "jnp.expm1(-jnp.abs({0}))", "torch.expm1"),
    Op("torch.sinc({0})", "jnp.sinc({0})", "torch.sinc"),
    Op("{0}.sigmoid()", "jax.nn.sigmoid({0})", "Tensor.sigmoid"),
    Op("{0}.exp().neg()", "(-jnp.exp({0}))", "Tensor.exp"),
    Op("torch.cosh(torch.tanh({0}))", "jnp.cosh(jnp.tanh({0}))", "torch.cosh"),
]

BINARY = [
    Op("({0} + {1})", "({0} + {1})", "", 2),
    Op("({0} - {1})", "({0} - {1})", "", 2),
    Op("({0} * {1})", "({0} * {1})", "", 2),
    Op("torch.add({0}, {1})", "jnp.add({0}, {1})", "torch.add", 2),
    Op("torch.mul({0}, {1})", "jnp.multiply({0}, {1})", "torch.mul", 2),
    Op("torch.sub({0}, {1})", "jnp.subtract({0}, {1})", "torch.sub", 2),
    Op("torch.maximum({0}, {1})", "jnp.maximum({0}, {1})", "torch.maximum", 2),
    Op("torch.minimum({0}, {1})", "jnp.minimum({0}, {1})", "torch.minimum", 2),
    Op("torch.atan2({0}, {1})", "jnp.arctan2({0}, {1})", "torch.atan2", 2),
    Op("({0} / (torch.abs({1}) + 1.0))", "({0} / (jnp.abs({1}) + 1.0))", "", 2),
    Op("torch.div({0}, 1.0 + torch.square({1}))", "jnp.divide({0}, 1.0 + jnp.square({1}))", "torch.div", 2),
    Op("torch.hypot({0}, {1})", "jnp.hypot({0}, {1})", "torch.hypot", 2),
    Op("torch.logaddexp({0}, {1})", "jnp.logaddexp({0}, {1})", "torch.logaddexp", 2),
    Op("{0}.mul({1})", "({0} * {1})", "Tensor.mul", 2),
    Op("{0}.add({1})", "({0} + {1})", "Tensor.add", 2),
    Op(
        "torch.pow(torch.abs({0}) + 1.0, torch.tanh({1}))",
        "jnp.power(jnp.abs({0}) + 1.0, jnp.tanh({1}))",
        "torch.pow",
        2,
    ),
]


def binary_with_constants(rng: random.Random) -> Op:
    """Binary ops whose templates embed a random constant (alpha=, weight=, value=)."""
    c = const(rng)
    choices = [
        Op(f"torch.add({{0}}, {{1}}, alpha={c})", f"({{0}} + {c} * {{1}})", "torch.add", 2),
        Op(f"torch.sub({{0}}, {{1}}, alpha={c})", f"({{0}} - {c} * {{1}})", "torch.sub", 2),
        Op(f"torch.lerp({{0}}, {{1}}, {c})", f"({{0}} + {c} * ({{1}} - {{0}}))", "torch.lerp", 2),
        Op(f"torch.addcmul({{0}}, {{0}}, {{1}}, value={c})", f"({{0}} + {c} * {{0}} * {{1}})", "torch.addcmul", 2),
    ]
    return rng.choice(choices)


def scalar_op(rng: random.Random) -> Op:
    """x (op) scalar, in the many spellings torch allows."""
    c = const(rng)
    p = const(rng, 0.5, 3.0, signed=False)
    choices = [
        Op(f"({{0}} * {c})", f"({{0}} * {c})", ""),
        Op(f"({{0}} + {c})", f"({{0}} + {c})", ""),
        Op(f"({c} - {{0}})", f"({c} - {{0}})", ""),
        Op(f"({{0}} / {p})", f"({{0}} / {p})", ""),
        Op(f"({p} / (1.0 + torch.square({{0}})))", f"({p} / (1.0 + jnp.square({{0}})))", ""),
        Op(f"torch.mul({{0}}, {c})", f"jnp.multiply({{0}}, {c})", "torch.mul"),
        Op(f"torch.add({{0}}, {c})", f"jnp.add({{0}}, {c})", "torch.add"),
        Op(f"torch.rsub({{0}}, {c})", f"({c} - {{0}})", "torch.rsub"),
        Op(f"{{0}}.div({p})", f"({{0}} / {p})", "Tensor.div"),
        Op(f"torch.true_divide({{0}}, {p})", f"jnp.true_divide({{0}}, {p})", "torch.true_divide"),
        Op(f"torch.clamp({{0}}, min={c})", f"jnp.maximum({{0}}, {c})", "torch.clamp"),
        Op(f"{{0}}.clamp_max({c})", f"jnp.minimum({{0}}, {c})", "Tensor.clamp_max"),
        Op(f"torch.clamp({{0}}, -{p}, {p})", f"jnp.clip({{0}}, -{p}, {p})", "torch.clamp"),
        Op(f"torch.pow(torch.abs({{0}}) + 0.5, {p})", f"jnp.power(jnp.abs({{0}}) + 0.5, {p})", "torch.pow"),
        Op(f"(torch.abs({{0}}) + 0.5) ** {p}", f"(jnp.abs({{0}}) + 0.5) ** {p}", "Tensor.__pow__"),
        Op(f"({{0}} * {c} + {p})", f"({{0}} * {c} + {p})", ""),
        Op(f"torch.fmod({{0}}, {p})", f"jnp.fmod({{0}}, {p})", "torch.fmod"),
        Op(f"torch.remainder({{0}}, {p})", f"jnp.remainder({{0}}, {p})", "torch.remainder"),
        Op(
            f"F.leaky_relu({{0}}, {abs(float(c))})",
            f"jax.nn.leaky_relu({{0}}, negative_slope={abs(float(c))})",
            "F.leaky_relu",
        ),
        Op(f"F.elu({{0}}, alpha={p})", f"jax.nn.elu({{0}}, alpha={p})", "F.elu"),
        Op(f"F.softplus({{0}}, beta={p})", f"(jax.nn.softplus({{0}} * {p}) / {p})", "F.softplus"),
        Op(f"F.celu({{0}}, alpha={p})", f"jax.nn.celu({{0}}, alpha={p})", "F.celu"),
    ]
    return rng.choice(choices)


def random_expr(
    rng: random.Random,
    leaves: list[Code],
    depth: int,
    *,
    unary_p: float = 0.35,
    scalar_p: float = 0.2,
    use_all: bool = True,
) -> Code:
    """A random expression tree over `leaves` (all of the same shape, or broadcastable)."""
    pending = list(leaves) if use_all else []
    rng.shuffle(pending)

    def pick_leaf() -> Code:
        if pending:
            return pending.pop()
        return rng.choice(leaves)

    def build(d: int) -> Code:
        if d <= 0:
            return pick_leaf()
        r = rng.random()
        if r < unary_p:
            return build(d - 1).apply(rng.choice(UNARY))
        if r < unary_p + scalar_p:
            return build(d - 1).apply(scalar_op(rng))
        op = binary_with_constants(rng) if rng.random() < 0.15 else rng.choice(BINARY)
        left = build(d - 1)
        right = build(rng.randint(0, d - 1))
        return left.apply(op, right)

    out = build(depth)
    while pending:  # make every argument count, so that every gradient is non-trivial
        out = out.apply(rng.choice(BINARY), pending.pop())
    return out


def random_shape(rng: random.Random, rank: int | None = None, low: int = 2, high: int = 8) -> list[int]:
    rank = rank if rank is not None else rng.randint(1, 3)
    return [rng.randint(low, high) for _ in range(rank)]


@dataclass
class PairBuilder:
    """Accumulates arguments and statements for both sides, then renders two self-contained modules."""

    category: str
    name: str
    inputs: list[InputSpec] = field(default_factory=list)
    t_body: list[str] = field(default_factory=list)
    j_body: list[str] = field(default_factory=list)
    apis: list[str] = field(default_factory=list)
    t_signature: list[str] | None = None  # torch parameter names when they differ (PRNG: noise instead of key)

    def arg(self, name: str, shape: list[int], dtype: str = "float32", kind: str = "normal", **extra) -> Code:
        self.inputs.append(InputSpec(name=name, shape=list(shape), dtype=dtype, kind=kind, **extra))
        return Code(name, name)

    def line(self, t: str, j: str, apis=()) -> None:
        """One statement (may be several lines separated by newlines, indented relative to the body)."""
        self.t_body.extend(t.split("\n"))
        self.j_body.extend(j.split("\n"))
        self.apis.extend(a for a in apis if a)

    def assign(self, var: str, code: Code) -> Code:
        self.line(f"{var} = {code.t}", f"{var} = {code.j}", code.apis)
        return Code(var, var)

    def ret(self, code: Code) -> None:
        self.line(f"return {code.t}", f"return {code.j}", code.apis)

    def build(self, rtol: float | None = None, atol: float | None = None) -> Program:
        names = [spec.name for spec in self.inputs]
        t_names = self.t_signature or names
        comment = "    # " + ", ".join(spec.signature() for spec in self.inputs)
        t_comment = "    # " + ", ".join(
            spec.signature(t if spec.kind == "key" else None) for spec, t in zip(self.inputs, t_names)
        )
        t_text = "\n".join(self.t_body)
        j_text = "\n".join(self.j_body)
        t_imports = ["import torch"]
        if "F." in t_text:
            t_imports.append("import torch.nn.functional as F")
        if "math." in t_text:
            t_imports.append("import math")
        j_imports = ["import jax", "import jax.numpy as jnp"]
        if "math." in j_text:
            j_imports.insert(0, "import math")
        t_code = "\n".join(
            t_imports
            + ["", "", f"def {self.name}({', '.join(t_names)}):", t_comment]
            + ["    " + ln for ln in self.t_body]
            + ["", "", "def get_inputs():", f"    return [{', '.join(torch_input(s) for s in self.inputs)}]", ""]
        )
        j_code = "\n".join(
            j_imports
            + ["", "", f"def {self.name}({', '.join(names)}):", comment]
            + ["    " + ln for ln in self.j_body]
            + [""]
        )
        apis = sorted(set(self.apis))
        return Program(
            category=self.category,
            name=self.name,
            torch_code=t_code,
            jax_code=j_code,
            inputs=self.inputs,
            torch_apis=apis,
            rtol=rtol,
            atol=atol,
        )


def torch_input(spec: InputSpec) -> str:
    """How get_inputs() creates this argument in the PyTorch module (same distribution as the harness)."""
    dims = ", ".join(str(d) for d in spec.shape)
    size = f"({dims},)" if len(spec.shape) == 1 else f"({dims})"
    dtype = "" if spec.dtype == "float32" else f", dtype=torch.{spec.dtype}"
    if spec.kind == "int":
        return f"torch.randint({spec.low}, {spec.high}, {size}, dtype=torch.{spec.dtype})"
    if spec.kind == "positive":
        return f"(torch.rand({size}{dtype}) * 1.5 + 0.5)"
    if spec.kind == "uniform" or (spec.kind == "key" and spec.draw == "uniform"):
        return f"torch.rand({size}{dtype})"
    return f"torch.randn({size}{dtype})"


def uses(name: str, text: str) -> bool:
    """Whether the identifier `name` occurs in `text` as a whole word."""
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def epilogue(rng: random.Random, code: Code, low: int = 1, high: int = 2) -> Code:
    """Apply `low`..`high` pointwise ops to a result; the first carries a random constant."""
    out = code.apply(scalar_op(rng))
    for _ in range(rng.randint(low, high) - 1):
        out = out.apply(rng.choice(UNARY) if rng.random() < 0.5 else scalar_op(rng))
    return out
