"""The orchestrator: one libcst pass that dispatches each node to the rules registered for it.

It knows rule *kinds*, never individual rules: adding a rule (a `@register`ed subclass in t2j/rules/library/)
needs no change here. `Engine._first` and `Engine._each` are the only places that call rules.
"""

from __future__ import annotations

from typing import Any, Iterable, TypeVar

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from pydantic import BaseModel, Field

from t2j.analyze.imports import is_torch
from t2j.analyze.source import analyze, is_layer_constructor
from t2j.rules import base
from t2j.rules.context import ClassFrame, Context, FunctionFrame, StatementFrame, step_lines
from t2j.rules.cstutil import grouped, value_locals, yields
from t2j.rules.emit import IMPORT_LINES, resolve as resolve_helpers
from t2j.rules.formatting import format_code
from t2j.rules.iterations import IterationScopes
from t2j.rules.layout import BANNER, helpers_position, imports_end
from t2j.rules.leftovers import check_leftovers
from t2j.rules.one_line_bodies import open_one_line_bodies
from t2j.result import UNTRANSLATED_MARK, Diagnostic

IMPORT_ORDER = ["math", "functools", "einops", "np", "jax", "jnp", "lax", "nnx", "optax"]
BlockT = TypeVar("BlockT", cst.IndentedBlock, cst.Module)


class RulesResult(BaseModel):
    code: str
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    rules_fired: list[str] = Field(default_factory=list)
    helpers: list[str] = Field(default_factory=list)  # torch-semantics helpers emitted into the code
    train_steps: list[dict] = Field(default_factory=list)  # each jitted step's arguments (STEP_MARK lines)


class RuleIndex:
    """Rule instances by what they match, built from the registry; every table in priority order (higher first,
    then the registry's order: module, name)."""

    def __init__(self, rule_classes: list[type[base.Rule]]):
        self.calls: dict[str, list[base.CallRule]] = {}
        self.any_calls: list[base.CallRule] = []
        self.methods: dict[str, list[base.MethodRule]] = {}
        self.attr_targets: dict[str, list[base.AttributeRule]] = {}
        self.attr_names: dict[str, list[base.AttributeRule]] = {}
        self.statements: list[base.StatementRule] = []
        self.classes: list[base.ClassRule] = []
        self.functions: list[base.FunctionRule] = []
        self.withs: list[base.WithRule] = []
        self.blocks: list[base.BlockRule] = []
        plain: dict[type[base.Rule], list] = {
            base.StatementRule: self.statements,
            base.ClassRule: self.classes,
            base.FunctionRule: self.functions,
            base.WithRule: self.withs,
            base.BlockRule: self.blocks,
        }
        for cls in rule_classes:
            rule = cls()
            if isinstance(rule, base.CallRule):
                if not cls.targets:
                    self.any_calls.append(rule)
                for t in cls.targets:
                    self.calls.setdefault(t, []).append(rule)
            elif isinstance(rule, base.MethodRule):
                for m in cls.methods:
                    self.methods.setdefault(m, []).append(rule)
            elif isinstance(rule, base.AttributeRule):
                for t in cls.targets:
                    self.attr_targets.setdefault(t, []).append(rule)
                for a in cls.attributes:
                    self.attr_names.setdefault(a, []).append(rule)
            else:
                plain[base.kind_of(cls)].append(rule)
        tables = [self.any_calls, *plain.values()]
        for table in (self.calls, self.methods, self.attr_targets, self.attr_names):
            tables += table.values()
        for rules in tables:
            rules.sort(key=lambda r: -type(r).priority)  # stable: ties keep the registry's order


STATEMENT_TYPES = frozenset(
    {
        cst.SimpleStatementLine,
        cst.If,
        cst.For,
        cst.While,
        cst.With,
        cst.Try,
        cst.TryStar,
        cst.FunctionDef,
        cst.ClassDef,
        cst.Match,
    }
)


class Engine(IterationScopes, cst.CSTTransformer):
    def __init__(self, ctx: Context, index: RuleIndex):
        super().__init__()
        self.ctx = ctx
        self.index = index
        self.inner: set[int] = set()  # ids of nodes that are the `.value` of an Attribute
        self.funcs: set[int] = set()  # ids of nodes that are the `.func` of a Call
        self.bare_calls: set[int] = set()  # ids of calls that are a whole statement (`x.add_(y)`)
        self.annotations = 0  # depth of type annotations being visited

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        self.annotations += 1
        return True

    def leave_Annotation(self, original: cst.Annotation, updated: cst.Annotation) -> cst.Annotation:
        self.annotations -= 1
        return updated

    # ------------------------------------------------------------------ dispatch
    def _first(self, rules: Iterable[base.Rule], node: Any, *extra: Any, origin: cst.CSTNode | None = None) -> Any:
        """The output of the first rule that applies to `node` (and records that it fired), else None. `origin`:
        the source's node, where `node` is a rewritten copy (for the line of a rule's failure)."""
        for rule in rules:
            out = self._rewrite(rule, node, *extra, origin=origin)
            if out is not None:
                self.ctx.fire(rule.rule_name())
                return out
        return None

    def _each(self, rules: Iterable[base.Rule], node: Any) -> Any:
        """Every rule that applies, in turn, each on the previous output (a statement list is passed as a fresh
        copy); a FlattenSentinel (a class plus statements after it) ends the chain."""
        for rule in rules:
            out = self._rewrite(rule, list(node) if isinstance(node, list) else node)
            if out is not None:
                self.ctx.fire(rule.rule_name())
                node = out
                if isinstance(out, cst.FlattenSentinel):
                    break
        return node

    def _rewrite(self, rule: base.Rule, node: Any, *extra: Any, origin: cst.CSTNode | None = None) -> Any:
        """`rule.rewrite(node, ctx, *extra)`; a rule that crashes on a construct leaves it as it was, marked and
        listed (one construct no rule handles must not cost the whole translation)."""
        try:
            return rule.rewrite(node, self.ctx, *extra)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - any bug of one rule becomes a diagnostic
            ctx = self.ctx
            line = ctx.source_line(origin if origin is not None else node) if isinstance(node, cst.CSTNode) else 0
            ctx.untranslated(
                node if isinstance(node, cst.CSTNode) else cst.Pass(),
                f"{rule.rule_name()} failed here ({type(exc).__name__}: {exc})",
                line=line,
            )
            return None

    # ------------------------------------------------------------------ generic statement bookkeeping
    def on_visit(self, node: cst.CSTNode) -> bool:
        ctx = self.ctx
        kind = type(node)
        if kind is cst.Attribute:
            self.inner.add(id(node.value))
            return super().on_visit(node)
        if kind is cst.Call:
            self.funcs.add(id(node.func))
            return super().on_visit(node)
        if kind not in STATEMENT_TYPES and kind is not cst.Import and kind is not cst.ImportFrom:
            return super().on_visit(node)
        if kind in STATEMENT_TYPES:
            ctx.statements.append(StatementFrame(origin=node))
            if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1 and isinstance(node.body[0], cst.Expr):
                self.bare_calls.add(id(node.body[0].value))
        if isinstance(node, cst.ClassDef):  # (isinstance, not `kind is`: mypy narrows the node)
            ctx.classes.append(ClassFrame(node.name.value, node.name.value in ctx.info.module_classes))
            ctx.base_nodes.update(id(b.value) for b in node.bases)
        elif kind is cst.FunctionDef:
            parent = ctx.function
            cls = ctx.classes[-1] if ctx.classes and parent is None else None
            key = f"{cls.name}.{node.name.value}" if cls else node.name.value
            has_rngs = (
                (cls is not None and cls.is_module and node.name.value == "__init__")
                or key in ctx.info.builders
                or (parent is not None and parent.has_rngs)
            )
            params = {p.name.value for p in node.params.params + node.params.kwonly_params}
            threaded = ctx.info.key_threaded.get(key) if parent is None and cls is None else None
            ctx.functions.append(
                FunctionFrame(
                    key=key,
                    name=node.name.value,
                    has_rngs=has_rngs,
                    in_module_class=(cls is not None and cls.is_module)
                    or (parent is not None and parent.in_module_class),
                    key_defined="key" in params or threaded is not None,
                    key_chain=threaded or "key",
                    key_optional=threaded is not None and key in ctx.info.key_optional,
                    params=frozenset(params),
                    yields=yields(node),
                    local_containers=ctx.info.containers.get(key, set()),
                    factories=params | value_locals(cst.ensure_type(node, cst.FunctionDef)),
                )
            )
        elif kind is cst.Import or kind is cst.ImportFrom:
            return False
        return super().on_visit(node)

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        result = super().on_leave(original, updated)
        kind = type(original)
        if kind not in STATEMENT_TYPES:
            return result
        ctx = self.ctx
        frame = ctx.statements.pop()
        notes, before = frame.notes, frame.before
        if notes or before or type(result) is not kind:
            result = self._finish_statement(result, notes, before)
        if kind is cst.ClassDef:
            ctx.classes.pop()
        elif kind is cst.FunctionDef:
            ctx.functions.pop()
        return result

    def _finish_statement(self, result, notes: list[str], before: list[cst.BaseStatement]):
        if isinstance(result, cst.RemovalSentinel):
            if not before and not notes:
                return result
            items = []
        elif isinstance(result, cst.FlattenSentinel):
            items = list(result.nodes)
        else:
            items = [result]
        if notes:
            comment = f"{UNTRANSLATED_MARK} " + "; ".join(notes)
            if items and isinstance(items[0], cst.SimpleStatementLine) and len(items) == 1:
                tw = items[0].trailing_whitespace
                text = comment if tw.comment is None else f"{tw.comment.value}  {comment}"
                items[0] = items[0].with_changes(
                    trailing_whitespace=cst.TrailingWhitespace(
                        whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(text), newline=tw.newline
                    )
                )
            elif items:
                first = items[0]
                line = cst.EmptyLine(comment=cst.Comment(comment))
                items[0] = first.with_changes(leading_lines=list(first.leading_lines) + [line])
            else:
                items = [
                    cst.SimpleStatementLine(
                        body=[cst.Pass()],
                        trailing_whitespace=cst.TrailingWhitespace(
                            whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment)
                        ),
                    )
                ]
        if before and items:
            # keep the statement's own leading comments on top
            first = items[0]
            lead = first.leading_lines
            items[0] = first.with_changes(leading_lines=[])
            before = [before[0].with_changes(leading_lines=lead)] + before[1:]
        items = before + items
        if not items:
            return cst.RemovalSentinel.REMOVE
        return items[0] if len(items) == 1 else cst.FlattenSentinel(items)

    # -------------------- precedence: a lambda or conditional put where a call was needs parentheses as an operand
    def leave_IfExp(self, original: cst.IfExp, updated: cst.IfExp) -> cst.BaseExpression:
        return updated.with_changes(body=grouped(updated.body), test=grouped(updated.test))

    def leave_BooleanOperation(self, original, updated: cst.BooleanOperation) -> cst.BaseExpression:
        return updated.with_changes(left=grouped(updated.left), right=grouped(updated.right))

    def leave_BinaryOperation(self, original, updated: cst.BinaryOperation) -> cst.BaseExpression:
        return updated.with_changes(left=grouped(updated.left), right=grouped(updated.right))

    def leave_UnaryOperation(self, original, updated: cst.UnaryOperation) -> cst.BaseExpression:
        return updated.with_changes(expression=grouped(updated.expression))

    # ------------------------------------------------------------------ expressions
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        ctx = self.ctx
        qualname = ctx.info.qualname(original.func)
        out = None
        if qualname is not None:
            out = self._first(self.index.calls.get(qualname, ()), updated, qualname, origin=original)
        if out is None:
            out = self._first(self.index.any_calls, updated, qualname or "", origin=original)
        if out is not None:
            return self._value(original, out)
        if is_torch(qualname):
            ctx.untranslated(original, qualname)
            return updated
        if qualname is None and isinstance(updated.func, cst.Attribute):
            receiver = updated.func.value
            bare_self = isinstance(receiver, cst.Name) and receiver.value == "self"
            container = (
                isinstance(receiver, cst.Name)
                and ctx.function is not None
                and receiver.value in ctx.function.local_containers
            )  # a list/dict: list.sort(), dict.items()...
            if not bare_self and not container and ctx.info.qualname(original.func.value) is None:
                name = updated.func.attr.value
                out = self._first(self.index.methods.get(name, ()), updated, receiver, name, origin=original)
                if out is not None:
                    return self._value(original, out)
        return updated

    def _value(self, original: cst.Call, out: cst.BaseExpression | base.Rebind) -> cst.BaseExpression:
        """A call rule's output as an expression; a `Rebind` of a call that is a whole statement tells that
        statement what it rebinds."""
        if not isinstance(out, base.Rebind):
            return out
        frame = self.ctx.statement
        if id(original) in self.bare_calls and frame is not None:
            frame.rebind = out.target
        return out.value

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:
        if id(original) in self.funcs:
            return updated
        ctx = self.ctx
        qualname = ctx.info.qualname(original)
        if qualname is not None:
            if id(original) in self.inner:  # a prefix of a longer dotted name (`torch.nn` in `torch.nn.X`)
                return updated
            if self.annotations and is_layer_constructor(qualname):
                return cst.parse_expression("nnx.Module")  # `-> nn.Conv2d`, `List[nn.Linear]`: a type only
            ctx.enter_value(id(original))
            out = self._first(self.index.attr_targets.get(qualname, ()), updated, qualname)
            ctx.in_base, ctx.type_test = False, None
            if out is not None:
                return out
            if is_torch(qualname):
                ctx.untranslated(original, qualname)
            return updated
        out = self._first(self.index.attr_names.get(updated.attr.value, ()), updated, None)
        return updated if out is None else out

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if id(original) in self.inner or id(original) in self.funcs:
            return updated
        qualname = self.ctx.info.aliases.get(original.value)
        if qualname is None or not is_torch(qualname):
            return updated
        if self.annotations and is_layer_constructor(qualname):
            return cst.parse_expression("nnx.Module")
        self.ctx.enter_value(id(original))
        out = self._first(self.index.attr_targets.get(qualname, ()), updated, qualname)
        self.ctx.in_base, self.ctx.type_test = False, None
        return updated if out is None else out

    # ------------------------------------------------------------------ statements
    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        out = self._first(self.index.statements, updated)
        if out is None:
            return updated
        if not out:
            return cst.RemovalSentinel.REMOVE
        return out[0] if len(out) == 1 else cst.FlattenSentinel(out)

    def leave_With(self, original: cst.With, updated: cst.With):
        out = self._first(self.index.withs, updated)
        return updated if out is None else out

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return self._blocks(updated)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return self._blocks(updated)  # a script's top level is a block too (a training loop at module level)

    def _blocks(self, node: BlockT) -> BlockT:
        body = list(node.body)
        out = self._each(self.index.blocks, body)
        return node if out is body else node.with_changes(body=out)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        return self._each(self.index.functions, updated)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        return self._each(self.index.classes, updated)


def _header(ctx: Context, module: cst.Module, bare: bool) -> tuple[list[cst.BaseStatement], str]:
    """Import lines and emitted helpers for the top of the output."""
    present = module.code
    helpers = resolve_helpers(ctx.helpers)
    needed = set(ctx.imports)
    for h in helpers:
        needed.update(h.imports)
    lines = [IMPORT_LINES[k] for k in IMPORT_ORDER if k in needed and f"\n{IMPORT_LINES[k]}\n" not in f"\n{present}"]
    helper_text = "\n\n\n".join(h.source for h in helpers)
    return [cst.parse_statement(line + "\n") for line in lines], helper_text


def translate_rules(source: str, *, bare: bool = False) -> RulesResult:
    """Translate PyTorch source text to Flax NNX + optax with the rules. `bare`: body only (no import header
    and no emitted helpers), as the text of rule examples is written.

    The full output is formatted by ruff at the project's line length (t2j.rules.formatting).

    Never silently incomplete: names the output still uses keep their imports, and every leftover torch
    reference or undefined name is marked and listed (t2j.rules.leftovers); a crash of the translator
    returns the source, marked, with a diagnostic saying why."""
    try:
        result = _translate(source, bare=bare)
    except cst.ParserSyntaxError:
        raise
    except Exception as exc:  # noqa: BLE001 - an internal error is reported, never raised out of translate
        if bare:
            raise
        what = f"the rules backend failed on this file ({type(exc).__name__}: {exc}); nothing was translated"
        return RulesResult(
            code=f"{UNTRANSLATED_MARK} {what}\n{source}",
            diagnostics=[Diagnostic(line=0, message=f"not translated: {what}")],
        )
    if bare:
        return result
    # formatted before the leftover check, so the lines its diagnostics name are those of the final text
    code, leftovers = check_leftovers(source, format_code(result.code))
    diagnostics = sorted(result.diagnostics + leftovers, key=lambda d: d.line)
    return result.model_copy(update={"code": code, "diagnostics": diagnostics})


def _translate(source: str, *, bare: bool) -> RulesResult:
    module, source_lines = open_one_line_bodies(cst.parse_module(source))
    info = analyze(module)
    cache: dict[str, object] = {}

    def line_of(node: cst.CSTNode) -> int:
        # positions need a full code generation pass: computed once, only for files with diagnostics
        if "positions" not in cache:
            cache["positions"] = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        rng = cache["positions"].get(node)
        return source_lines.original(rng.start.line) if rng is not None else 0

    ctx = Context(info=info, line_of=line_of)
    index = RuleIndex(base.all_rules())
    new = module.visit(Engine(ctx, index))
    body = list(new.body)
    if bare:
        code = new.with_changes(body=body).code
        code = "\n".join(line for line in code.splitlines() if line.strip()) + "\n"
        return RulesResult(code=code, diagnostics=ctx.diagnostics, rules_fired=ctx.fired, helpers=sorted(ctx.helpers))
    imports, helper_text = _header(ctx, new, bare)
    at = imports_end(body)
    extra: list[cst.BaseStatement] = []
    placeholder = "__t2j_emitted_helpers__"
    if ctx.module_key_used and not ctx.module_key_seeded:
        key_line = cst.parse_statement("key = jax.random.key(0)\n")
        extra.append(key_line.with_changes(leading_lines=[cst.EmptyLine()]))
    if ctx.module_rngs_used:
        rngs_line = cst.parse_statement("rngs = nnx.Rngs(0)\n")
        extra.append(rngs_line.with_changes(leading_lines=[cst.EmptyLine()]))
    if at < len(body) and extra:
        body[at] = body[at].with_changes(
            leading_lines=[cst.EmptyLine(), cst.EmptyLine()]
            + list(e for e in body[at].leading_lines if e.comment is not None)
        )
    body = body[:at] + imports + extra + body[at:]
    helpers = [h.name for h in resolve_helpers(ctx.helpers)]
    if helper_text:
        # after the user's code (before the first statement that runs it); spliced in as text (parsing the
        # helpers with libcst would cost more than the translation)
        where = helpers_position(body, at + len(imports) + len(extra), set(helpers))
        mark = cst.parse_statement(placeholder + "\n").with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        if where < len(body):
            body[where] = body[where].with_changes(
                leading_lines=[cst.EmptyLine(), cst.EmptyLine()]
                + list(e for e in body[where].leading_lines if e.comment is not None)
            )
        body = body[:where] + [mark] + body[where:]
    code = new.with_changes(body=body).code
    if helper_text:
        code = code.replace(placeholder + "\n", f"{BANNER}\n\n\n{helper_text}\n", 1)
    code += step_lines(ctx.step_mappings)
    return RulesResult(
        code=code,
        diagnostics=sorted(ctx.diagnostics, key=lambda d: d.line),
        train_steps=list(ctx.step_mappings.values()),
        rules_fired=ctx.fired,
        helpers=helpers,
    )
