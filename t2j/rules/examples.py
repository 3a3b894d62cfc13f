"""Turn a rule's `Example` into runnable PyTorch and expected-JAX problem files (used by the tests and by
`t2j.rules.examples.check_example`)."""

from __future__ import annotations

import textwrap

from t2j.rules.base import Example

PRELUDE = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
MODULE_PRELUDE = PRELUDE + "from collections import OrderedDict\n"  # verified examples may name OrderedDict


def _split(example: Example) -> tuple[list[str], list[str]]:
    init, forward = [], []
    is_init = False
    for line in example.torch.strip().splitlines():
        stripped = line.strip()
        if line[:1].isspace():  # the body of a block goes where its header went
            (init if is_init else forward).append(line.rstrip())
            continue
        is_init = (
            stripped.startswith("self.")
            and "=" in stripped.split("(")[0]
            or stripped.startswith(("self.register_buffer", "self.apply(", "nn.init.", "torch.nn.init."))
            or (stripped.startswith("for ") and ".modules()" in stripped)
            or (stripped.startswith("self.") and ".data." in stripped.split("(")[0])
        )
        (init if is_init else forward).append(line.rstrip())
    return init, forward


def _tensor_expr(example: Example, name: str) -> str:
    spec = example.tensor(name)
    shape = tuple(spec.shape)
    if spec.dtype.startswith("int"):
        return f"torch.randint(0, {spec.high or 10}, {shape})"
    if spec.positive:
        return f"torch.rand({shape}) + 0.05"
    return f"torch.randn({shape})"


def torch_module(example: Example) -> str:
    """A problem file: `class Model(nn.Module)` whose __init__/forward are the example's lines."""
    init, forward = _split(example)
    args = ", ".join(example.inputs)
    init_params = f", {example.init_args}" if example.init_args else ""
    body_init = "\n".join(f"        {line}" for line in init) or "        pass"
    body_fwd = "\n".join(f"        {line}" for line in forward)
    inputs = ", ".join(_tensor_expr(example, n) for n in example.inputs)
    return (
        f"{MODULE_PRELUDE}{example.imports.strip() + chr(10) if example.imports else ''}\n\nclass Model(nn.Module):\n    def __init__(self{init_params}):\n        super().__init__()\n"
        f"{body_init}\n\n    def forward(self, {args}):\n{body_fwd}\n        return {example.output}\n\n\n"
        f"def get_init_inputs():\n    return []\n\n\ndef get_inputs():\n    return [{inputs}]\n"
    )


def example_translation(example: Example) -> tuple[str, list[str]]:
    """What the rules make of the example's lines, as the example's `jax` text is written, and the rules that
    fired on it."""
    from t2j.rules import translate_rules

    if not example.verify:
        imports = example.imports.strip() + "\n" if example.imports else ""
        result = translate_rules(PRELUDE + imports + example.torch.strip() + "\n", bare=True)
        return result.code.strip(), result.rules_fired
    result = translate_rules(torch_module(example), bare=True)
    lines = result.code.splitlines()
    out = []
    section = None
    for line in lines:
        s = line.strip()
        if s.startswith("def __init__"):
            section = "init"
            continue
        if s.startswith("def __call__"):
            section = "fwd"
            continue
        if s.startswith("def ") or s.startswith("class "):
            section = None
            continue
        if section == "init" and s != "pass":
            out.append(line)
        elif section == "fwd" and not s.startswith(f"return {example.output}"):
            out.append(line)
    return textwrap.dedent("\n".join(out)).strip(), result.rules_fired


def example_text(example: Example) -> str:
    """What the rules make of the example's lines, as the example's `jax` text is written."""
    return example_translation(example)[0]
