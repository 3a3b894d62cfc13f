"""Export a model to ONNX. (Work in progress: this file does not parse yet.)"""

import torch

import nanovision.models as models


def export(cfg, path):
    model = models.get(cfg["model"])(cfg).eval()
    dummy = torch.randn(1, cfg["channels"], cfg["image_size"], cfg["image_size"])
    torch.onnx.export(model, dummy, path, opset_version=17
    print("exported", path)
