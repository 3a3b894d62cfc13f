"""A small PyTorch project written to disk for the migrate tests (shared by tests/test_migrate*.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

LAYERS = '''import torch
import torch.nn as nn


class Scale(nn.Module):
    """Linear followed by a learned per-feature scale."""

    def __init__(self, dim, out):
        super().__init__()
        self.fc = nn.Linear(dim, out)
        self.gain = nn.Parameter(torch.ones(out))

    def forward(self, x):
        return torch.tanh(self.fc(x)) * self.gain


# t2j: entry=Scale
def get_init_inputs():
    return [6, 4]


def get_inputs():
    return [torch.randn(3, 6)]
'''

MODEL = """import torch
import torch.nn as nn

from pkg.layers import Scale
from pkg.util import hidden_size


class Net(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.body = Scale(dim, hidden_size())
        self.head = nn.Linear(hidden_size(), 2)

    def forward(self, x):
        return self.head(torch.relu(self.body(x)))
"""

UTIL = '''"""Plain Python: no torch here."""


def hidden_size():
    return 8
'''

TRAIN = """import torch

from pkg.model import Net


def main():
    torch.manual_seed(0)
    net = Net(5)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(2):
        loss = net(torch.randn(4, 5)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with open("train.log", "w") as f:  # a run writes files: never into SRC
        f.write(str(float(loss)))


if __name__ == "__main__":
    main()
"""

EXTRA = """import torch
import torch.nn as nn
import torch.nn.functional as F


class Block{i}(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear({i} + 2, 3)

    def forward(self, x):
        return F.relu(self.fc(x)) + torch.sigmoid(x.sum(dim=-1, keepdim=True))
"""


def make_project(root: Path, extra: int = 0) -> Path:
    """Write the project under `root` and return it."""
    files = {
        ".gitignore": "ignored/\n*.log\n",
        "pkg/__init__.py": "",
        "pkg/layers.py": LAYERS,
        "pkg/model.py": MODEL,
        "pkg/util.py": UTIL,
        "pkg/missing_name.py": "import torch\n\nfrom pkg.util import no_such_function\n\nx = torch.zeros(2)\n",
        "train.py": TRAIN,
        "broken.py": "import torch\n\ndef f(:\n    return torch.ones(1)\n",
        "README.md": "# a project\n",
        "configs/run.yaml": "epochs: 1\nlr: 0.1\n",
        "ignored/secret.py": "import torch\n",
        "old.log": "not copied\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "blob.py").write_bytes(b"\x00\x01binary\xff")
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets/weights.bin").write_bytes(bytes(range(256)) * 4)
    (root / "pkg/huge.py").write_text("import torch\n" + "x = 1\n" * 40_000)
    for i in range(extra):
        path = root / "blocks" / f"block_{i:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(EXTRA.format(i=i))
    return root


def tree_hashes(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """sha256 of every file under root (POSIX relative paths), except those starting with `skip`."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(skip):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
