import torch

from nanovision.layers.attention import SelfAttention
from nanovision.models.resnet import TinyResNet
from nanovision.models.unet import TinyUNet


def test_resnet_logits():
    assert TinyResNet(7, 3, 8)(torch.randn(2, 3, 16, 16)).shape == (2, 7)


def test_unet_keeps_size():
    assert TinyUNet(3, 2, 8)(torch.randn(1, 3, 16, 16)).shape == (1, 2, 16, 16)


def test_attention_shape():
    assert SelfAttention(32, 4)(torch.randn(2, 5, 32)).shape == (2, 5, 32)
