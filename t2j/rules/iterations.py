"""Comprehensions and lambdas the engine walks through: their bodies run many times, but the keys of their draws
are split once, before the statement (Context.random_key). The engine keeps a frame for each one open, so that a
draw in a comprehension folds each iteration's index into its key, and one in a lambda is marked."""

from __future__ import annotations

import libcst as cst

from t2j.rules.context import Context, IterationFrame


def iteration_frame(node: cst.BaseComp | cst.Lambda) -> IterationFrame:
    """The frame of a comprehension (the names its `for ... in range(...)` clauses bind) or a lambda."""
    if not isinstance(node, cst.BaseComp):
        return IterationFrame(is_lambda=True, ranges=[])
    ranges: list[str | None] = []
    clause: cst.CompFor | None = node.for_in
    while clause is not None:
        it = clause.iter
        is_range = isinstance(it, cst.Call) and isinstance(it.func, cst.Name) and it.func.value == "range"
        ranges.append(clause.target.value if is_range and isinstance(clause.target, cst.Name) else None)
        clause = clause.inner_for_in
    return IterationFrame(is_lambda=False, ranges=ranges)


def enumerated(node: cst.BaseComp, counters: dict[int, str]) -> cst.BaseComp:
    """`for x in xs` -> `for i3, x in enumerate(xs)` in the clauses that need an index for their draws' keys."""

    def rewrite(clause: cst.CompFor, at: int) -> cst.CompFor:
        inner = rewrite(clause.inner_for_in, at + 1) if clause.inner_for_in is not None else None
        clause = clause.with_changes(inner_for_in=inner)
        if at not in counters:
            return clause
        own = clause.target
        if isinstance(own, cst.Tuple) and not own.lpar:
            own = own.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        target = cst.Tuple([cst.Element(cst.Name(counters[at])), cst.Element(own)], lpar=[], rpar=[])
        return clause.with_changes(
            target=target, iter=cst.Call(func=cst.Name("enumerate"), args=[cst.Arg(clause.iter)])
        )

    return node.with_changes(for_in=rewrite(node.for_in, 0))


class IterationScopes:
    """The engine's visits of comprehensions and lambdas (a mixin of t2j.rules.engine.Engine, which has `ctx`)."""

    ctx: Context

    def _open(self, node: cst.BaseComp | cst.Lambda) -> bool:
        self.ctx.iterations.append(iteration_frame(node))
        return True

    def _close(self, updated: cst.BaseExpression) -> cst.BaseExpression:
        frame = self.ctx.iterations.pop()
        if frame.counters and isinstance(updated, cst.BaseComp):
            return enumerated(updated, frame.counters)
        return updated

    def visit_ListComp(self, node: cst.ListComp) -> bool:
        return self._open(node)

    def leave_ListComp(self, original: cst.ListComp, updated: cst.ListComp) -> cst.BaseExpression:
        return self._close(updated)

    def visit_SetComp(self, node: cst.SetComp) -> bool:
        return self._open(node)

    def leave_SetComp(self, original: cst.SetComp, updated: cst.SetComp) -> cst.BaseExpression:
        return self._close(updated)

    def visit_DictComp(self, node: cst.DictComp) -> bool:
        return self._open(node)

    def leave_DictComp(self, original: cst.DictComp, updated: cst.DictComp) -> cst.BaseExpression:
        return self._close(updated)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return self._open(node)

    def leave_GeneratorExp(self, original: cst.GeneratorExp, updated: cst.GeneratorExp) -> cst.BaseExpression:
        return self._close(updated)

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return self._open(node)

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda) -> cst.BaseExpression:
        return self._close(updated)
