"""Small helpers to read and build libcst nodes inside rules."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import libcst as cst

from t2j.analyze.imports import dotted


@functools.lru_cache(maxsize=4096)
def expr(text: str) -> cst.BaseExpression:
    """Parse an expression (nodes are immutable, so cached nodes can be shared)."""
    return cst.parse_expression(text)


@functools.lru_cache(maxsize=1024)
def stmt(text: str) -> cst.BaseStatement:
    return cst.parse_statement(text)


_EMPTY = cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def arg(value: cst.BaseExpression | str, keyword: str | None = None) -> cst.Arg:
    if isinstance(value, str):
        value = expr(value)
    if keyword is None:
        return cst.Arg(value=value)
    return cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def clean(args) -> list[cst.Arg]:
    """Args with normalized separators (so that rebuilt calls print as `f(a, b, k=v)`)."""
    out = []
    for a in args:
        eq = (
            cst.MaybeSentinel.DEFAULT
            if a.keyword is None
            else cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
        )
        out.append(a.with_changes(comma=cst.MaybeSentinel.DEFAULT, equal=eq))
    return out


def call(func: cst.BaseExpression | str, args) -> cst.Call:
    if isinstance(func, str):
        func = expr(func)
    return cst.Call(func=func, args=clean(args))


def positional(node: cst.Call) -> list[cst.Arg]:
    return [a for a in node.args if a.keyword is None]


def keyword(node: cst.Call, name: str) -> cst.Arg | None:
    for a in node.args:
        if a.keyword is not None and a.keyword.value == name:
            return a
    return None


def has_star(node: cst.Call) -> bool:
    return any(a.star for a in node.args)


def bind(node: cst.Call, params: list[str]) -> dict[str, cst.BaseExpression] | None:
    """Match a call's arguments to a parameter list (positional then keyword); None if it has * or ** args
    or an unknown keyword."""
    if has_star(node):
        return None
    out: dict[str, cst.BaseExpression] = {}
    pos = positional(node)
    if len(pos) > len(params):
        return None
    for name, a in zip(params, pos):
        out[name] = a.value
    for a in node.args:
        if a.keyword is not None:
            if a.keyword.value not in params:
                return None
            out[a.keyword.value] = a.value
    return out


def rename_keywords(args, mapping: Mapping[str, str | None]) -> list[cst.Arg]:
    """Rename keyword arguments (`dim` -> `axis`); a None target drops the argument."""
    out = []
    for a in args:
        if a.keyword is not None and a.keyword.value in mapping:
            new = mapping[a.keyword.value]
            if new is None:
                continue
            a = a.with_changes(keyword=cst.Name(new))
        out.append(a)
    return out


def is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def literal(node: cst.BaseExpression | None):
    """The Python value of a literal node (numbers, strings, True/False/None, tuples), or raise ValueError."""
    import ast

    if node is None:
        raise ValueError("no node")
    return ast.literal_eval(code(node))


def as_tuple(values: list[cst.BaseExpression]) -> cst.Tuple:
    elements = [cst.Element(value=v) for v in values]
    if len(elements) == 1:
        elements = [cst.Element(value=values[0], comma=cst.Comma(whitespace_after=cst.SimpleWhitespace("")))]
    return cst.Tuple(elements=elements)


def shape_args(node: cst.Call, names=("size",)) -> tuple[cst.BaseExpression | None, list[cst.Arg]]:
    """torch's `f(2, 3)` / `f((2, 3))` / `f(size=(2, 3))` shape arguments as one expression; the other
    (keyword) arguments are returned as they are."""
    pos = positional(node)
    rest = [a for a in node.args if a.keyword is not None and a.keyword.value not in names]
    kw = next((a for a in node.args if a.keyword is not None and a.keyword.value in names), None)
    if kw is not None:
        return kw.value, rest
    if not pos:
        return None, rest
    if len(pos) == 1 and not pos[0].star:
        return pos[0].value, rest
    elements = [cst.Element(value=a.value) if not a.star else cst.StarredElement(value=a.value) for a in pos]
    return cst.Tuple(elements=elements), rest


def grouped(node: cst.BaseExpression) -> cst.BaseExpression:
    """`node` parenthesized when it is a lambda or a conditional expression without parentheses."""
    if isinstance(node, (cst.Lambda, cst.IfExp)) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def yields(function: cst.CSTNode) -> bool:
    """Whether a function is a generator function (a `yield` of its own, nested functions not counted)."""
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Yield(self, node: cst.Yield) -> None:
            found.append(node)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function  # nested functions yield for themselves

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

    function.visit(Finder())
    return bool(found)


def value_locals(fn: cst.FunctionDef) -> set[str]:
    """Local names of `fn` bound to a plain name or attribute, an `a or b`, or a `partial(...)`: values that may
    be layer classes or factories (`norm_layer = self._norm_layer`, `act = act_layer or nn.ReLU`)."""
    found: set[str] = set()

    class Visitor(cst.CSTVisitor):
        def visit_Assign(self, node: cst.Assign) -> None:
            value = node.value
            is_value = isinstance(value, (cst.Name, cst.Attribute, cst.BooleanOperation, cst.Subscript)) or (
                isinstance(value, cst.Call) and (dotted(value.func) or "").split(".")[-1] == "partial"
            )
            if is_value:
                found.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    fn.body.visit(Visitor())
    return found
