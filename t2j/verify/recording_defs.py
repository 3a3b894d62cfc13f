"""The class definitions of a training script without what runs on import: what the recording checker
(t2j.verify.recording) verifies each module class of a script on, with the recorded constructor arguments."""

from __future__ import annotations

import ast

INITIALIZERS = ("nnx.initializers.", "jax.nn.initializers.")


def _builds_initializer(call: ast.Call) -> bool:
    """`nnx.initializers.variance_scaling(...)`: a constant the translation's layers use (torch_kernel_init),
    built without running anything of the script."""
    return ast.unparse(call.func).startswith(INITIALIZERS)


def definitions_only(code: str) -> str:
    """`code` without what runs on import: imports, function and class definitions and assignments of values
    computed without calls (or by a JAX initializer factory) are kept (classes read module constants); loops,
    calls and `if __name__` blocks go."""
    import builtins

    tree = ast.parse(code)
    kept: list[ast.stmt] = []
    # names the kept code binds: an assignment that reads a name bound only by dropped code goes too
    bound = set(dir(builtins)) | {
        n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
    }
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
            kept.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kept.append(node)
        elif (
            isinstance(node, (ast.Assign, ast.AnnAssign))
            and node.value is not None
            and all(_builds_initializer(n) for n in ast.walk(node.value) if isinstance(n, ast.Call))
            and {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} <= bound
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            kept.append(node)
    return ast.unparse(ast.Module(body=kept, type_ignores=[]))
