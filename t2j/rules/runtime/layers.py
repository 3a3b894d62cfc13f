"""Other layers whose torch parameters or semantics have no exact native match."""

import math

import jax
import jax.numpy as jnp
from flax import nnx
from jax import lax

from t2j.rules.runtime.common import torch_uniform


class TorchEmbedding(nnx.Module):
    """nn.Embedding with padding_idx: that row starts at zero and receives no gradient."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, *, rngs: nnx.Rngs):
        weight = jax.random.normal(rngs.params(), (num_embeddings, embedding_dim))
        if padding_idx is not None:
            padding_idx = padding_idx % num_embeddings
            weight = weight.at[padding_idx].set(0.0)
        self.padding_idx = padding_idx
        self.weight = nnx.Param(weight)

    def __call__(self, ids):
        weight = self.weight[...]
        if self.padding_idx is not None:
            weight = weight.at[self.padding_idx].set(lax.stop_gradient(weight[self.padding_idx]))
        return jnp.take(weight, ids, axis=0)


class TorchBilinear(nnx.Module):
    """nn.Bilinear: y = x1^T W x2 + b with weight (out, in1, in2)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, *, rngs: nnx.Rngs):
        bound = 1.0 / math.sqrt(in1_features)
        self.weight = nnx.Param(torch_uniform(rngs.params(), (out_features, in1_features, in2_features), bound))
        self.bias = nnx.Param(torch_uniform(rngs.params(), (out_features,), bound)) if bias else None

    def __call__(self, x1, x2):
        y = jnp.einsum("...i,oij,...j->...o", x1, self.weight[...], x2)
        return y + self.bias[...] if self.bias is not None else y


class TorchPReLU(nnx.Module):
    """nn.PReLU (one slope, or one per channel on axis 1)."""

    def __init__(self, num_parameters=1, init=0.25, *, rngs: nnx.Rngs = None):
        self.weight = nnx.Param(jnp.full((num_parameters,), init))

    def __call__(self, x):
        w = self.weight[...]
        if w.shape[0] > 1 and x.ndim > 1:
            w = w.reshape((-1,) + (1,) * (x.ndim - 2))
        return jnp.where(x >= 0, x, w * x)


class TorchLossModule(nnx.Module):
    """A torch loss module with tensor options: `weight`/`pos_weight` are buffers, as in torch."""

    def __init__(self, fn, weight=None, pos_weight=None):
        self.fn = fn
        self.weight = nnx.Variable(jnp.asarray(weight)) if weight is not None else None
        self.pos_weight = nnx.Variable(jnp.asarray(pos_weight)) if pos_weight is not None else None

    def __call__(self, input, target):
        extra = {}
        if self.weight is not None:
            extra["weight"] = self.weight[...]
        if self.pos_weight is not None:
            extra["pos_weight"] = self.pos_weight[...]
        return self.fn(input, target, **extra)


class TorchNamedSequential(nnx.Module):
    """nn.Sequential(OrderedDict(...)): each child kept under its own name (weights port as `body.fc1...`),
    called in order (children added later by add_module follow, as in torch); `seq[i]` indexes by position."""

    def __init__(self, children=()):
        children = list(children.items()) if hasattr(children, "items") else list(children)
        self.child_names = ()
        for name, child in children:
            self.add_module(name, child)

    def add_module(self, name, module):
        setattr(self, name, module)
        if name not in self.child_names:
            self.child_names = self.child_names + (name,)

    def append(self, module):
        self.add_module(str(len(self.child_names)), module)  # torch names an appended child by its position
        return self

    def __getitem__(self, index):
        return getattr(self, self.child_names[index])

    def __len__(self):
        return len(self.child_names)

    def __call__(self, x):
        for name in self.child_names:
            x = getattr(self, name)(x)
        return x


class TorchModuleDict(nnx.Module):
    """A subclass of nn.ModuleDict: children by name, in the order added (`add_module`, `self[name] = m`, the
    constructor's mapping); `items()`/`keys()`/`values()`/iteration see the children only, not the subclass's other
    attributes, as in torch (weights port as `<name>.<param>`)."""

    def __init__(self, modules=None):
        self.child_names = ()
        if modules is not None:
            self.update(modules)

    def add_module(self, name, module):
        setattr(self, name, module)
        if name not in self.child_names:
            self.child_names = self.child_names + (name,)

    def update(self, modules):
        for name, module in modules.items() if hasattr(modules, "items") else modules:
            self.add_module(name, module)

    def __setitem__(self, name, module):
        self.add_module(name, module)

    def __getitem__(self, name):
        return getattr(self, name)

    def __contains__(self, name):
        return name in self.child_names

    def __len__(self):
        return len(self.child_names)

    def __iter__(self):
        return iter(self.child_names)

    def keys(self):
        return self.child_names

    def values(self):
        return [getattr(self, name) for name in self.child_names]

    def items(self):
        return [(name, getattr(self, name)) for name in self.child_names]
