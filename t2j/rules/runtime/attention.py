"""Attention: nn.MultiheadAttention, scaled_dot_product_attention and the Transformer encoder."""

import functools
import math

import jax
import jax.numpy as jnp
from flax import nnx

from t2j.rules.runtime.common import torch_uniform
from t2j.rules.runtime.init import torch_bias_init, torch_kernel_init
from t2j.rules.runtime.norms import TorchLayerNorm


def torch_multi_head_attention(
    query,
    key,
    value,
    num_heads,
    in_w,
    in_b,
    out_w,
    out_b,
    key_padding_mask=None,
    attn_mask=None,
    need_weights=True,
    average_attn_weights=True,
    is_causal=False,
):
    """The core of nn.MultiheadAttention on (L, N, E) inputs; returns (output, weights or None)."""
    tgt, batch, embed = query.shape
    src = key.shape[0]
    head = embed // num_heads
    wq, wk, wv = jnp.split(in_w, 3, axis=0)
    bq, bk, bv = jnp.split(in_b, 3) if in_b is not None else (0.0, 0.0, 0.0)
    q = (query @ wq.T + bq).reshape(tgt, batch * num_heads, head).transpose(1, 0, 2)
    k = (key @ wk.T + bk).reshape(src, batch * num_heads, head).transpose(1, 0, 2)
    v = (value @ wv.T + bv).reshape(src, batch * num_heads, head).transpose(1, 0, 2)
    scores = (q / math.sqrt(head)) @ k.transpose(0, 2, 1)
    scores = scores.reshape(batch, num_heads, tgt, src)
    if is_causal and attn_mask is None:
        attn_mask = jnp.triu(jnp.ones((tgt, src), bool), 1)
    if attn_mask is not None:
        if attn_mask.dtype == jnp.bool_:
            attn_mask = jnp.where(attn_mask, -jnp.inf, 0.0)
        if attn_mask.ndim == 3:
            attn_mask = attn_mask.reshape(batch, num_heads, tgt, src)
        scores = scores + attn_mask
    if key_padding_mask is not None:
        if key_padding_mask.dtype == jnp.bool_:
            key_padding_mask = jnp.where(key_padding_mask, -jnp.inf, 0.0)
        scores = scores + key_padding_mask[:, None, None, :]
    weights = jax.nn.softmax(scores, axis=-1)
    out = weights.reshape(batch * num_heads, tgt, src) @ v
    out = out.transpose(1, 0, 2).reshape(tgt, batch, embed)
    out = out @ out_w.T + (out_b if out_b is not None else 0.0)
    if not need_weights:
        return out, None
    return out, weights.mean(axis=1) if average_attn_weights else weights


class TorchMultiheadAttention(nnx.Module):
    """nn.MultiheadAttention with torch's packed in_proj_weight/in_proj_bias and out_proj (eval-mode dropout)."""

    def __init__(
        self,
        embed_dim,
        num_heads,
        dropout=0.0,
        bias=True,
        add_bias_kv=False,
        add_zero_attn=False,
        kdim=None,
        vdim=None,
        batch_first=False,
        *,
        rngs: nnx.Rngs,
    ):
        self.num_heads, self.batch_first = num_heads, batch_first
        bound = math.sqrt(6.0 / (embed_dim + 3 * embed_dim))
        self.in_proj_weight = nnx.Param(torch_uniform(rngs.params(), (3 * embed_dim, embed_dim), bound))
        self.in_proj_bias = nnx.Param(jnp.zeros((3 * embed_dim,))) if bias else None
        # torch: out_proj weight keeps nn.Linear's init, its bias starts at zero (nnx's default bias init)
        self.out_proj = nnx.Linear(embed_dim, embed_dim, use_bias=bias, kernel_init=torch_kernel_init, rngs=rngs)

    def __call__(
        self,
        query,
        key,
        value,
        key_padding_mask=None,
        need_weights=True,
        attn_mask=None,
        average_attn_weights=True,
        is_causal=False,
    ):
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query[:, None], key[:, None], value[:, None]
        elif self.batch_first:
            query, key, value = (jnp.swapaxes(t, 0, 1) for t in (query, key, value))
        in_b = self.in_proj_bias[...] if self.in_proj_bias is not None else None
        out_b = self.out_proj.bias[...] if self.out_proj.bias is not None else None
        out, weights = torch_multi_head_attention(
            query,
            key,
            value,
            self.num_heads,
            self.in_proj_weight[...],
            in_b,
            self.out_proj.kernel[...].T,
            out_b,
            key_padding_mask,
            attn_mask,
            need_weights,
            average_attn_weights,
            is_causal,
        )
        if unbatched:
            out = out[:, 0]
            weights = weights[0] if weights is not None else None
        elif self.batch_first:
            out = jnp.swapaxes(out, 0, 1)
        return out, weights


class TorchTransformerEncoderLayer(nnx.Module):
    """nn.TransformerEncoderLayer (eval-mode dropout), torch attribute names."""

    def __init__(
        self,
        d_model,
        nhead,
        dim_feedforward=2048,
        dropout=0.1,
        activation="relu",
        layer_norm_eps=1e-5,
        batch_first=False,
        norm_first=False,
        bias=True,
        *,
        rngs: nnx.Rngs,
    ):
        self.self_attn = TorchMultiheadAttention(d_model, nhead, bias=bias, batch_first=batch_first, rngs=rngs)
        self.linear1 = nnx.Linear(
            d_model,
            dim_feedforward,
            use_bias=bias,
            kernel_init=torch_kernel_init,
            bias_init=torch_bias_init(d_model),
            rngs=rngs,
        )
        self.linear2 = nnx.Linear(
            dim_feedforward,
            d_model,
            use_bias=bias,
            kernel_init=torch_kernel_init,
            bias_init=torch_bias_init(dim_feedforward),
            rngs=rngs,
        )
        self.norm1 = TorchLayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = TorchLayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout = nnx.Dropout(dropout, rngs=rngs)
        self.dropout1 = nnx.Dropout(dropout, rngs=rngs)
        self.dropout2 = nnx.Dropout(dropout, rngs=rngs)
        if callable(activation):
            self.activation = activation
        else:
            self.activation = jax.nn.relu if activation == "relu" else functools.partial(jax.nn.gelu, approximate=False)
        self.norm_first = norm_first

    def _sa(self, x, mask, key_padding_mask, is_causal):
        y = self.self_attn(
            x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask, need_weights=False, is_causal=is_causal
        )[0]
        return self.dropout1(y)

    def _ff(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def __call__(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff(self.norm2(x))
        x = self.norm1(x + self._sa(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff(x))


class TorchTransformerEncoder(nnx.Module):
    """nn.TransformerEncoder: `num_layers` fresh layers built by `make_layer(rngs)`, named layers.0, layers.1..."""

    def __init__(self, make_layer, num_layers, norm=None, *, rngs: nnx.Rngs):
        self.layers = nnx.List([make_layer(rngs) for _ in range(num_layers)])
        self.norm = norm

    def __call__(self, src, mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        for layer in self.layers:
            x = layer(x, mask, src_key_padding_mask, is_causal)
        return self.norm(x) if self.norm is not None else x


def torch_scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    """F.scaled_dot_product_attention (no dropout): boolean masks keep True, float masks are added."""
    scale = scale if scale is not None else 1.0 / math.sqrt(query.shape[-1])
    scores = (query @ jnp.swapaxes(key, -2, -1)) * scale
    L, S = query.shape[-2], key.shape[-2]
    if is_causal:
        scores = jnp.where(jnp.tril(jnp.ones((L, S), bool)), scores, -jnp.inf)
    if attn_mask is not None:
        if attn_mask.dtype == jnp.bool_:
            scores = jnp.where(attn_mask, scores, -jnp.inf)
        else:
            scores = scores + attn_mask
    return jax.nn.softmax(scores, axis=-1) @ value
