"""Prompt templates: text files in the top-level `prompts/` folder, filled with `string.Template` ($name)."""

from __future__ import annotations

import string
from pathlib import Path

from t2j._resources import data_dir

# Every template the package uses; a test checks that each exists and names only these placeholders.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "system": (),
    "contract": ("entry",),
    "translate": ("contract", "fixes_section", "source"),
    "hybrid": ("open_spots", "contract", "fixes_section", "source", "draft"),
    "repair": ("report", "contract", "fixes_section", "source", "draft", "attempt"),
    "fixes_section": ("entries",),
    "fix_entry": ("title", "id", "buggy", "why", "error", "fixed"),
    "judge_system": (),
    "judge_codetrans": ("torch_code", "jax_code"),
    "judge_codetrans_ref": ("torch_code", "reference", "jax_code"),
    "judge_fixcost": ("torch_code", "jax_code"),
    "judge_comparison": ("torch_code", "jax_a", "jax_b"),
}


def template_path(name: str, folder: str | Path | None = None) -> Path:
    base = Path(folder) if folder is not None else data_dir("prompts")
    return base / f"{name}.md"


def load_template(name: str, folder: str | Path | None = None) -> string.Template:
    """The template `name` (file `prompts/<name>.md`)."""
    path = template_path(name, folder)
    if not path.is_file():
        raise FileNotFoundError(f"prompt template '{name}' not found at {path}; reinstall t2j or restore the file")
    return string.Template(path.read_text(encoding="utf-8"))


def placeholders(template: string.Template) -> set[str]:
    """The names a template expects ($name / ${name})."""
    found = set()
    for match in template.pattern.finditer(template.template):
        name = match.group("named") or match.group("braced")
        if name:
            found.add(name)
    return found


def render(name: str, folder: str | Path | None = None, **values: object) -> str:
    """Fill template `name`; a missing or unexpected value is an error naming it (no silent blanks)."""
    template = load_template(name, folder)
    expected = placeholders(template)
    missing = expected - set(values)
    extra = set(values) - expected
    if missing or extra:
        raise ValueError(
            f"prompt template '{name}': missing values {sorted(missing)}, unexpected values {sorted(extra)}"
        )
    return template.substitute({k: str(v) for k, v in values.items()}).strip() + "\n"
