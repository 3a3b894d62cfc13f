"""Evaluate a checkpoint: python evaluate.py --config configs/small.yaml --checkpoint runs/last.ckpt"""

import argparse

import torch

import nanovision.models as models
from nanovision.data import SyntheticImages
from nanovision.utils import load_config
from nanovision.utils.checkpoint import load_checkpoint
from nanovision.utils.metrics import accuracy


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    return float(accuracy(model(data.x), data.y))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/small.yaml")
    parser.add_argument("--checkpoint", required=True)
    args = parser.parse_args()
    cfg = load_config(args.config)
    model = models.get(cfg["model"])(cfg)
    load_checkpoint(model, args.checkpoint)
    print(evaluate(model, SyntheticImages(128, cfg["channels"], cfg["image_size"], cfg["num_classes"], seed=1)))


if __name__ == "__main__":
    main()
