"""What the wild corpus holds: per file, its origin, the edits that make it self-contained, its entry and inputs."""

from __future__ import annotations

PACKAGES = {
    "vit-pytorch": {"wheel": "vit_pytorch", "version": "1.26.14", "licence": "MIT"},
    "torchvision": {"wheel": "torchvision", "version": "0.29.1", "licence": "BSD-3-Clause"},
    "torchaudio": {"wheel": "torchaudio", "version": "2.11.1", "licence": "BSD-2-Clause"},
}

# name -> (package, path in the wheel, top-level names pasted verbatim)
HELPERS = {
    "log_api": ("torchvision", "torchvision/utils.py", ["_log_api_usage_once"]),
    "ntuple": ("torchvision", "torchvision/utils.py", ["_make_ntuple"]),
    "divisible": ("torchvision", "torchvision/models/_utils.py", ["_make_divisible"]),
    "convnormact": ("torchvision", "torchvision/ops/misc.py", ["ConvNormActivation", "Conv2dNormActivation"]),
    "conv3dnormact": ("torchvision", "torchvision/ops/misc.py", ["ConvNormActivation", "Conv3dNormActivation"]),
    "se": ("torchvision", "torchvision/ops/misc.py", ["SqueezeExcitation"]),
    "mlp": ("torchvision", "torchvision/ops/misc.py", ["MLP"]),
    "permute": ("torchvision", "torchvision/ops/misc.py", ["Permute"]),
    "stochastic_depth": ("torchvision", "torchvision/ops/stochastic_depth.py", ["stochastic_depth", "StochasticDepth"]),
}

TV_IMPORTS = """import collections.abc
import warnings
from itertools import repeat
from types import FunctionType
from typing import Any, Callable, Optional, Union
from collections.abc import Sequence

import torch.fx
from torch import Tensor
"""


def wrapped(cls: str, kwargs: str, inputs: str, forward_args: str = "x") -> str:
    """An entry `Model` that builds `cls(**kwargs)` (the verifier takes positional constructor values only)."""
    return f'''
import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = {cls}({kwargs})

    def forward(self, {forward_args}):
        return self.net({forward_args})


def get_init_inputs():
    return []


def get_inputs():
    return [{inputs}]
'''


def entry(cls: str, init: str, inputs: str) -> str:
    """The class itself as the entry, with positional constructor values."""
    return f'''
import torch

# t2j: entry={cls}


def get_init_inputs():
    return [{init}]


def get_inputs():
    return [{inputs}]
'''


IMG32 = "torch.randn(2, 3, 32, 32)"
VIT = "image_size=32, patch_size=8, num_classes=10, dim=32, depth=2, heads=2, mlp_dim=64, dim_head=16"


def _vit(name: str, path: str, cls: str, kwargs: str, inputs: str = IMG32) -> dict:
    return {"name": name, "package": "vit-pytorch", "path": f"vit_pytorch/{path}", "appendix": wrapped(cls, kwargs, inputs)}


def _tv(name: str, path: str, appendix: str, helpers=(), drop=(), replace=()) -> dict:
    return {"name": name, "package": "torchvision", "path": f"torchvision/models/{path}", "strip": True,
            "helpers": ("log_api", *helpers), "helper_imports": TV_IMPORTS, "drop": drop, "replace": replace,
            "appendix": appendix}


def _ta(name: str, path: str, appendix: str) -> dict:
    return {"name": name, "package": "torchaudio", "path": f"torchaudio/models/{path}", "appendix": appendix}


SPECS = [
    _vit("vitp_vit.py", "vit.py", "ViT", VIT),
    _vit("vitp_simple_vit.py", "simple_vit.py", "SimpleViT", VIT),
    _vit("vitp_simple_vit_1d.py", "simple_vit_1d.py", "SimpleViT",
         "seq_len=64, patch_size=8, num_classes=10, dim=32, depth=2, heads=2, mlp_dim=64, dim_head=16",
         "torch.randn(2, 3, 64)"),
    _vit("vitp_simple_vit_3d.py", "simple_vit_3d.py", "SimpleViT",
         "image_size=16, image_patch_size=8, frames=4, frame_patch_size=2, num_classes=10, dim=32, depth=2, heads=2, "
         "mlp_dim=64, dim_head=16", "torch.randn(2, 3, 4, 16, 16)"),
    _vit("vitp_vit_1d.py", "vit_1d.py", "ViT",
         "seq_len=64, patch_size=8, num_classes=10, dim=32, depth=2, heads=2, mlp_dim=64, dim_head=16",
         "torch.randn(2, 3, 64)"),
    _vit("vitp_vit_3d.py", "vit_3d.py", "ViT",
         "image_size=16, image_patch_size=8, frames=4, frame_patch_size=2, num_classes=10, dim=32, depth=2, heads=2, "
         "mlp_dim=64, dim_head=16", "torch.randn(2, 3, 4, 16, 16)"),
    _vit("vitp_deepvit.py", "deepvit.py", "DeepViT", VIT),
    _vit("vitp_cait.py", "cait.py", "CaiT", VIT + ", cls_depth=1"),
    _vit("vitp_cct.py", "cct.py", "CCT",
         "img_size=32, embedding_dim=32, n_conv_layers=1, kernel_size=3, stride=1, padding=1, pooling_kernel_size=3, "
         "pooling_stride=2, pooling_padding=1, num_layers=2, num_heads=2, mlp_ratio=2.0, num_classes=10"),
    _vit("vitp_cross_vit.py", "cross_vit.py", "CrossViT",
         "image_size=32, num_classes=10, sm_dim=32, lg_dim=48, sm_patch_size=8, sm_enc_depth=1, sm_enc_heads=2, "
         "sm_enc_mlp_dim=64, sm_enc_dim_head=16, lg_patch_size=16, lg_enc_depth=1, lg_enc_heads=2, lg_enc_mlp_dim=64, "
         "lg_enc_dim_head=16, cross_attn_depth=1, cross_attn_heads=2, cross_attn_dim_head=16, depth=1, dropout=0.0, "
         "emb_dropout=0.0"),
    _vit("vitp_crossformer.py", "crossformer.py", "CrossFormer",
         "dim=(32, 64, 128, 256), depth=(1, 1, 1, 1), global_window_size=(2, 2, 1, 1), local_window_size=2, "
         "num_classes=10", "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_cvt.py", "cvt.py", "CvT",
         "num_classes=10, s1_emb_dim=16, s1_heads=1, s1_depth=1, s2_emb_dim=32, s2_heads=2, s2_depth=1, "
         "s3_emb_dim=48, s3_heads=2, s3_depth=1", "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_levit.py", "levit.py", "LeViT",
         "image_size=64, num_classes=10, dim=(32, 48, 64), depth=1, heads=(2, 3, 4), mlp_mult=2, dim_key=16, "
         "dim_value=16", "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_mobile_vit.py", "mobile_vit.py", "MobileViT",
         "image_size=(64, 64), dims=[24, 32, 40], channels=[8, 16, 16, 16, 24, 24, 32, 32, 40, 40, 96], num_classes=10",
         "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_parallel_vit.py", "parallel_vit.py", "ViT", VIT),
    _vit("vitp_pit.py", "pit.py", "PiT",
         "image_size=32, patch_size=4, num_classes=10, dim=16, depth=(1, 1, 1), heads=2, mlp_dim=32, dim_head=8"),
    _vit("vitp_regionvit.py", "regionvit.py", "RegionViT",
         "dim=(16, 32, 48, 64), depth=(1, 1, 1, 1), window_size=2, num_classes=10", "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_twins_svt.py", "twins_svt.py", "TwinsSVT",
         "num_classes=10, s1_emb_dim=16, s1_local_patch_size=2, s1_global_k=2, s2_emb_dim=24, s2_local_patch_size=2, "
         "s2_global_k=2, s3_emb_dim=32, s3_local_patch_size=2, s3_global_k=2, s3_depth=1, s4_emb_dim=48, "
         "s4_local_patch_size=1, s4_global_k=1, s4_depth=1", "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_vit_for_small_dataset.py", "vit_for_small_dataset.py", "ViT", VIT),
    _vit("vitp_vit_with_patch_merger.py", "vit_with_patch_merger.py", "ViT", VIT + ", patch_merge_layer=1, "
         "patch_merge_num_tokens=4"),
    _vit("vitp_simple_vit_with_register_tokens.py", "simple_vit_with_register_tokens.py", "SimpleViT", VIT),
    _vit("vitp_simple_vit_with_qk_norm.py", "simple_vit_with_qk_norm.py", "SimpleViT", VIT),
    _vit("vitp_simple_vit_with_patch_dropout.py", "simple_vit_with_patch_dropout.py", "SimpleViT", VIT),
    _vit("vitp_vit_with_patch_dropout.py", "vit_with_patch_dropout.py", "ViT", VIT),
    _vit("vitp_nest.py", "nest.py", "NesT",
         "image_size=32, patch_size=4, num_classes=10, dim=32, heads=2, num_hierarchies=2, block_repeats=(1, 1), "
         "dim_head=16"),
    _vit("vitp_max_vit.py", "max_vit.py", "MaxViT",
         "num_classes=10, dim=16, depth=(1, 1), dim_head=8, dim_conv_stem=16, window_size=2, dropout=0.0",
         "torch.randn(2, 3, 32, 32)"),
    _vit("vitp_scalable_vit.py", "scalable_vit.py", "ScalableViT",
         "num_classes=10, dim=16, depth=(1, 1, 1, 1), heads=(1, 1, 2, 2), reduction_factor=(4, 2, 1, 1), "
         "window_size=(4, 2, None, None), iwsa_dim_key=8, iwsa_dim_value=8, ssa_dim_key=8, ssa_dim_value=8",
         "torch.randn(2, 3, 64, 64)"),
    _vit("vitp_xcit.py", "xcit.py", "XCiT", VIT + ", cls_depth=1"),
    _vit("vitp_jumbo_vit.py", "jumbo_vit.py", "JumboViT", VIT.replace(", dim_head=16", ", dim_head=16, jumbo_cls_k=2")),
    _vit("vitp_look_vit.py", "look_vit.py", "LookViT",
         "dim=32, image_size=32, num_classes=10, depth=1, patch_size=8, heads=2, dim_head=16, highres_patch_size=4, "
         "cross_attn_heads=2, cross_attn_dim_head=16, patch_conv_kernel_size=3, dropout=0.0"),
    _vit("vitp_simple_uvit.py", "simple_uvit.py", "SimpleUViT", VIT),
    _vit("vitp_simple_vit_with_fft.py", "simple_vit_with_fft.py", "SimpleViT",
         VIT + ", freq_patch_size=8"),
    _vit("vitp_simple_vit_with_value_residual.py", "simple_vit_with_value_residual.py", "SimpleViT", VIT),
    _vit("vitp_simple_vit_orthog_residual_update.py", "simple_vit_orthog_residual_update.py", "SimpleViT", VIT),
    _vit("vitp_vit_with_keel_post_ln.py", "vit_with_keel_post_ln.py", "ViT", VIT),
    _vit("vitp_simple_vit_with_relative_proj_pos_bias.py", "simple_vit_with_relative_proj_pos_bias.py", "SimpleViT",
         VIT),
    _vit("vitp_simple_vit_with_specialized_cls.py", "simple_vit_with_specialized_cls.py", "SimpleViT", VIT),
    _vit("vitp_vit_5.py", "vit_5.py", "ViT", VIT),
    _vit("vitp_cct_3d.py", "cct_3d.py", "CCT",
         "img_size=16, num_frames=4, embedding_dim=32, n_conv_layers=1, frame_kernel_size=3, kernel_size=3, stride=1, "
         "padding=1, pooling_kernel_size=3, pooling_stride=2, pooling_padding=1, num_layers=2, num_heads=2, "
         "mlp_ratio=2.0, num_classes=10", "torch.randn(2, 3, 4, 16, 16)"),
    # torchvision
    _tv("tv_alexnet.py", "alexnet.py", entry("AlexNet", "10", "torch.randn(2, 3, 64, 64)")),
    _tv("tv_vgg.py", "vgg.py", wrapped("VGG", "make_layers(cfgs['A'], batch_norm=True), num_classes=10",
                                       "torch.randn(2, 3, 32, 32)")),
    _tv("tv_resnet.py", "resnet.py", wrapped("ResNet", "BasicBlock, [1, 1, 1, 1], num_classes=10",
                                             "torch.randn(2, 3, 64, 64)")),
    _tv("tv_resnet_bottleneck.py", "resnet.py", wrapped(
        "ResNet", "Bottleneck, [1, 1, 1, 1], num_classes=10, groups=2, width_per_group=8",
        "torch.randn(2, 3, 64, 64)")),
    _tv("tv_squeezenet.py", "squeezenet.py", entry("SqueezeNet", "'1_1', 10", "torch.randn(2, 3, 64, 64)")),
    _tv("tv_densenet.py", "densenet.py", entry("DenseNet", "8, (2, 2), 16, 2, 0.0, 10",
                                               "torch.randn(2, 3, 32, 32)")),
    _tv("tv_googlenet.py", "googlenet.py", entry("GoogLeNet", "10, False", "torch.randn(2, 3, 64, 64)")),
    _tv("tv_inception.py", "inception.py", entry("Inception3", "10, False", "torch.randn(2, 3, 96, 96)")),
    _tv("tv_mobilenetv2.py", "mobilenetv2.py", entry("MobileNetV2", "10, 0.25", IMG32),
        helpers=("divisible", "ntuple", "convnormact")),
    _tv("tv_mobilenetv3.py", "mobilenetv3.py", wrapped(
        "MobileNetV3", "*_mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.25), num_classes=10", IMG32),
        helpers=("divisible", "ntuple", "convnormact", "se"),
        replace=[("partial(SElayer,", "partial(SqueezeExcitation,", "`SElayer` (an import alias of the inlined "
                  "SqueezeExcitation) spelled `SqueezeExcitation`")]),
    _tv("tv_mnasnet.py", "mnasnet.py", entry("MNASNet", "0.25, 10", IMG32)),
    _tv("tv_shufflenetv2.py", "shufflenetv2.py", entry("ShuffleNetV2", "[1, 1, 1], [8, 16, 32, 64, 128], 10", IMG32)),
    _tv("tv_efficientnet.py", "efficientnet.py", wrapped(
        "EfficientNet", "_efficientnet_conf('efficientnet_b0', width_mult=0.25, depth_mult=0.25)[0], 0.0, "
        "num_classes=10", IMG32),
        helpers=("divisible", "ntuple", "convnormact", "se", "stochastic_depth")),
    _tv("tv_regnet.py", "regnet.py", wrapped(
        "RegNet", "BlockParams.from_init_params(depth=4, w_0=8, w_a=4.0, w_m=2.0, group_width=8), num_classes=10",
        IMG32), helpers=("divisible", "ntuple", "convnormact", "se")),
    _tv("tv_convnext.py", "convnext.py", wrapped(
        "ConvNeXt", "[CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)], num_classes=10", IMG32),
        helpers=("ntuple", "convnormact", "permute", "stochastic_depth")),
    _tv("tv_swin.py", "swin_transformer.py", wrapped(
        "SwinTransformer", "patch_size=[2, 2], embed_dim=16, depths=[1, 1], num_heads=[1, 2], window_size=[4, 4], "
        "num_classes=10", IMG32), helpers=("ntuple", "mlp", "permute", "stochastic_depth")),
    _tv("tv_swin_v2.py", "swin_transformer.py", wrapped(
        "SwinTransformer", "patch_size=[2, 2], embed_dim=16, depths=[1, 1], num_heads=[1, 2], window_size=[4, 4], "
        "num_classes=10, block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2", IMG32),
        helpers=("ntuple", "mlp", "permute", "stochastic_depth")),
    _tv("tv_vision_transformer.py", "vision_transformer.py", entry(
        "VisionTransformer", "32, 8, 2, 2, 32, 64, 0.0, 0.0, 10", IMG32),
        helpers=("ntuple", "convnormact", "mlp")),
    _tv("tv_maxvit.py", "maxvit.py", wrapped(
        "MaxVit", "input_size=(32, 32), stem_channels=8, partition_size=2, block_channels=[16, 32], "
        "block_layers=[1, 1], head_dim=8, stochastic_depth_prob=0.0, num_classes=10", IMG32),
        helpers=("ntuple", "convnormact", "se", "stochastic_depth")),
    {"name": "tv_video_resnet.py", "package": "torchvision", "path": "torchvision/models/video/resnet.py",
     "strip": True, "helpers": ("log_api",), "helper_imports": TV_IMPORTS, "appendix": wrapped(
         "VideoResNet", "BasicBlock, [Conv3DSimple] * 4, [1, 1, 1, 1], BasicStem, num_classes=10",
         "torch.randn(2, 3, 4, 16, 16)")},
    # torchaudio
    _ta("ta_wav2letter.py", "wav2letter.py", entry("Wav2Letter", "10, 'waveform', 1", "torch.randn(2, 1, 800)")),
    _ta("ta_deepspeech.py", "deepspeech.py", entry("DeepSpeech", "16, 32, 10, 0.0", "torch.randn(2, 1, 12, 16)")),
    _ta("ta_conv_tasnet.py", "conv_tasnet.py", entry("ConvTasNet", "2, 4, 16, 3, 8, 16, 2, 2", "torch.randn(2, 1, 64)")),
    _ta("ta_conformer.py", "conformer.py", wrapped(
        "Conformer", "input_dim=16, num_heads=2, ffn_dim=32, num_layers=2, depthwise_conv_kernel_size=3",
        "torch.randn(2, 10, 16), torch.tensor([10, 7])", "x, lengths")),
    _ta("ta_wavernn.py", "wavernn.py", entry("WaveRNN", "[2, 2], 8, 4, 2, 16, 16, 5, 8, 8, 8",
                                             "torch.randn(2, 1, 16), torch.randn(2, 1, 8, 8)")),
]
