"""CodeBLEU of a translation against a reference JAX solution (the `codebleu` package, fully offline).

`codebleu.calc_codebleu` parses with the tree-sitter Python grammar shipped as the `tree-sitter-python` wheel;
nothing is downloaded.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel


class CodeBleu(BaseModel):
    codebleu: float
    ngram_match: float
    weighted_ngram_match: float
    syntax_match: float
    dataflow_match: float | None  # 0 when the reference has no data flow (CodeBLEU then counts this part as 1)


def codebleu_score(prediction: str, reference: str) -> CodeBleu:
    """CodeBLEU (equal weights) of `prediction` against one `reference`, both Python source."""
    from codebleu import calc_codebleu

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # codebleu warns on the root logger when a side has no data flow
    try:
        scores = calc_codebleu([reference], [prediction], lang="python")
    finally:
        logging.disable(previous)
    return CodeBleu(
        codebleu=float(scores["codebleu"]),
        ngram_match=float(scores["ngram_match_score"]),
        weighted_ngram_match=float(scores["weighted_ngram_match_score"]),
        syntax_match=float(scores["syntax_match_score"]),
        dataflow_match=None if scores["dataflow_match_score"] is None else float(scores["dataflow_match_score"]),
    )
