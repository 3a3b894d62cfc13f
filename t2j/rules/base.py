"""What a rule is: a small unit that rewrites one kind of node and carries examples that prove it.

Rule kinds (subclass one; every concrete subclass is registered automatically by `all_rules`):
- `CallRule`: calls of canonical names (`targets`, e.g. "torch.nn.Linear"), rewrite(call, ctx, qualname).
- `MethodRule`: tensor method calls `x.name(...)` (`methods`), rewrite(call, ctx, receiver, name).
- `AttributeRule`: attribute reads by canonical name (`targets`, e.g. "torch.float32") or by attribute name
  on any object (`attributes`, e.g. "data"), rewrite(node, ctx, qualname).
- `StatementRule`: a simple statement line after its expressions were rewritten; returns statements or None.
- `ClassRule` / `FunctionRule` / `WithRule`: compound statements (after their bodies were rewritten).
- `BlockRule`: the statement list of an indented block (e.g. a training step inside a loop).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING, Any, ClassVar

import libcst as cst
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from t2j.rules.context import Context


class Tensor(BaseModel):
    """An example input: a random tensor of this shape (normal floats, or integers in [0, high))."""

    shape: list[int]
    dtype: str = "float32"
    high: int | None = None  # integers in [0, high) when dtype is an int type
    positive: bool = False  # floats in (0.05, 1.05) (for logs, probabilities...)


class Example(BaseModel):
    """`torch` rewritten by the rules must read `jax` (checked as text) and compute the same (verified).

    Lines of `torch` that assign `self.<name> = ...` form a module's __init__, the other lines its forward;
    the forward's arguments are `inputs` and it returns `output` (a variable of the snippet)."""

    torch: str
    jax: str
    inputs: dict[str, list[int] | Tensor] = Field(default_factory=dict)
    output: str = "y"
    init_args: str = ""  # constructor parameters of the module, e.g. "n=4"
    verify: bool = True  # False for text-only examples (random numbers, side effects)

    def tensor(self, name: str) -> Tensor:
        spec = self.inputs[name]
        return spec if isinstance(spec, Tensor) else Tensor(shape=list(spec))


class Rule:
    """Base of every rule. `name` defaults to the class name; `examples` prove it."""

    examples: ClassVar[list[Example]] = []
    priority: ClassVar[int] = 0  # higher runs first among rules of one kind for the same target
    abstract: ClassVar[bool] = True  # set on the kind classes below; concrete rules leave it False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "abstract" not in cls.__dict__:
            cls.abstract = False

    @classmethod
    def rule_name(cls) -> str:
        return cls.__name__


class CallRule(Rule):
    abstract = True
    targets: ClassVar[tuple[str, ...]] = ()

    def rewrite(self, node: cst.Call, ctx: "Context", qualname: str) -> cst.BaseExpression | None:
        raise NotImplementedError


class MethodRule(Rule):
    abstract = True
    methods: ClassVar[tuple[str, ...]] = ()

    def rewrite(self, node: cst.Call, ctx: "Context", receiver: cst.BaseExpression,
                name: str) -> cst.BaseExpression | None:
        raise NotImplementedError


class AttributeRule(Rule):
    abstract = True
    targets: ClassVar[tuple[str, ...]] = ()
    attributes: ClassVar[tuple[str, ...]] = ()

    def rewrite(self, node: cst.Attribute, ctx: "Context", qualname: str | None) -> cst.BaseExpression | None:
        raise NotImplementedError


class StatementRule(Rule):
    abstract = True

    def rewrite(self, node: cst.SimpleStatementLine, ctx: "Context") -> list[cst.BaseStatement] | None:
        raise NotImplementedError


class ClassRule(Rule):
    abstract = True

    def rewrite(self, node: cst.ClassDef, ctx: "Context") -> cst.ClassDef | None:
        raise NotImplementedError


class FunctionRule(Rule):
    abstract = True

    def rewrite(self, node: cst.FunctionDef, ctx: "Context") -> cst.FunctionDef | None:
        raise NotImplementedError


class WithRule(Rule):
    abstract = True

    def rewrite(self, node: cst.With, ctx: "Context") -> Any:
        raise NotImplementedError


class BlockRule(Rule):
    """A block of statements (a loop or function body) after its statements were rewritten."""

    abstract = True

    def rewrite(self, statements: list[cst.BaseStatement], ctx: "Context") -> list[cst.BaseStatement] | None:
        raise NotImplementedError


KINDS = (BlockRule, CallRule, MethodRule, AttributeRule, StatementRule, ClassRule, FunctionRule, WithRule)


@functools.lru_cache(maxsize=1)
def load_library() -> None:
    """Import every module of t2j.rules.library so that its rules exist (adding a module adds its rules)."""
    import t2j.rules.library as library

    for info in pkgutil.iter_modules(library.__path__):
        importlib.import_module(f"{library.__name__}.{info.name}")


def all_rules() -> list[type[Rule]]:
    """Every concrete rule class, in a stable order (kind, priority, name)."""
    load_library()
    found: list[type[Rule]] = []
    stack = list(KINDS)
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if not sub.abstract and sub not in found:
                found.append(sub)
    return sorted(found, key=lambda c: (c.__module__, -c.priority, c.__name__))
