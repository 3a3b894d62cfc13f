"""Losses, functional and module forms, with torch's reductions and defaults (emitted helpers)."""

from __future__ import annotations

import libcst as cst

from t2j.rules.base import CallRule, Example, Tensor, register
from t2j.rules.context import Context
from t2j.rules.cstutil import arg, bind, call, rename_keywords

LOSSES = {  # functional name -> (helper, module name, module parameters in torch order)
    "cross_entropy": (
        "torch_cross_entropy",
        "CrossEntropyLoss",
        ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"],
    ),
    "nll_loss": ("torch_nll_loss", "NLLLoss", ["weight", "size_average", "ignore_index", "reduce", "reduction"]),
    "mse_loss": ("torch_mse_loss", "MSELoss", ["size_average", "reduce", "reduction"]),
    "l1_loss": ("torch_l1_loss", "L1Loss", ["size_average", "reduce", "reduction"]),
    "smooth_l1_loss": ("torch_smooth_l1_loss", "SmoothL1Loss", ["size_average", "reduce", "reduction", "beta"]),
    "huber_loss": ("torch_huber_loss", "HuberLoss", ["reduction", "delta"]),
    "binary_cross_entropy": (
        "torch_binary_cross_entropy",
        "BCELoss",
        ["weight", "size_average", "reduce", "reduction"],
    ),
    "binary_cross_entropy_with_logits": (
        "torch_bce_with_logits",
        "BCEWithLogitsLoss",
        ["weight", "size_average", "reduce", "reduction", "pos_weight"],
    ),
    "kl_div": ("torch_kl_div", "KLDivLoss", ["size_average", "reduce", "reduction", "log_target"]),
    "cosine_embedding_loss": (
        "torch_cosine_embedding_loss",
        "CosineEmbeddingLoss",
        ["margin", "size_average", "reduce", "reduction"],
    ),
    "margin_ranking_loss": (
        "torch_margin_ranking_loss",
        "MarginRankingLoss",
        ["margin", "size_average", "reduce", "reduction"],
    ),
    "hinge_embedding_loss": (
        "torch_hinge_embedding_loss",
        "HingeEmbeddingLoss",
        ["margin", "size_average", "reduce", "reduction"],
    ),
    "soft_margin_loss": ("torch_soft_margin_loss", "SoftMarginLoss", ["size_average", "reduce", "reduction"]),
    "triplet_margin_loss": (
        "torch_triplet_margin_loss",
        "TripletMarginLoss",
        ["margin", "p", "eps", "swap", "size_average", "reduce", "reduction"],
    ),
    "gaussian_nll_loss": ("torch_gaussian_nll_loss", "GaussianNLLLoss", ["full", "eps", "reduction"]),
    "poisson_nll_loss": (
        "torch_poisson_nll_loss",
        "PoissonNLLLoss",
        ["log_input", "full", "size_average", "eps", "reduce", "reduction"],
    ),
    "multilabel_soft_margin_loss": (
        "torch_multilabel_soft_margin_loss",
        "MultiLabelSoftMarginLoss",
        ["weight", "size_average", "reduce", "reduction"],
    ),
}
MODULES = {v[1]: k for k, v in LOSSES.items()}


@register
class LossFunctions(CallRule):
    """F.cross_entropy/mse_loss/bce/... -> emitted helpers with torch's signature and reductions."""

    targets = tuple(f"torch.nn.functional.{n}" for n in LOSSES)
    examples = [
        Example(
            torch="y = F.cross_entropy(x, t, label_smoothing=0.1)",
            jax="y = torch_cross_entropy(x, t, label_smoothing=0.1)",
            inputs={"x": [6, 5], "t": Tensor(shape=[6], dtype="int64", high=5)},
        ),
        Example(
            torch="y = F.mse_loss(x, z, reduction='sum') + F.smooth_l1_loss(x, z, beta=0.5)",
            jax="y = torch_mse_loss(x, z, reduction='sum') + torch_smooth_l1_loss(x, z, beta=0.5)",
            inputs={"x": [4, 3], "z": [4, 3]},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        helper = LOSSES[qualname.rsplit(".", 1)[1]][0]
        args = rename_keywords(node.args, {"size_average": None, "reduce": None})
        return call(ctx.helper(helper), args)


@register
class LossModules(CallRule):
    """nn.CrossEntropyLoss(...) -> functools.partial(torch_cross_entropy, ...), and every loss module; with
    `weight`/`pos_weight` tensors -> TorchLossModule (they are buffers in torch, ported by name)."""

    targets = tuple(f"torch.nn.{m}" for m in MODULES)
    examples = [
        Example(
            torch="self.loss = nn.BCEWithLogitsLoss()\ny = self.loss(x, z)",
            jax="self.loss = torch_bce_with_logits\ny = self.loss(x, z)",
            inputs={"x": [4, 3], "z": Tensor(shape=[4, 3], positive=True)},
        ),
        Example(
            torch="self.loss = nn.CrossEntropyLoss(reduction='sum')\ny = self.loss(x, t)",
            jax="self.loss = functools.partial(torch_cross_entropy, reduction='sum')\ny = self.loss(x, t)",
            inputs={"x": [6, 5], "t": Tensor(shape=[6], dtype="int64", high=5)},
        ),
        Example(
            torch="self.loss = nn.CrossEntropyLoss(weight=torch.linspace(0.5, 1.5, 5))\ny = self.loss(x, t)",
            jax="self.loss = TorchLossModule(torch_cross_entropy, weight=jnp.linspace(0.5, 1.5, 5))\ny = self.loss(x, t)",
            inputs={"x": [6, 5], "t": Tensor(shape=[6], dtype="int64", high=5)},
        ),
    ]

    def rewrite(self, node: cst.Call, ctx: Context, qualname: str) -> cst.BaseExpression | None:
        fname = MODULES[qualname.rsplit(".", 1)[1]]
        helper, _, params = LOSSES[fname]
        b = bind(node, params)
        if b is None:
            return None
        b.pop("size_average", None)
        b.pop("reduce", None)
        fn = ctx.helper(helper)
        tensors = {k: b.pop(k) for k in ("weight", "pos_weight") if k in b}
        if tensors:
            if b:
                ctx.use("functools")
                fn = call("functools.partial", [arg(fn)] + [arg(v, k) for k, v in b.items()])
            return call(ctx.helper("TorchLossModule"), [arg(fn)] + [arg(v, k) for k, v in tensors.items()])
        if not b:
            return fn
        ctx.use("functools")
        return call("functools.partial", [arg(fn)] + [arg(v, k) for k, v in b.items()])
