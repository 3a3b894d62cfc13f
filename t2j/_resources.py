"""Locate the data folders (`fixes/`, `prompts/`) in a source checkout or an installed wheel."""

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder holding the shipped data called `name` ("fixes" or "prompts")."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"t2j data folder '{name}' not found (looked in {installed} and {checkout}); reinstall t2j."
    )
