"""The JAX side (untrusted, sandboxed, no torch): build the NNX module, port the torch weights, and *export* the
jitted programs the trusted runner will execute (t2j.verify.program_runner). It sees the reference's weights and
the shapes of its inputs, never their values, the torch outputs, gradients or cotangents; every number of the
verdict comes from running these programs, not from what this process says.

Programs (jax.export, serialized), over flat lists of arrays so that no custom pytree crosses the boundary:
- forward(params, rest, arrays) -> outputs                       (eval mode)
- vjp(params, float_arrays, other_arrays, rest, cotangents) -> (d params, d float inputs)   of sum(out * c)
- train(variables, arrays) -> (outputs, variables after the call)  (one training-mode call)
`params` are the nnx.Param leaves, `rest` the other array-valued variables (BatchNorm statistics ...); PRNG
keys are baked into the programs. The leaf paths, shapes and dtypes, and the torch key and layout steps each was
ported from, are returned so that the parent feeds the programs the torch weights itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from t2j.settings import Settings
from t2j.verify.bundle import Bundle
from t2j.verify.compare import flatten


def _pure_paths(tree) -> dict[str, np.ndarray]:
    """Flatten an nnx.State (or pure dict) into {dotted path: numpy array}."""
    import jax
    from flax import nnx

    pure = nnx.to_pure_dict(tree) if isinstance(tree, nnx.State) else tree
    flat, _ = jax.tree_util.tree_flatten_with_path(pure)
    return {".".join(str(getattr(k, "key", getattr(k, "idx", k))) for k in path): np.asarray(v) for path, v in flat}


def _key_path(path) -> str:
    parts = []
    for key in path:
        if hasattr(key, "key"):
            parts.append(str(key.key))
        elif hasattr(key, "idx"):
            parts.append(str(key.idx))
    return ".".join(parts)


class Leaves:
    """An nnx.State as a flat list of array arguments plus baked-in constants (PRNG keys)."""

    def __init__(self, state):
        import jax

        flat, self.treedef = jax.tree_util.tree_flatten_with_path(state)
        self.leaves = [leaf for _, leaf in flat]
        self.arg_index = [i for i, leaf in enumerate(self.leaves) if _plain(leaf)]
        self.paths = [_key_path(flat[i][0]) for i in self.arg_index]

    def args(self) -> list:
        return [self.leaves[i] for i in self.arg_index]

    def specs(self) -> list:
        import jax

        return [jax.ShapeDtypeStruct(np.shape(a), a.dtype) for a in self.args()]

    def rebuild(self, args):
        import jax

        leaves = list(self.leaves)
        for i, a in zip(self.arg_index, args):
            leaves[i] = a
        return jax.tree_util.tree_unflatten(self.treedef, leaves)

    def describe(self) -> list[dict]:
        return [{"path": p, "shape": list(np.shape(a)), "dtype": str(a.dtype)} for p, a in zip(self.paths, self.args())]


def _plain(leaf) -> bool:
    import jax

    return isinstance(leaf, (jax.Array, np.ndarray)) and not jax.dtypes.issubdtype(leaf.dtype, jax.dtypes.extended)


def _decode(bundle: Bundle, prefix: str, described: list[dict], float64: bool) -> list[Any]:
    import jax.numpy as jnp

    values = []
    for index, item in enumerate(described):
        if item["kind"] == "array":
            array = bundle.arrays[f"{prefix}/{index}"]
            if np.issubdtype(array.dtype, np.floating):
                array = array.astype(np.float64 if float64 else array.dtype)
            values.append(jnp.asarray(array))
        else:
            values.append(item["value"])
    return values


def input_dtype(spec: dict, float64: bool) -> np.dtype:
    dtype = np.dtype(spec["dtype"])
    return np.dtype(np.float64) if float64 and np.issubdtype(dtype, np.floating) else dtype


def _error_text(exc: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(exc, limit=-6))[-4000:]


def _check_module(model) -> None:
    from flax import nnx

    if not isinstance(model, nnx.Module):
        raise TypeError(
            f"the JAX entry is a {type(model).__name__}, expected an nnx.Module: translate "
            "`class X(nn.Module)` to `class X(nnx.Module)` with a keyword-only `rngs` argument"
        )


def _build(entry, init_inputs, state, settings: Settings, init_kwargs: dict | None = None):
    """The translation's module with the torch weights ported in.

    A class is first built abstractly (nnx.eval_shape: no initializer runs, so nothing is compiled): when the
    torch weights then fill every array of the module, that is the module. Anything left abstract (a PRNG key, a
    constant the constructor computes) needs the real constructor, which is called then."""
    import jax
    from flax import nnx

    from t2j.verify.port import port_state

    init_kwargs = init_kwargs or {}
    if isinstance(entry, type):
        try:
            abstract = nnx.eval_shape(lambda: entry(*init_inputs, **init_kwargs, rngs=nnx.Rngs(settings.seed)))
        except Exception:  # noqa: BLE001 -- a constructor that needs concrete values: build it for real below
            abstract = None
        if isinstance(abstract, nnx.Module):
            try:
                ported = port_state(state, abstract, float64=settings.float64)
            except ValueError:  # flax refuses an array where the abstract module holds a static attribute
                ported = None  # (a plain-array attribute is a ShapeDtypeStruct there): port into the real one
        if isinstance(abstract, nnx.Module) and ported is not None:
            leaves = jax.tree_util.tree_leaves(nnx.state(abstract))
            graph_leaves = [leaf for _, leaf in nnx.iter_graph(abstract)]
            # a constant the constructor computes stays a ShapeDtypeStruct, or (a plain attribute nnx keeps as
            # static) a tracer leaked out of eval_shape's trace: either needs the real constructor
            left_abstract = (jax.ShapeDtypeStruct, jax.core.Tracer)
            if not any(isinstance(leaf, left_abstract) for leaf in leaves + graph_leaves):
                return abstract, ported
        model = entry(*init_inputs, **init_kwargs, rngs=nnx.Rngs(settings.seed))
    else:
        model = entry
    _check_module(model)
    return model, port_state(state, model, float64=settings.float64)


def fresh_draws(entry, init_inputs, settings: Settings, init_kwargs: dict | None = None) -> dict[str, np.ndarray]:
    """Variables of freshly built models (the translation's own initialisers, one seed per draw), sampled as
    t2j.verify.init_check.sample does, by "draw/path". Built under jit (one compilation for all the draws)
    where the constructor traces, else eagerly."""
    import jax
    from flax import nnx

    from t2j.verify.init_check import DRAWS, sample

    def build(key):
        # every variable, not only nnx.Param: a torch parameter with requires_grad=False is an nnx.Variable (the
        # parent compares only the paths torch parameters were ported into)
        leaves = Leaves(nnx.state(entry(*init_inputs, **(init_kwargs or {}), rngs=nnx.Rngs(key))))
        return dict(zip(leaves.paths, leaves.args()))

    keys = [jax.random.key(settings.seed + 1000 + draw) for draw in range(DRAWS)]
    try:
        jitted = jax.jit(build)
        draws = [jitted(key) for key in keys]
    except Exception:  # noqa: BLE001 -- a constructor that needs concrete values
        draws = [build(key) for key in keys]
    return {
        f"{draw}/{path}": sample(np.asarray(value), settings.seed + draw)
        for draw, params in enumerate(draws)
        for path, value in params.items()
    }


def _export(fn, *specs, out: Bundle | None = None, ir_key: str = "") -> bytes:
    """jax.export of jit(fn) at `specs`, serialized; with `ir_key`, the jaxpr of that same trace goes to
    out.meta[ir_key] (JAX's own export steps, sharing one trace instead of tracing twice)."""
    import jax

    jitted = jax.jit(fn)
    if not ir_key:
        return bytes(jax.export.export(jitted)(*specs).serialize())
    from jax._src import config
    from jax._src.export import _export as internal
    from jax._src.interpreters import mlir

    from t2j.verify.ir import jaxpr_op_counts

    traced = jitted.trace(*specs)
    lowered = traced.lower(
        lowering_platforms=(internal.default_export_platform(),),
        _private_parameters=mlir.LoweringParameters(
            for_export=True,
            hoist_constants_as_args=False,
            export_ignore_forward_compatibility=config.export_ignore_forward_compatibility.value,
        ),
    )
    exported = internal._export_lowered(lowered, traced.jaxpr, traced.fun_name)
    out.meta[ir_key] = {"jaxpr": str(traced.jaxpr), "op_counts": {"jaxpr": jaxpr_op_counts(traced.jaxpr)}}
    return bytes(exported.serialize())


def export_module(entry, job: Bundle, settings: Settings) -> tuple[Bundle, dict[str, bytes]]:
    """Build the translation's entry for the reference's job and export its programs."""
    import jax
    import jax.numpy as jnp
    from flax import nnx

    from t2j.verify.port import get_state

    f64 = settings.float64
    meta = job.meta
    specs = meta["inputs"]
    out, programs = Bundle(), {}
    model = None
    if meta["kind"] == "module":
        init_inputs = _decode(job, "init", meta["init_inputs"], f64)
        kw = meta.get("init_kwargs") or {"names": [], "values": []}
        init_kwargs = dict(zip(kw["names"], _decode(job, "initkw", kw["values"], f64)))
        state = get_state(job, "state")
        model, ported = _build(entry, init_inputs, state, settings, init_kwargs)
        out.meta["mappings"] = [
            {
                "torch_key": m.torch_key,
                "jax_path": m.jax_path,
                "steps": m.steps,
                "description": m.description,
                "shape": list(state.arrays[m.torch_key].shape),
            }
            for m in ported.mappings
        ]
        out.meta["skipped"] = ported.skipped
        if isinstance(entry, type) and settings.init_check != "off":
            try:
                out.put_group("fresh", fresh_draws(entry, init_inputs, settings, init_kwargs))
            except Exception as exc:  # reported as a failed init check; the other checks still stand
                out.meta["init_error"] = _error_text(exc)
        model.eval()
    elif not callable(entry):
        raise TypeError(f"the JAX entry is a {type(entry).__name__}, expected a function")

    array_index = [i for i, s in enumerate(specs) if s["kind"] == "array"]
    array_specs = [jax.ShapeDtypeStruct(tuple(specs[i]["shape"]), input_dtype(specs[i], f64)) for i in array_index]
    float_pos = [k for k, i in enumerate(array_index) if np.issubdtype(array_specs[k].dtype, np.floating)]
    other_pos = [k for k in range(len(array_index)) if k not in float_pos]
    statics = [None if s["kind"] == "array" else s["value"] for s in specs]

    def call_args(arrays):
        args = list(statics)
        for i, a in zip(array_index, arrays):
            args[i] = a
        return args

    if model is not None:
        graphdef, params_state, rest_state = nnx.split(model, nnx.Param, ...)
        params, rest = Leaves(params_state), Leaves(rest_state)
    else:
        params = rest = None

    def apply(param_args, rest_args, arrays):
        if model is None:
            return entry(*call_args(arrays))
        m = nnx.merge(graphdef, params.rebuild(param_args), rest.rebuild(rest_args))
        return m(*call_args(arrays))

    def forward(param_args, rest_args, arrays):
        return [leaf for _, leaf in flatten(apply(param_args, rest_args, arrays)) if leaf is not None]

    param_specs = params.specs() if params else []
    rest_specs = rest.specs() if rest else []
    shapes = jax.eval_shape(lambda p, r, a: apply(p, r, a), param_specs, rest_specs, array_specs)
    outputs = [
        {"path": path, "shape": list(leaf.shape), "dtype": str(leaf.dtype)}
        for path, leaf in flatten(shapes)
        if leaf is not None
    ]
    out.meta.update(
        outputs=outputs,
        params=params.describe() if params else [],
        rest=rest.describe() if rest else [],
        float_inputs=[array_index[k] for k in float_pos],
        array_inputs=array_index,
    )
    if params:
        out.put_group("param", {str(i): np.asarray(a) for i, a in enumerate(params.args())})
        out.put_group("rest", {str(i): np.asarray(a) for i, a in enumerate(rest.args())})
    programs["forward"] = _export(
        forward, param_specs, rest_specs, array_specs, out=out, ir_key="ir_forward" if settings.collect_ir else ""
    )

    float_out = [k for k, o in enumerate(outputs) if np.issubdtype(np.dtype(o["dtype"]), np.floating)]
    out.meta["float_outputs"] = float_out
    if meta.get("differentiable") and float_out:
        try:

            def loss(param_args, float_arrays, other_arrays, rest_args, cots):
                arrays = [None] * len(array_index)
                for k, a in zip(float_pos, float_arrays):
                    arrays[k] = a
                for k, a in zip(other_pos, other_arrays):
                    arrays[k] = a
                leaves = forward(param_args, rest_args, arrays)
                total = 0.0
                for k, cot in zip(float_out, cots):
                    total = total + jnp.sum(leaves[k] * cot.astype(leaves[k].dtype))
                return total

            grad = jax.grad(loss, argnums=(0, 1))
            cot_specs = [
                jax.ShapeDtypeStruct(tuple(outputs[k]["shape"]), np.dtype(outputs[k]["dtype"])) for k in float_out
            ]
            vjp_specs = (
                param_specs,
                [array_specs[k] for k in float_pos],
                [array_specs[k] for k in other_pos],
                rest_specs,
                cot_specs,
            )
            programs["vjp"] = _export(grad, *vjp_specs, out=out, ir_key="ir_backward" if settings.collect_ir else "")
        except Exception as exc:  # reported as a failed backward check; the forward checks still stand
            out.meta["backward_error"] = _error_text(exc)

    if model is not None and meta.get("train"):
        try:
            model.train()
            if meta.get("train_dropout_off"):
                # the torch side set its dropout layers to p=0 for this check (its training-mode outputs were random)
                model.set_attributes(nnx.Dropout, deterministic=True, raise_if_not_found=False)
            train_graph, variables_state = nnx.split(model)
            variables = Leaves(variables_state)

            def train_tree(variable_args, arrays):
                m = nnx.merge(train_graph, variables.rebuild(variable_args))
                result = m(*call_args(arrays))
                return result, Leaves(nnx.state(m)).args()

            def train(variable_args, arrays):
                result, after = train_tree(variable_args, arrays)
                return [leaf for _, leaf in flatten(result) if leaf is not None], after

            programs["train"] = _export(train, variables.specs(), array_specs)
            out.meta["variables"] = variables.describe()
            out.put_group("variable", {str(i): np.asarray(a) for i, a in enumerate(variables.args())})
            train_shapes = jax.eval_shape(train_tree, variables.specs(), array_specs)
            out.meta["train_outputs"] = [path for path, leaf in flatten(train_shapes[0]) if leaf is not None]
        except Exception as exc:
            out.meta["train_error"] = _error_text(exc)
        finally:
            model.eval()
    return out, programs
