"""Knowledge distillation: a frozen teacher in eval mode, a student trained on KL to softened teacher outputs."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 5))

    def forward(self, x):
        return self.net(x)


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 5))

    def forward(self, x):
        return self.net(x)


def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.7):
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),
                    reduction="batchmean") * T * T
    hard = F.cross_entropy(student_logits, labels)
    return alpha * soft + (1 - alpha) * hard


def main():
    torch.manual_seed(0)
    teacher = Teacher()
    teacher.eval()
    student = Student()
    optimizer = torch.optim.Adam(student.parameters(), lr=3e-3)
    x = torch.randn(256, 8)
    labels = torch.randint(0, 5, (256,))
    for epoch in range(5):
        for i in range(0, 256, 64):
            xb, yb = x[i:i + 64], labels[i:i + 64]
            with torch.no_grad():
                teacher_logits = teacher(xb)
            student_logits = student(xb)
            loss = distillation_loss(student_logits, teacher_logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: distillation loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
