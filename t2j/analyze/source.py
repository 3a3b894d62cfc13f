"""Facts about a PyTorch source file that the rules need before rewriting it (one cheap walk of the tree)."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from t2j.analyze.frozen import frozen_modules
from t2j.analyze.imports import collect_imports, dotted, is_torch, resolve
from t2j.analyze.keys import key_name, unthreadable

# torch functions that draw random numbers (t2j.rules.library.randomness rewrites them to jax.random draws)
RANDOM_DRAWS = (
    "torch.randn",
    "torch.rand",
    "torch.randint",
    "torch.randperm",
    "torch.randn_like",
    "torch.rand_like",
    "torch.randint_like",
    "torch.normal",
    "torch.bernoulli",
    "torch.multinomial",
)
RANDOM_FUNCTIONS = {*RANDOM_DRAWS, "torch.nn.functional.dropout"}
RANDOM_FILLS = {"uniform_", "normal_", "bernoulli_"}  # `noise.bernoulli_(p)` on a tensor value (not a parameter)
# torch containers a user class may derive from (-> nnx.Sequential, TorchModuleDict, nnx.List), whose
# `super().__init__(...)` takes the children, not `rngs`
CONTAINER_BASES = ("torch.nn.Sequential", "torch.nn.ModuleDict", "torch.nn.ModuleList")
NOT_LAYERS = ("torch.nn.functional.", "torch.nn.init.", "torch.nn.utils.")


def is_layer_constructor(qualname: str | None) -> bool:
    """`torch.nn.Linear`, `torch.nn.Sequential`... (not functional/init, not nn.Module itself)."""
    if not qualname or not qualname.startswith("torch.nn.") or qualname.startswith(NOT_LAYERS):
        return False
    last = qualname.rsplit(".", 1)[-1]
    return last[:1].isupper() and last not in ("Module", "Parameter")


@dataclass
class SourceInfo:
    aliases: dict[str, str]
    module_classes: set[str] = field(default_factory=set)  # classes deriving from nn.Module (transitively)
    class_bases: dict[str, list[str]] = field(default_factory=dict)  # module class -> its bases' dotted names
    direct_module_classes: set[str] = field(default_factory=set)  # `class X(nn.Module)` exactly
    container_classes: set[str] = field(default_factory=set)  # `class X(nn.Sequential)`: its super().__init__ builds it
    classes_with_init: set[str] = field(default_factory=set)
    builders: set[str] = field(default_factory=set)  # "Class.method" / "func" that construct layers with rngs
    uses_training: set[str] = field(default_factory=set)  # classes that read self.training
    random_outside_init: set[str] = field(default_factory=set)  # module classes drawing random numbers in calls
    random_per_call: set[str] = field(default_factory=set)  # free functions drawing random numbers, run by forward
    run_by_forward: set[str] = field(default_factory=set)  # module methods but __init__, and what they call
    random_repeated: set[str] = field(default_factory=set)  # free functions drawing random numbers, called in a loop,
    # from another function or more than once (a fixed key in them repeats the same draws on every call)
    # (both sets count a function that calls one that draws, and the functions passed as values: a third party
    # may call them any number of times)
    key_threaded: dict[str, str] = field(default_factory=dict)  # free functions of those two sets (or called by a
    # module's __init__) that take a key parameter -> its name (t2j.analyze.keys)
    key_optional: set[str] = field(default_factory=set)  # those of them with a `training` flag: key=None in eval
    top_level_names: set[str] = field(default_factory=set)
    layer_names: dict[str, str] = field(default_factory=dict)  # "self.fc" / "model" -> "torch.nn.Linear"
    torch_layers: set[str] = field(default_factory=set)  # the torch.nn layer classes the file names
    type_tests: dict[int, frozenset[str]] = field(default_factory=dict)  # ids of isinstance's class nodes -> names
    autograd_functions: set[str] = field(default_factory=set)  # classes deriving from torch.autograd.Function
    containers: dict[str, set[str]] = field(default_factory=dict)  # function key -> names bound to lists/dicts
    optimizers: dict[str, str] = field(default_factory=dict)  # `opt = torch.optim.X(model.parameters())`: opt -> model
    frozen: set[str] = field(default_factory=set)  # modules frozen with requires_grad=False ("model.backbone")
    refrozen: set[str] = field(default_factory=set)  # frozen modules whose requires_grad is set back to True

    def qualname(self, expr: cst.BaseExpression) -> str | None:
        return resolve(expr, self.aliases)

    @property
    def uses_torch(self) -> bool:
        return any(is_torch(v) for v in self.aliases.values())


MODULE_SCOPE = "<module>"  # the key of top-level code in SourceInfo.containers


def _is_container(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        return value.func.value in ("list", "dict", "set", "OrderedDict", "defaultdict")
    return isinstance(value, (cst.List, cst.Dict, cst.ListComp, cst.DictComp, cst.Set, cst.SetComp))


def _module_containers(module: cst.Module) -> set[str]:
    """Names that top-level code (outside functions and classes) binds to lists/dicts."""
    found: set[str] = set()

    class TopLevel(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

        def visit_Assign(self, node: cst.Assign) -> None:
            if _is_container(node.value):
                found.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    module.visit(TopLevel())
    return found


def _called_repeatedly(module: cst.Module, module_classes: set[str]) -> set[str]:
    """Top-level functions that may run more than once: called in a loop, in a nested function or lambda, in a
    method of a plain class, from two places, or from a function that itself may run more than once (nn.Module
    methods are left to the per-forward analysis). `main()` called once, and what it calls once, run once."""
    sites: dict[str, list[tuple[str | None, bool]]] = {}  # callee -> (enclosing top-level function, repeated here)
    scope: list[str | None] = []  # enclosing defs: a top-level function's name, None for anything nested
    loops = [0]

    class Calls(cst.CSTVisitor):
        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            scope.append(None)  # (leave_ClassDef runs for skipped classes too)
            return node.name.value not in module_classes

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            scope.pop()

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            scope.append(None if scope else node.name.value)
            loops.append(0)

        def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
            scope.pop()
            loops.pop()

        def visit_Lambda(self, node: cst.Lambda) -> None:
            scope.append(None)

        def leave_Lambda(self, original_node: cst.Lambda) -> None:
            scope.pop()

        def visit_For(self, node: cst.For) -> None:
            loops[-1] += 1

        def leave_For(self, original_node: cst.For) -> None:
            loops[-1] -= 1

        def visit_While(self, node: cst.While) -> None:
            loops[-1] += 1

        def leave_While(self, original_node: cst.While) -> None:
            loops[-1] -= 1

        def visit_ListComp(self, node: cst.ListComp) -> None:
            loops[-1] += 1

        def leave_ListComp(self, original_node: cst.ListComp) -> None:
            loops[-1] -= 1

        def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
            loops[-1] += 1

        def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
            loops[-1] -= 1

        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Name):
                nested = bool(scope) and scope[-1] is None
                sites.setdefault(node.func.value, []).append((scope[0] if scope else None, nested or loops[-1] > 0))

    module.visit(Calls())
    repeated = {name for name, where in sites.items() if len(where) > 1 or where[0][1]}
    grew = True
    while grew:
        grew = False
        for name, where in sites.items():
            if name not in repeated and any(caller in repeated for caller, _ in where):
                repeated.add(name)
                grew = True
    return repeated


def _trained_model(optimizer_call: cst.Call) -> str | None:
    """`model` in `torch.optim.X(model.parameters(), ...)`."""
    first = optimizer_call.args[0].value if optimizer_call.args else None
    if (
        isinstance(first, cst.Call)
        and isinstance(first.func, cst.Attribute)
        and first.func.attr.value == "parameters"
        and isinstance(first.func.value, cst.Name)
    ):
        return first.func.value.value
    return None


def _fills_parameter(node: cst.Call) -> bool:
    """`m.weight.data.normal_(0, 0.01)`: a parameter's data re-drawn in place."""
    func = node.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value in (*RANDOM_FILLS, "zero_", "fill_")
        and isinstance(func.value, cst.Attribute)
        and func.value.attr.value == "data"
    )


class _LayerNames(cst.CSTVisitor):
    def __init__(self, info: SourceInfo):
        self.info = info

    def visit_Attribute(self, node: cst.Attribute) -> None:
        q = self.info.qualname(node)
        if is_layer_constructor(q):
            self.info.torch_layers.add(q)  # type: ignore[arg-type]

    def visit_Name(self, node: cst.Name) -> None:
        q = self.info.aliases.get(node.value)
        if is_layer_constructor(q):
            self.info.torch_layers.add(q)  # type: ignore[arg-type]

    def visit_Call(self, node: cst.Call) -> None:
        """`isinstance(m, (nn.Conv2d, nn.Linear))`: its class expressions are type tests, each knowing the others."""
        if not (isinstance(node.func, cst.Name) and node.func.value in ("isinstance", "issubclass")):
            return
        if len(node.args) != 2:
            return
        classes = node.args[1].value
        elements = [e.value for e in classes.elements] if isinstance(classes, cst.Tuple) else [classes]
        names = frozenset(q for e in elements if (q := self.info.qualname(e)) is not None)
        for e in elements:
            self.info.type_tests[id(e)] = names


def analyze(module: cst.Module) -> SourceInfo:
    info = SourceInfo(aliases=collect_imports(module))
    info.frozen, info.refrozen = frozen_modules(module)
    module.visit(_LayerNames(info))
    classes = [s for s in module.body if isinstance(s, cst.ClassDef)]
    for stmt in module.body:
        if isinstance(stmt, (cst.ClassDef, cst.FunctionDef)):
            info.top_level_names.add(stmt.name.value)
    # module classes, to a fixpoint (a class may derive from a user module class defined earlier or later)
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name.value in info.module_classes:
                continue
            for base in cls.bases:
                q = info.qualname(base.value)
                name = dotted(base.value)
                if q in ("torch.nn.Module", *CONTAINER_BASES) or name in info.module_classes or is_layer_constructor(q):
                    info.module_classes.add(cls.name.value)
                    if q == "torch.nn.Module":
                        info.direct_module_classes.add(cls.name.value)
                    elif q in CONTAINER_BASES:
                        info.container_classes.add(cls.name.value)
                    changed = True
                    break

    for cls in classes:
        if cls.name.value in info.module_classes:
            info.class_bases[cls.name.value] = [d for b in cls.bases if (d := dotted(b.value))]
        if any(info.qualname(b.value) == "torch.autograd.Function" for b in cls.bases):
            info.autograd_functions.add(cls.name.value)
    calls: dict[str, set[str]] = {}
    roots: list[str] = []
    makes_layers: set[str] = set()
    draws: set[str] = set()
    fills: set[str] = set()  # module methods but __init__ filling their parameters at random

    params: dict[str, set[str]] = {}

    def scan_function(fn: cst.FunctionDef, cls: str | None) -> None:
        key = f"{cls}.{fn.name.value}" if cls else fn.name.value
        params[key] = {p.name.value for p in (*fn.params.params, *fn.params.kwonly_params, *fn.params.posonly_params)}
        called: set[str] = set()
        containers: set[str] = set()
        info.containers[key] = containers
        state = {"layers": False, "random": False, "training": False, "fills": False}

        class Visitor(cst.CSTVisitor):
            def visit_Call(self, node: cst.Call) -> None:
                q = info.qualname(node.func)
                if is_layer_constructor(q) or q in ("torch.nn.Parameter",):
                    state["layers"] = True
                if q and q.startswith("torch.nn.init.") or _fills_parameter(node):
                    state["layers"] = True  # a parameter re-initialised in place draws from the builder's rngs
                if q in RANDOM_FUNCTIONS and not any(a.keyword and a.keyword.value == "generator" for a in node.args):
                    state["random"] = True  # (a draw from a generator the caller passes is the caller's chain)
                func = node.func
                if isinstance(func, cst.Attribute) and func.attr.value in RANDOM_FILLS:
                    state["random"] = state["random"] or not isinstance(func.value, cst.Attribute)
                    # `self.fc.weight.data.uniform_(-r, r)`: a random fill of the module's own parameter
                    state["fills"] = state["fills"] or (dotted(func.value) or "").startswith("self.")
                name = dotted(node.func)
                if name is None:
                    return
                if name in info.module_classes:
                    state["layers"] = True
                if name == "self.apply" and len(node.args) == 1:  # `self.apply(self._init_weights)` calls it
                    name = dotted(node.args[0].value) or name
                if cls and name.startswith("self.") and name.count(".") == 1:
                    called.add(f"{cls}.{name[5:]}")
                elif "." not in name:
                    called.add(name)

            def visit_Attribute(self, node: cst.Attribute) -> None:
                if node.attr.value == "training" and isinstance(node.value, cst.Name) and node.value.value == "self":
                    state["training"] = True

            def visit_AnnAssign(self, node: cst.AnnAssign) -> None:  # `layers: OrderedDict = OrderedDict()`
                if node.value is not None and isinstance(node.target, cst.Name):
                    if _is_container(node.value):
                        containers.add(node.target.value)

            def visit_Assign(self, node: cst.Assign) -> None:
                value = node.value
                if _is_container(value):
                    for t in node.targets:
                        if isinstance(t.target, cst.Name):
                            containers.add(t.target.value)
                if isinstance(value, cst.Call) and len(node.targets) == 1:
                    q = info.qualname(value.func)
                    target = dotted(node.targets[0].target)
                    trained = _trained_model(value) if q and q.startswith("torch.optim.") else None
                    if target and trained and "." not in target:
                        info.optimizers.setdefault(target, trained)
                    padded = (
                        any(a.keyword is not None and a.keyword.value == "padding_idx" for a in value.args)
                        or len([a for a in value.args if a.keyword is None]) > 2
                    )
                    if target and (q == "torch.nn.Linear" or (q == "torch.nn.Embedding" and not padded)):
                        info.layer_names[target] = q

        fn.body.visit(Visitor())
        calls[key] = called
        if state["layers"]:
            makes_layers.add(key)
        if state["random"] and cls is None:
            draws.add(key)
        if cls and state["training"]:
            info.uses_training.add(cls)
        if cls in info.module_classes and state["random"] and fn.name.value != "__init__":
            info.random_outside_init.add(cls)
        if cls in info.module_classes and state["fills"] and fn.name.value != "__init__":
            fills.add(key)  # reached from __init__: a builder (its key from `rngs`), else `self.rngs`
        if cls in info.module_classes and fn.name.value == "__init__":
            roots.append(key)
            info.classes_with_init.add(cls)

    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            scan_function(stmt, None)
        elif isinstance(stmt, cst.ClassDef):
            for item in stmt.body.body:
                if isinstance(item, cst.FunctionDef):
                    scan_function(item, stmt.name.value)

    info.containers[MODULE_SCOPE] = _module_containers(module)
    # builders: functions reachable from a module __init__ (they receive `rngs`)
    seen, stack = set(roots), list(roots)
    while stack:
        key = stack.pop()
        for callee in calls.get(key, ()):
            if callee in calls and callee not in seen:
                seen.add(callee)
                stack.append(callee)
    needs = makes_layers | fills
    grew = True
    while grew:
        grew = False
        for key, called in calls.items():
            if key not in needs and called & needs:
                needs.add(key)
                grew = True
    info.builders = {k for k in (seen - set(roots)) & needs if not k.endswith((".forward", ".__call__"))}
    # a method that overrides a builder is called where the builder is (`self.define_table()` in the base's
    # __init__), so it takes `rngs` too, whether or not it builds layers itself
    built_methods = {k.split(".", 1)[1] for k in info.builders if k.split(".")[0] in info.module_classes}
    info.builders |= {
        k for k in calls if "." in k and k.split(".")[0] in info.module_classes and k.split(".", 1)[1] in built_methods
    }
    info.random_outside_init |= {k.split(".")[0] for k in fills - info.builders}
    # free functions a module's forward (or any method but __init__) reaches that draw random numbers
    called_at_run = [k for k in calls if "." in k and k.split(".")[0] in info.module_classes and k[-9:] != ".__init__"]
    reached, stack = set(called_at_run), list(called_at_run)
    while stack:
        for callee in calls.get(stack.pop(), ()):
            if callee in calls and callee not in reached:
                reached.add(callee)
                stack.append(callee)
    info.run_by_forward = reached
    _thread_keys(info, module, calls, draws, params, reached, seen)
    return info


def _thread_keys(
    info: SourceInfo,
    module: cst.Module,
    calls: dict[str, set[str]],
    draws: set[str],
    params: dict[str, set[str]],
    reached: set[str],
    from_init: set[str],
) -> None:
    """random_per_call, random_repeated, key_threaded and key_optional; the module classes whose methods pass a
    key from `self.rngs` join random_outside_init (and so do their user base classes, whose __init__ stores it)."""
    drawing = set(draws)  # free functions that draw, or call one that does
    grew = True
    while grew:
        grew = False
        for key, called in calls.items():
            if "." not in key and key not in drawing and called & drawing:
                drawing.add(key)
                grew = True
    blocked, as_values = unthreadable(module, info.module_classes, drawing)
    info.random_per_call = drawing & reached
    repeated = _called_repeatedly(module, info.module_classes) | as_values
    info.random_repeated = (drawing & repeated) - info.random_per_call
    runs_again = info.random_per_call | info.random_repeated | (drawing & from_init)
    for fn in sorted(runs_again - blocked - info.builders):  # (a builder's draws take `rngs`)
        name = key_name(params.get(fn, set()))
        if name is not None:
            info.key_threaded[fn] = name
            if "training" in params.get(fn, set()):
                info.key_optional.add(fn)
    bases = {
        cls.name.value: [dotted(b.value) for b in cls.bases]
        for cls in module.body
        if isinstance(cls, cst.ClassDef) and cls.name.value in info.module_classes
    }
    for key, called in calls.items():
        cls, _, method = key.partition(".")
        if method and method != "__init__" and cls in info.module_classes and called & set(info.key_threaded):
            stack = [cls]
            while stack:
                name = stack.pop()
                if name in info.module_classes and name not in info.random_outside_init:
                    info.random_outside_init.add(name)
                    if name not in info.classes_with_init:
                        stack.extend(b for b in bases.get(name, []) if b)
