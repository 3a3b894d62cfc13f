"""Which local names stand for which modules/objects (`nn` -> `torch.nn`, `F` -> `torch.nn.functional`)."""

from __future__ import annotations

import libcst as cst


def dotted(expr: cst.BaseExpression) -> str | None:
    """`a.b.c` as a string (None for anything that is not a plain Name/Attribute chain)."""
    parts = []
    while isinstance(expr, cst.Attribute):
        parts.append(expr.attr.value)
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return None
    parts.append(expr.value)
    return ".".join(reversed(parts))


def collect_imports(module: cst.Module) -> dict[str, str]:
    """alias -> canonical dotted name, for the import statements of the module's top level (including those
    under top-level if/try blocks)."""
    aliases: dict[str, str] = {}

    class Visitor:
        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                name = dotted(alias.name)
                if name is None:
                    continue
                if alias.asname is not None:
                    aliases[alias.asname.name.value] = name
                else:
                    aliases[name.split(".")[0]] = name.split(".")[0]

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.module is None or node.relative or isinstance(node.names, cst.ImportStar):
                return
            base = dotted(node.module)
            for alias in node.names:
                name = dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None else name
                aliases[local] = f"{base}.{name}"

    visitor = Visitor()

    def walk(statements) -> None:
        for st in statements:
            if isinstance(st, cst.SimpleStatementLine):
                for small in st.body:
                    if isinstance(small, cst.Import):
                        visitor.visit_Import(small)
                    elif isinstance(small, cst.ImportFrom):
                        visitor.visit_ImportFrom(small)
            elif isinstance(st, (cst.If, cst.Try)):
                walk(st.body.body)
                for handler in getattr(st, "handlers", ()):
                    walk(handler.body.body)
                orelse = getattr(st, "orelse", None)
                if orelse is not None and hasattr(orelse, "body") and hasattr(orelse.body, "body"):
                    walk(orelse.body.body)

    walk(module.body)
    return aliases


def resolve(expr: cst.BaseExpression, aliases: dict[str, str]) -> str | None:
    """Canonical dotted name of `expr` when its root is an imported name (`nn.Linear` -> `torch.nn.Linear`)."""
    name = dotted(expr)
    if name is None:
        return None
    root, _, rest = name.partition(".")
    base = aliases.get(root)
    if base is None:
        return None
    return f"{base}.{rest}" if rest else base


# torch and the packages that hand out torch modules: what the output must not keep unnoticed
TORCH_ROOTS = ("torch", "torchvision", "torchaudio", "einops.layers.torch")


def is_torch(qualname: str | None) -> bool:
    return bool(qualname) and any(qualname == root or qualname.startswith(root + ".") for root in TORCH_ROOTS)
