"""Train a nanovision model on synthetic data: python train.py --config configs/small.yaml --epochs 1"""

import argparse

import torch
from torch.utils.data import DataLoader

import nanovision.models as models
from nanovision.data import SyntheticImages, collate
from nanovision.losses import LOSSES
from nanovision.optim import build_optimizer
from nanovision.utils import get_logger, load_config
from nanovision.utils.metrics import AverageMeter, accuracy
from nanovision.utils.schedule import warmup_cosine
from nanovision.utils.seed import seed_everything


def train(cfg):
    log = get_logger()
    seed_everything(cfg["seed"])
    model = models.get(cfg["model"])(cfg)
    data = SyntheticImages(64, cfg["channels"], cfg["image_size"], cfg["num_classes"], seed=cfg["seed"])
    loader = DataLoader(data, batch_size=cfg["batch_size"], shuffle=True, collate_fn=collate)
    loss_fn = LOSSES.get(cfg.get("loss"), torch.nn.CrossEntropyLoss)()
    optimizer = build_optimizer(model, cfg["lr"], cfg["weight_decay"])
    steps = cfg["epochs"] * (cfg["steps_per_epoch"] or len(loader))
    schedule = warmup_cosine(optimizer, cfg.get("warmup_steps", 0), steps)
    for epoch in range(cfg["epochs"]):
        model.train()
        meter = AverageMeter()
        for step, (x, y) in enumerate(loader):
            if cfg["steps_per_epoch"] and step >= cfg["steps_per_epoch"]:
                break
            logits = model(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            meter.update(accuracy(logits, y), len(y))
        log.info("epoch %d accuracy %.3f", epoch, meter.mean)
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/small.yaml")
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    train(load_config(args.config, {"epochs": args.epochs}))


if __name__ == "__main__":
    main()
