"""Fine-tune only the head of a "pretrained" backbone: freeze with requires_grad=False, optimize the head."""
import torch
import torch.nn as nn


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())

    def forward(self, x):
        return self.features(x)


class FineTuneModel(nn.Module):
    def __init__(self, backbone, num_classes):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(32, num_classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def main():
    torch.manual_seed(0)
    backbone = Backbone()
    model = FineTuneModel(backbone, num_classes=3)
    for param in model.backbone.parameters():
        param.requires_grad = False
    optimizer = torch.optim.SGD(model.head.parameters(), lr=0.05, momentum=0.9)
    criterion = nn.CrossEntropyLoss()

    x = torch.randn(256, 20)
    y = torch.randint(0, 3, (256,))
    for epoch in range(5):
        for i in range(0, 256, 64):
            xb, yb = x[i:i + 64], y[i:i + 64]
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("trainable parameters:", trainable)


if __name__ == "__main__":
    main()
