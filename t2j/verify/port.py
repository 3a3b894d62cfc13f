"""Port PyTorch weights into a Flax NNX module, by attribute path, with the layout chosen from the target.

The porter works on a plain description of the torch side (a `TorchState`: arrays by state-dict key plus the
type of each submodule) so that it runs in a process that never imports torch. `port_weights` builds that
description from a live module for in-process use.

Every mapping is recorded as a `Mapping` whose `steps` are linear layout changes (slice, transpose, reshape,
flip); the verifier replays the same steps on torch's gradients to compare them with JAX's.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# torch module types whose parameters map onto a differently named / laid out Flax attribute
_LINEAR_TYPES = {"Linear", "NonDynamicallyQuantizableLinear", "LazyLinear"}
_CONV_TYPES = {"Conv1d", "Conv2d", "Conv3d", "LazyConv1d", "LazyConv2d", "LazyConv3d"}
_CONVT_TYPES = {"ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"}
_NORM_TYPES = {
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "SyncBatchNorm",
    "LayerNorm",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "RMSNorm",
}
# buffers torch keeps that have no meaning in JAX (only used when BatchNorm momentum=None)
_IGNORED_BUFFERS = {"num_batches_tracked"}
# Variable types that are not weights (random-number state)
_RNG_VARIABLE_NAMES = {"RngKey", "RngCount", "RngState"}

Step = tuple  # ("slice0", start, stop) | ("transpose", axes) | ("reshape", shape) | ("flip", axes)


class PortError(Exception):
    """A parameter or buffer could not be matched between the torch and the JAX module."""


@dataclass
class TorchState:
    """What the porter needs to know of a torch module: tensors by key, module type by prefix."""

    arrays: dict[str, np.ndarray]
    module_types: dict[str, str]  # "" for the root, "block.0.conv" for submodules
    parameter_keys: set[str] = field(default_factory=set)  # keys that are nn.Parameters (the rest are buffers)
    persistent_keys: set[str] | None = None  # buffers in state_dict; None means all
    aliases: dict[str, str] = field(default_factory=dict)  # tied weights: key -> the first key of that tensor


@dataclass
class Mapping:
    torch_key: str
    jax_path: str
    steps: list[Step]

    @property
    def description(self) -> str:
        if not self.steps:
            return "copy"
        return " then ".join(_describe(step) for step in self.steps)


@dataclass
class PortResult:
    mappings: list[Mapping]
    skipped: list[str]  # torch keys deliberately not ported (with reason)

    def by_torch_key(self) -> dict[str, list[Mapping]]:
        out: dict[str, list[Mapping]] = {}
        for m in self.mappings:
            out.setdefault(m.torch_key, []).append(m)
        return out


def _describe(step: Step) -> str:
    kind = step[0]
    if kind == "slice0":
        return f"rows {step[1]}:{step[2]}"
    if kind == "transpose":
        return f"transpose{tuple(step[1])}"
    if kind == "reshape":
        return f"reshape{tuple(step[1])}"
    if kind == "flip":
        return f"flip axes {tuple(step[1])}"
    raise ValueError(kind)


def apply_steps(array: np.ndarray, steps: list[Step]) -> np.ndarray:
    """Replay layout steps on a numpy array (used for weights and, by the verifier, for gradients)."""
    out = np.asarray(array)
    for step in steps:
        kind = step[0]
        if kind == "slice0":
            out = out[step[1] : step[2]]
        elif kind == "transpose":
            out = np.transpose(out, step[1])
        elif kind == "reshape":
            out = out.reshape(step[1])
        elif kind == "flip":
            out = np.flip(out, axis=tuple(step[1]))
        else:
            raise ValueError(f"unknown layout step {step!r}")
    return np.array(out, order="C")  # (np.ascontiguousarray would turn a 0-d array into 1-d)


def _shape_after(shape: tuple[int, ...], steps: list[Step]) -> tuple[int, ...]:
    return apply_steps(np.empty(shape, dtype=np.int8), steps).shape


# ---------------------------------------------------------------------------------------------------------
# Walking the NNX graph


def _variable_paths(nnx_module) -> dict[int, str]:
    """id(Variable) -> dotted path, for every Variable in the module graph."""
    from flax import nnx

    paths = {}
    for path, value in nnx.iter_graph(nnx_module):
        if isinstance(value, nnx.Variable):
            paths.setdefault(id(value), ".".join(str(p) for p in path))
    return paths


def _weight_variables(nnx_module) -> dict[str, Any]:
    """dotted path -> Variable for every weight-like Variable (Params, batch stats, other non-RNG Variables)."""
    from flax import nnx

    out = {}
    for path, value in nnx.iter_graph(nnx_module):
        if isinstance(value, nnx.Variable) and type(value).__name__ not in _RNG_VARIABLE_NAMES:
            out[".".join(str(p) for p in path)] = value
    return out


def _child(obj, name: str):
    """Step one attribute/index down an NNX graph the way torch names children."""
    from flax import nnx

    if isinstance(obj, nnx.Sequential):
        obj = obj.layers
    if isinstance(obj, (list, tuple, nnx.List)) and name.lstrip("-").isdigit():
        index = int(name)
        if index < len(obj):
            return obj[index]
        raise LookupError(name)
    if isinstance(obj, (dict, nnx.Dict)):
        try:
            return obj[name]
        except KeyError:
            pass
    if hasattr(obj, name):
        return getattr(obj, name)
    raise LookupError(name)


def _resolve(root, dotted: str):
    obj = root
    if not dotted:
        return obj
    for part in dotted.split("."):
        obj = _child(obj, part)
    return obj


# ---------------------------------------------------------------------------------------------------------
# Candidate targets for one torch tensor, in order of preference


def _candidates(module_type: str, name: str, shape: tuple[int, ...], target) -> list[tuple[str, list[Step]]]:
    """(attribute on target, steps) pairs to try for torch tensor `name` of a module of `module_type`."""
    nd = len(shape)
    if module_type in _LINEAR_TYPES and name == "weight":
        return [("kernel", [("transpose", (1, 0))]), ("weight", []), ("weight", [("transpose", (1, 0))])]
    if module_type in _CONV_TYPES and name == "weight":
        to_hwio = [("transpose", tuple(range(2, nd)) + (1, 0))]
        return [("kernel", to_hwio), ("weight", [])]
    if module_type in _CONVT_TYPES and name == "weight":
        spatial = tuple(range(nd - 2))
        if getattr(target, "transpose_kernel", False):
            # Flax flips the spatial axes and swaps in/out itself: kernel is (*k, out, in)
            steps = [("transpose", tuple(range(2, nd)) + (1, 0))]
        else:
            # plain transposed convolution: kernel is (*k, in, out), spatially flipped
            steps = [("transpose", tuple(range(2, nd)) + (0, 1)), ("flip", spatial)]
        return [("kernel", steps), ("weight", [])]
    if module_type in _NORM_TYPES:
        renames = {"weight": "scale", "running_mean": "mean", "running_var": "var"}
        if name in renames:
            return [(renames[name], []), (name, [])]
    if module_type == "Embedding" and name == "weight":
        return [("embedding", []), ("weight", [])]
    generic = [(name, [])]
    if nd == 2 and shape[0] != shape[1]:
        generic.append((name, [("transpose", (1, 0))]))
    return generic


def _mha_mappings(prefix: str, state: TorchState, target, paths: dict[int, str]) -> list[Mapping]:
    """torch MultiheadAttention (packed or separate q/k/v projections) -> nnx.MultiHeadAttention."""
    heads = int(target.num_heads)
    key = (prefix + ".") if prefix else ""
    out = []
    packed = state.arrays.get(key + "in_proj_weight")
    embed = (packed.shape[0] // 3) if packed is not None else state.arrays[key + "q_proj_weight"].shape[0]
    head_dim = embed // heads
    for index, proj in enumerate(("query", "key", "value")):
        dense = getattr(target, proj)
        if packed is not None:
            w_key, w_steps = key + "in_proj_weight", [("slice0", index * embed, (index + 1) * embed)]
        else:
            w_key, w_steps = key + f"{'qkv'[index]}_proj_weight", []
        in_features = state.arrays[w_key].shape[1]
        steps = w_steps + [("transpose", (1, 0)), ("reshape", (in_features, heads, head_dim))]
        out.append(Mapping(w_key, paths[id(dense.kernel)], steps))
        bias = state.arrays.get(key + "in_proj_bias")
        if bias is not None and getattr(dense, "bias", None) is not None:
            steps = [("slice0", index * embed, (index + 1) * embed), ("reshape", (heads, head_dim))]
            out.append(Mapping(key + "in_proj_bias", paths[id(dense.bias)], steps))
    w_out = state.arrays[key + "out_proj.weight"]
    out.append(
        Mapping(
            key + "out_proj.weight",
            paths[id(target.out.kernel)],
            [("transpose", (1, 0)), ("reshape", (heads, head_dim, w_out.shape[0]))],
        )
    )
    if key + "out_proj.bias" in state.arrays and getattr(target.out, "bias", None) is not None:
        out.append(Mapping(key + "out_proj.bias", paths[id(target.out.bias)], []))
    return out


# ---------------------------------------------------------------------------------------------------------


def port_state(state: TorchState, nnx_module, float64: bool = False) -> PortResult:
    """Copy every torch tensor in `state` into `nnx_module`; raise PortError naming anything unmatched."""
    from flax import nnx

    paths = _variable_paths(nnx_module)
    jax_vars = _weight_variables(nnx_module)
    mappings: list[Mapping] = []
    skipped: list[str] = []
    claimed: set[str] = set()

    owner = {}  # torch key -> (module prefix, local name)
    for key in state.arrays:
        prefix, _, name = key.rpartition(".")
        owner[key] = (prefix, name)

    # MultiheadAttention into nnx.MultiHeadAttention is ported as a unit (it spans out_proj too)
    for prefix, module_type in state.module_types.items():
        if module_type != "MultiheadAttention":
            continue
        try:
            target = _resolve(nnx_module, prefix)
        except LookupError:
            continue
        if isinstance(target, nnx.MultiHeadAttention):
            for m in _mha_mappings(prefix, state, target, paths):
                mappings.append(m)
                claimed.add(m.torch_key)

    errors = []
    pending_aliases: list[str] = []
    for key, array in state.arrays.items():
        if key in claimed:
            continue
        prefix, name = owner[key]
        module_type = state.module_types.get(prefix, "")
        try:
            target = _resolve(nnx_module, prefix)
        except LookupError:
            if key in state.aliases:
                pending_aliases.append(key)
            else:
                errors.append(_unmatched_torch(key, array, prefix, jax_vars))
            continue
        mapping = None
        for attribute, steps in _candidates(module_type, name, array.shape, target):
            value = getattr(target, attribute, None) if not isinstance(target, (dict, nnx.Dict)) else None
            if value is None:
                try:
                    value = _child(target, attribute)
                except LookupError:
                    continue
            expected = _shape_after(array.shape, steps)
            if isinstance(value, nnx.Variable):
                if tuple(value.get_value().shape) == expected:
                    mapping = Mapping(key, paths[id(value)], steps)
                    break
            elif hasattr(value, "shape") and tuple(value.shape) == expected and not steps:
                # a plain array attribute (a constant buffer in the translation)
                setattr(target, attribute, _as_jax(array, value.dtype, float64))
                mappings.append(Mapping(key, (prefix + "." if prefix else "") + attribute, []))
                mapping = "done"
                break
        if mapping is None and name in _IGNORED_BUFFERS:
            skipped.append(f"{key} (torch bookkeeping buffer, unused by the translation)")
            continue
        if mapping is None and key in state.aliases:
            # tied weights: one JAX parameter may serve every torch key of the tensor (checked below)
            pending_aliases.append(key)
            continue
        if mapping is None:
            is_buffer = key not in state.parameter_keys
            non_persistent = state.persistent_keys is not None and key not in state.persistent_keys
            if is_buffer and non_persistent:
                skipped.append(f"{key} (non-persistent buffer; the translation recomputes it)")
                continue
            errors.append(_unmatched_torch(key, array, prefix, jax_vars))
        elif mapping != "done":
            mappings.append(mapping)
    ported_keys = {m.torch_key for m in mappings}
    for key in pending_aliases:
        if state.aliases[key] in ported_keys:
            skipped.append(f"{key} (tied to {state.aliases[key]}, which the translation shares)")
        else:
            errors.append(_unmatched_torch(key, state.arrays[key], owner[key][0], jax_vars))

    assigned = {m.jax_path for m in mappings}
    for path in (p for p in jax_vars if p not in assigned):
        shape = tuple(jax_vars[path].get_value().shape)
        near = _nearest(path, shape, {k: a.shape for k, a in state.arrays.items() if k not in claimed})
        hint = f"; nearest torch key '{near}' ({_shape_text(state.arrays[near].shape)})" if near else ""
        errors.append(
            f"port_weights: JAX variable '{path}' (shape {_shape_text(shape)}) has no torch counterpart{hint}. "
            "Keep attribute names identical to the PyTorch module."
        )
    if errors:
        raise PortError("\n".join(errors))

    for m in mappings:
        if m.jax_path in jax_vars:
            var = jax_vars[m.jax_path]
            var.set_value(_as_jax(apply_steps(state.arrays[m.torch_key], m.steps), var.get_value().dtype, float64))
    return PortResult(mappings=mappings, skipped=skipped)


def _as_jax(array: np.ndarray, like_dtype, float64: bool):
    import jax.numpy as jnp

    array = np.asarray(array)
    if np.issubdtype(array.dtype, np.floating):
        return jnp.asarray(array, dtype=jnp.float64 if float64 else like_dtype)
    return jnp.asarray(array)


def _shape_text(shape) -> str:
    return "x".join(map(str, shape)) or "scalar"


def _nearest(name: str, shape: tuple[int, ...], candidates: dict[str, tuple[int, ...]]) -> str | None:
    """The candidate most likely meant: same number of elements first, then the closest name."""
    size = int(np.prod(shape))

    def score(item):
        other, other_shape = item
        same_size = int(np.prod(other_shape)) == size
        return (same_size, difflib.SequenceMatcher(None, name, other).ratio())

    return max(candidates.items(), key=score)[0] if candidates else None


def _unmatched_torch(key: str, array: np.ndarray, prefix: str, jax_vars: dict[str, Any]) -> str:
    shape = _shape_text(array.shape)
    near = _nearest(key, array.shape, {p: tuple(v.get_value().shape) for p, v in jax_vars.items()})
    if near:
        hint = f"; the JAX model has '{near}' ({_shape_text(jax_vars[near].get_value().shape)})"
    else:
        hint = "; the JAX model has no variables"
    return (
        f"port_weights: torch tensor '{key}' (shape {shape}) has no match in the JAX model{hint}. "
        "Keep attribute names identical to the PyTorch module."
    )


# ---------------------------------------------------------------------------------------------------------
# Live-module entry points


def torch_state(torch_module) -> TorchState:
    """Describe a live torch module for `port_state` (all parameters and buffers, persistent or not)."""
    arrays = {}
    first_key_of: dict[int, str] = {}
    aliases = {}
    for name, tensor in torch_module.state_dict(keep_vars=True).items():
        arrays[name] = tensor.detach().cpu().numpy().copy()
        owner = first_key_of.setdefault(id(tensor), name)
        if owner != name:
            aliases[name] = owner
    persistent = set(arrays)
    for name, tensor in torch_module.named_buffers():
        if name not in arrays:
            arrays[name] = tensor.detach().cpu().numpy().copy()
    parameter_keys = {name for name, _ in torch_module.named_parameters()}
    module_types = {name: type(mod).__name__ for name, mod in torch_module.named_modules()}
    return TorchState(arrays, module_types, parameter_keys, persistent, aliases)


def put_state(bundle, prefix: str, state: TorchState) -> None:
    """Store `state` in a verifier Bundle under `prefix` (arrays in the group, the rest in the metadata)."""
    bundle.put_group(prefix, state.arrays)
    bundle.meta[prefix] = {
        "module_types": state.module_types,
        "parameter_keys": sorted(state.parameter_keys),
        "persistent_keys": sorted(state.persistent_keys or []),
        "aliases": state.aliases,
    }


def get_state(bundle, prefix: str) -> TorchState:
    """The TorchState `put_state` stored under `prefix` (read on the other side of the sandbox)."""
    meta = bundle.meta[prefix]
    return TorchState(
        arrays=bundle.group(prefix),
        module_types=meta["module_types"],
        parameter_keys=set(meta["parameter_keys"]),
        persistent_keys=set(meta["persistent_keys"]),
        aliases=meta.get("aliases", {}),
    )


def port_weights(torch_module, nnx_module, float64: bool = False) -> PortResult:
    """Copy every parameter and buffer of `torch_module` into `nnx_module` (in place).

    Raises PortError naming each tensor left unmatched on either side, its shape and the nearest candidate.
    """
    return port_state(torch_state(torch_module), nnx_module, float64=float64)


def save_weights(nnx_module, path: str | Path) -> Path:
    """Write the module's weights (every Param and batch statistic) to a safetensors file keyed by NNX path.

    Load them in plain JAX with `safetensors.numpy.load_file(path)` and assign each array to the variable at
    that dotted path (e.g. `model.fc1.kernel[...] = arrays["fc1.kernel"]`).
    """
    from safetensors.numpy import save_file

    path = Path(path)
    arrays = {name: np.asarray(var.get_value()) for name, var in _weight_variables(nnx_module).items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(arrays, str(path))
    return path
