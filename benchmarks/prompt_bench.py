"""Prompt sizes: retrieved fixes within the budget vs attaching the whole fix store (as the T2J paper does).

    PYTHONPATH=. python benchmarks/prompt_bench.py [--corpus benchmarks/corpus] [--budget 2000]

For each corpus file: the translate prompt with the entries retrieved for it, its token count (o200k_base,
offline), the augmentation tokens, and the time to retrieve + build. Prints a markdown summary.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from t2j.fixes.store import load_store
from t2j.prompts.build import build_translate_prompt
from t2j.prompts.fixes_text import render_fix
from t2j.prompts.tokens import count_tokens
from t2j.repair.pipeline import FIXES_PER_PROMPT
from t2j.repair.retrieval import default_retriever


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="benchmarks/corpus")
    parser.add_argument("--budget", type=int, default=2000)
    args = parser.parse_args()

    store = load_store()
    retriever = default_retriever()
    whole = sum(count_tokens(render_fix(e)) for e in store.entries)
    files = sorted(Path(args.corpus).rglob("*.py"))
    totals, augment, nfixes, build_ms = [], [], [], []
    for path in files:
        source = path.read_text()
        started = time.perf_counter()
        fixes = retriever.for_source(source, FIXES_PER_PROMPT) if retriever else []
        prompt = build_translate_prompt(source, fixes, budget_tokens=args.budget)
        build_ms.append((time.perf_counter() - started) * 1e3)
        totals.append(prompt.tokens)
        augment.append(prompt.augmentation_tokens)
        nfixes.append(len(prompt.fix_ids))
    text = "\n".join(p.read_text() for p in files)
    started = time.perf_counter()
    n = count_tokens(text)
    rate = n / (time.perf_counter() - started)
    print(f"retriever: {type(retriever).__name__}; store: {len(store.entries)} entries; corpus: {len(files)} files")
    print("| measure | median | max |")
    print("|---|---|---|")
    print(f"| translate prompt, tokens | {statistics.median(totals):.0f} | {max(totals)} |")
    print(f"| of which retrieved fixes (budget {args.budget}) | {statistics.median(augment):.0f} | {max(augment)} |")
    print(f"| fix entries in the prompt | {statistics.median(nfixes):.0f} | {max(nfixes)} |")
    print(f"| retrieve + build time, ms | {statistics.median(build_ms):.1f} | {max(build_ms):.1f} |")
    print(
        f"\nwhole store rendered into one prompt: {whole} tokens "
        f"({whole / max(statistics.median(augment), 1):.0f}x the median augmentation)"
    )
    print(f"offline token counting: {rate / 1e6:.2f} M tokens/s (o200k_base, {n} tokens)")


if __name__ == "__main__":
    main()
