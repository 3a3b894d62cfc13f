"""What a rule is: a small unit that rewrites one kind of node and carries examples that prove it.

Rule kinds (subclass one, decorate the class with `@register`; `all_rules` returns the registered rules of every
module of t2j/rules/library/):
- `CallRule`: calls of canonical names (`targets`, e.g. "torch.nn.Linear"), rewrite(call, ctx, qualname).
- `MethodRule`: tensor method calls `x.name(...)` (`methods`), rewrite(call, ctx, receiver, name).
- `AttributeRule`: attribute reads by canonical name (`targets`, e.g. "torch.float32") or by attribute name
  on any object (`attributes`, e.g. "data"), rewrite(node, ctx, qualname).
- `StatementRule`: a simple statement line after its expressions were rewritten; returns statements or None.
- `ClassRule` / `FunctionRule` / `WithRule`: compound statements (after their bodies were rewritten).
- `BlockRule`: the statement list of an indented block (e.g. a training step inside a loop).
Within a kind, rules run by `priority` (higher first), then by module and name. A rewrite returns None when the
rule does not apply; the first rule that applies wins (calls, methods, attributes, statements, withs), or every
rule applies in turn to the previous one's output (blocks, functions, classes).

Rules talk to each other only through what they return and the named fields of `Context`: a call rule whose call
changes a name in place returns `Rebind(value, target)`, which the engine hands, when the call is a statement of
its own, to that statement's frame (`ctx.statement.rebind`) for `RebindInplace`.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

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
    inputs: dict[str, list[int] | tuple[int, ...] | Tensor] = Field(default_factory=dict)
    output: str = "y"
    fires: bool = True  # False: a "must not fire" example (the rule leaves this code alone; `jax` is what it becomes)
    init_args: str = ""  # constructor parameters of the module, e.g. "n=4"
    verify: bool = True  # False for text-only examples (random numbers, side effects)
    imports: str = ""  # import lines the torch side needs beyond torch/nn/F (e.g. einops layers)

    def tensor(self, name: str) -> Tensor:
        spec = self.inputs[name]
        return spec if isinstance(spec, Tensor) else Tensor(shape=list(spec))


class Rule:
    """Base of every rule. `name` defaults to the class name; `examples` prove it."""

    examples: ClassVar[list[Example]] = []
    priority: ClassVar[int] = 0  # higher runs first among rules of one kind for the same target
    # a rule that only records what later rules need (it never rewrites, so it never fires): its examples show
    # the translation that the record enables
    observes_only: ClassVar[bool] = False
    abstract: ClassVar[bool] = True  # set on the kind classes below; concrete rules leave it False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "abstract" not in cls.__dict__:
            cls.abstract = False

    @classmethod
    def rule_name(cls) -> str:
        return cls.__name__

    @classmethod
    def overreach_prone(cls) -> bool:
        """Rules that match by a bare name on any object (`x.sum()`, `x.data`), every call, or whole blocks can
        fire where the code is not torch's: they carry a "must not fire" example (`Example(fires=False)`)."""
        if issubclass(cls, AttributeRule):
            return bool(cls.attributes)
        if issubclass(cls, CallRule):
            return not cls.targets
        return issubclass(cls, (MethodRule, BlockRule)) and not cls.observes_only


@dataclass(frozen=True)
class Rebind:
    """What a call or method rule returns for a call that changes a variable in place (`x.add_(y)`,
    `torch.manual_seed(s)`): the call's new value, and the target it rebinds when the call is a whole statement
    (`x = x + y`; the engine passes `target` to that statement, see RebindInplace). Elsewhere only `value` is used."""

    value: cst.BaseExpression
    target: cst.BaseExpression


class CallRule(Rule):
    abstract = True
    targets: ClassVar[tuple[str, ...]] = ()

    def rewrite(self, node: cst.Call, ctx: "Context", qualname: str) -> cst.BaseExpression | Rebind | None:
        raise NotImplementedError


class MethodRule(Rule):
    abstract = True
    methods: ClassVar[tuple[str, ...]] = ()

    def rewrite(
        self, node: cst.Call, ctx: "Context", receiver: cst.BaseExpression, name: str
    ) -> cst.BaseExpression | Rebind | None:
        raise NotImplementedError


class AttributeRule(Rule):
    """`targets` match attribute reads and bare names bound to them (`from torch import float32`), `attributes`
    any `<object>.<attribute>` whose object is not a known module (qualname None)."""

    abstract = True
    targets: ClassVar[tuple[str, ...]] = ()
    attributes: ClassVar[tuple[str, ...]] = ()

    def rewrite(
        self, node: cst.Attribute | cst.Name, ctx: "Context", qualname: str | None
    ) -> cst.BaseExpression | None:
        raise NotImplementedError


class StatementRule(Rule):
    abstract = True

    def rewrite(self, node: cst.SimpleStatementLine, ctx: "Context") -> list[cst.BaseStatement] | None:
        raise NotImplementedError


class ClassRule(Rule):
    abstract = True

    def rewrite(self, node: cst.ClassDef, ctx: "Context") -> cst.ClassDef | cst.FlattenSentinel | None:
        """The new class, or the class plus statements after it (a FlattenSentinel, which ends the chain)."""
        raise NotImplementedError


class FunctionRule(Rule):
    abstract = True

    def rewrite(self, node: cst.FunctionDef, ctx: "Context") -> cst.FunctionDef | None:
        raise NotImplementedError


class WithRule(Rule):
    abstract = True

    def rewrite(
        self, node: cst.With, ctx: "Context"
    ) -> cst.BaseStatement | cst.FlattenSentinel | cst.RemovalSentinel | None:
        raise NotImplementedError


class BlockRule(Rule):
    """A block of statements (a loop or function body) after its statements were rewritten."""

    abstract = True

    def rewrite(self, statements: list[cst.BaseStatement], ctx: "Context") -> list[cst.BaseStatement] | None:
        raise NotImplementedError


KINDS = (BlockRule, CallRule, MethodRule, AttributeRule, StatementRule, ClassRule, FunctionRule, WithRule)

R = TypeVar("R", bound=type[Rule])
_REGISTERED: list[type[Rule]] = []


def register(cls: R) -> R:
    """Make a rule class live (a class decorator). Only registered rules run: a subclass imported for another
    purpose, or an abstract kind, never does."""
    if cls.abstract or not issubclass(cls, KINDS):
        raise TypeError(
            f"register: {cls.__name__} is not a concrete rule (subclass one of {[k.__name__ for k in KINDS]})"
        )
    if cls not in _REGISTERED:
        _REGISTERED.append(cls)
    return cls


@functools.lru_cache(maxsize=1)
def load_library() -> None:
    """Import every module of t2j.rules.library so that its rules register (adding a module adds its rules)."""
    import t2j.rules.library as library

    for info in pkgutil.iter_modules(library.__path__):
        importlib.import_module(f"{library.__name__}.{info.name}")


def all_rules() -> list[type[Rule]]:
    """Every registered rule of t2j.rules.library, in a stable order (module, priority, name)."""
    load_library()
    found = [cls for cls in _REGISTERED if cls.__module__.startswith("t2j.rules.library.")]
    return sorted(found, key=lambda c: (c.__module__, -c.priority, c.__name__))


def kind_of(cls: type[Rule]) -> type[Rule]:
    """The rule kind (CallRule, MethodRule, ...) a rule class is."""
    return next(kind for kind in KINDS if issubclass(cls, kind))
