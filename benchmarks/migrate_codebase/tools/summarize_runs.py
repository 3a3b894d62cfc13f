"""Print a table of finished runs from runs/*/metrics.json (plain Python, no framework)."""

import json
import sys
from pathlib import Path


def rows(root):
    for path in sorted(Path(root).glob("*/metrics.json")):
        data = json.loads(path.read_text())
        yield path.parent.name, data.get("accuracy", float("nan")), data.get("epochs", 0)


def main(root="runs"):
    print(f"{'run':<24}{'accuracy':>10}{'epochs':>8}")
    for name, acc, epochs in rows(root):
        print(f"{name:<24}{acc:>10.3f}{epochs:>8}")


if __name__ == "__main__":
    main(*sys.argv[1:])
