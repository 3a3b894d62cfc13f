"""One-line compound statements (`def get_inputs(): return [torch.randn(2, 3)]`, `if x: y = f(x)`) opened up
into indented blocks before the rules run.

Rules add statements in front of the one they translate (a key split before a random draw) and at the top
of a function body (its key chain); a body written on the header's line has no block to put them in. The
output is formatted anyway, which would open such bodies up too. Each opened body adds one line below its
header, so `SourceLines` maps a line of the opened text back to the user's line for diagnostics."""

from __future__ import annotations

import bisect

import libcst as cst
import libcst.matchers as m
from libcst.metadata import MetadataWrapper, PositionProvider


class _Open(cst.CSTTransformer):
    def leave_SimpleStatementSuite(
        self, original: cst.SimpleStatementSuite, updated: cst.SimpleStatementSuite
    ) -> cst.IndentedBlock:
        body = list(updated.body)
        if body:
            body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        line = cst.SimpleStatementLine(body=body, trailing_whitespace=updated.trailing_whitespace)
        return cst.IndentedBlock(body=[line])


class SourceLines:
    """Lines of the opened text -> the user's lines: a line below the k-th opened header moves up by k."""

    def __init__(self, header_lines: list[int]):
        # header_lines: the user's line of each one-line body, in order; in the opened text the k-th is at +k
        self._opened = [line + k for k, line in enumerate(sorted(header_lines))]

    def original(self, line: int) -> int:
        return line - bisect.bisect_left(self._opened, line) if line > 0 else line


def open_one_line_bodies(module: cst.Module) -> tuple[cst.Module, SourceLines]:
    """`module` with every one-line body as an indented block, and the line map back to the user's source."""
    if not m.findall(module, m.SimpleStatementSuite()):  # most files: no position pass needed
        return module, SourceLines([])
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    headers = [positions[node].start.line for node in positions if isinstance(node, cst.SimpleStatementSuite)]
    return module.visit(_Open()), SourceLines(headers)
