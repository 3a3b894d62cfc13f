"""The state of one translation, shared by the rules while the engine walks the tree."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from t2j.analyze.source import SourceInfo
from t2j.rules.cstutil import code, expr
from t2j.result import Diagnostic


@dataclass
class ClassFrame:
    name: str
    is_module: bool
    # keywords its `super().__init__(...)` passes to the emitted base beyond torch's (`class C(nn.Conv3d)` ->
    # TorchConv, which takes `ndim=3`), set by the rule that rewrote the base
    base_arguments: dict[str, str] = field(default_factory=dict)


@dataclass
class FunctionFrame:
    key: str  # "Class.method" or "function"
    name: str
    has_rngs: bool  # `rngs` is in scope (module __init__ or a builder)
    in_module_class: bool
    key_used: bool = False  # jax.random keys were split here
    rngs_used: bool = False  # layers were built here without an rngs parameter
    key_defined: bool = False  # `key` bound (a parameter or torch.manual_seed)
    key_chain: str = "key"  # the name of this scope's key chain (a threaded key parameter may be `rng`)
    key_optional: bool = False  # the threaded key may be None (a call in eval mode): its splits keep None
    params: frozenset[str] = frozenset()  # the function's parameter names
    yields: bool = False  # a generator function (its local key chain lives as long as its loop)
    local_containers: set[str] = field(default_factory=set)  # names bound to lists/dicts (no .at[] for them)
    factories: set[str] = field(
        default_factory=set
    )  # parameters, and locals bound to a name/attribute/`a or b`/partial


@dataclass
class StatementFrame:
    """One statement being rewritten (the engine opens one per statement, innermost last)."""

    origin: cst.CSTNode  # the statement as the source has it (for its line)
    notes: list[str] = field(default_factory=list)  # what was not translated in it
    before: list[cst.BaseStatement] = field(default_factory=list)  # lines to insert before it
    rebind: cst.BaseExpression | None = None  # the target its in-place call rebinds (a `Rebind` rule output)


@dataclass
class IterationFrame:
    """A comprehension or lambda open in the statement being rewritten: its body runs many times, but the keys
    split before the statement once, so a draw there takes its key folded with each iteration's index."""

    is_lambda: bool
    ranges: list[str | None]  # per `for` clause: the name a `range(...)` binds (its own index), else None
    counters: dict[int, str] = field(default_factory=dict)  # clause -> index name to bind with enumerate()


@dataclass
class Context:
    info: SourceInfo
    line_of: Callable[[cst.CSTNode], int]
    helpers: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=lambda: {"jax", "jnp", "nnx"})
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    classes: list[ClassFrame] = field(default_factory=list)
    functions: list[FunctionFrame] = field(default_factory=list)
    statements: list[StatementFrame] = field(default_factory=list)  # the open statements, innermost last
    iterations: list[IterationFrame] = field(default_factory=list)  # open comprehensions/lambdas, innermost last
    module_key_used: bool = False
    module_key_seeded: bool = False
    module_rngs_used: bool = False
    key_counter: int = 0
    backward_lines: dict[str, int] = field(default_factory=dict)  # code of a `.backward()` call -> its line
    optimizer_models: dict[str, str] = field(default_factory=dict)  # optimizer variable -> model variable
    optimizer_groups: dict[str, list[str]] = field(default_factory=dict)  # optimizer -> its models (2 or more)
    optimizer_filtered: set[str] = field(default_factory=set)  # optimizers over part of a model (`wrt=` filter)
    parameter_groups: dict[str, list[str]] = field(default_factory=dict)  # `params = chain(a.parameters(), ...)`
    train_steps: set[str] = field(default_factory=set)  # names of the jitted train steps emitted so far
    buffers: dict[str, set[str]] = field(default_factory=dict)  # class -> names registered with register_buffer
    base_nodes: set[int] = field(default_factory=set)  # ids of the (original) base-class expressions of classes
    in_base: bool = False  # the expression being rewritten is a base class (`class X(nn.LayerNorm)`)
    # the expression being rewritten is a class of `isinstance(m, ...)`: the qualnames that test names
    type_test: frozenset[str] | None = None
    factory_attributes: set[str] = field(default_factory=set)  # `self.x` bound to a factory (`self._norm_layer`)
    step_mappings: dict[str, dict] = field(default_factory=dict)  # train step -> its arguments' torch values
    mask_names: set[str] = field(default_factory=set)  # variables assigned a boolean mask (x > 0, ~m, m & n)

    # ---------------------------------------------------------------------------------------------------
    def fire(self, rule_name: str) -> None:
        if rule_name not in self.fired:
            self.fired.append(rule_name)

    def enter_value(self, node_id: int) -> None:
        """The engine is about to rewrite the (original) expression `node_id`: a base class? a type test?"""
        self.in_base = node_id in self.base_nodes
        self.type_test = self.info.type_tests.get(node_id)

    def helper(self, name: str) -> cst.Name:
        """Use an emitted helper of t2j/rules/runtime/ (by name); returns its name."""
        self.helpers.add(name)
        return cst.Name(name)

    def use(self, *modules: str) -> None:
        """Need imports (keys of emit.IMPORT_LINES: jax, jnp, lax, nnx, np, math, functools, optax)."""
        self.imports.update(modules)

    def source_line(self, node: cst.CSTNode) -> int:
        """The source line of `node`; for a node the rules built (no position), that of its statement."""
        line = self.line_of(node)
        if not line and self.statements:
            line = self.line_of(self.statements[-1].origin)
        return line

    def untranslated(self, node: cst.CSTNode, what: str, line: int | None = None) -> None:
        """Record something left as it was: a diagnostic with its line, and a mark on the statement."""
        line = line if line is not None else self.source_line(node)
        try:
            snippet = code(node).strip().splitlines()[0][:120]
        except Exception:  # noqa: BLE001 - a node without standalone code
            snippet = ""
        self.diagnostics.append(Diagnostic(line=line, message=f"not translated: {what}", snippet=snippet))
        if self.statements and what not in self.statements[-1].notes:
            self.statements[-1].notes.append(what)

    def warn(self, node: cst.CSTNode, message: str) -> None:
        """A diagnostic for a translation that changed behaviour on purpose (say what and why)."""
        self.diagnostics.append(Diagnostic(line=self.source_line(node), message=message, snippet=""))
        if self.statements and message not in self.statements[-1].notes:
            self.statements[-1].notes.append(message)

    # ---------------------------------------------------------------------------------------------------
    @property
    def statement(self) -> StatementFrame | None:
        return self.statements[-1] if self.statements else None

    @property
    def function(self) -> FunctionFrame | None:
        return self.functions[-1] if self.functions else None

    @property
    def in_module_class(self) -> bool:
        return bool(self.classes) and self.classes[-1].is_module

    def rngs(self) -> cst.BaseExpression:
        """The nnx.Rngs to pass to a layer constructor here."""
        fn = self.function
        if fn is not None and fn.has_rngs:
            return cst.Name("rngs")
        if fn is not None:
            fn.rngs_used = True  # the function starts with `rngs = nnx.Rngs(0)` (FunctionKey)
        else:
            self.module_rngs_used = True
        return cst.Name("rngs")

    def random_key(self, chain: str = "key") -> cst.BaseExpression:
        """A fresh jax.random key for one random draw here (never reused). `chain`: a key the user's code holds
        (a `torch.Generator` translated to a key), split in place of this scope's `key`."""
        fn = self.function
        if chain != "key":
            self.key_counter += 1
            name = f"k{self.key_counter}"
            if self.statements:
                self.statements[-1].before.append(cst.parse_statement(f"{chain}, {name} = jax.random.split({chain})\n"))
            return self._per_iteration(cst.Name(name))
        if fn is not None and fn.has_rngs:
            return expr("rngs.params()")
        if fn is not None and fn.in_module_class:
            return expr("self.rngs.default()")
        self.key_counter += 1
        name = f"k{self.key_counter}"
        chain = fn.key_chain if fn is not None else "key"
        split = f"jax.random.split({chain})"
        if fn is not None:
            fn.key_used = True
            if fn.key_optional:  # no key in eval mode, where nothing is drawn
                split = f"(None, None) if {chain} is None else {split}"
        else:
            self.module_key_used = True
        if self.statements:
            self.statements[-1].before.append(cst.parse_statement(f"{chain}, {name} = {split}\n"))
        return self._per_iteration(cst.Name(name))

    def _per_iteration(self, key: cst.BaseExpression) -> cst.BaseExpression:
        """`key` split before the statement, folded with the index of each comprehension iteration around the
        draw (a `range` target, or an `enumerate` index added); in a lambda, one key for every call: marked."""
        for frame in self.iterations:
            if frame.is_lambda:
                if self.statements:
                    what = "a draw in a lambda reuses one key on every call: draw in a function that takes a key"
                    self.untranslated(self.statements[-1].origin, what)
                continue
            for clause, target in enumerate(frame.ranges):
                if target is None:
                    self.key_counter += 1
                    target = frame.counters.setdefault(clause, f"i{self.key_counter}")
                key = cst.Call(func=expr("jax.random.fold_in"), args=[cst.Arg(key), cst.Arg(cst.Name(target))])
        return key


STEP_MARK = "# t2j: train-step "


def step_lines(mappings: dict[str, dict]) -> str:
    """The machine-readable lines ending a translation, one per jitted train step: its name, the model it
    trains, which parameter holds which torch value (an expression of the torch script's names, valued where its
    backward() ran), the names it closes over and the line of that backward(). The recording checker
    (t2j.verify.recording) replays the step on the recorded torch values from them."""
    if not mappings:
        return ""
    return "\n\n" + "".join(STEP_MARK + json.dumps(m, separators=(",", ":")) + "\n" for m in mappings.values())
