"""Test-session isolation: recorded fix-store entries (mined/user) go to a temporary user store, so tests never
write into the shipped fixes/ folder or the developer's ~/.local/share, and never see each other's entries."""

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_data(tmp_path_factory):
    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    os.environ.pop("T2J_FIX_STORE", None)
    yield
    if previous is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = previous
