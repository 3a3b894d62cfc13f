"""The HTML migration report in headless Chromium: it renders, and a click on a file shows that file."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from t2j.migrate.models import MigrateOptions
from t2j.migrate.codebase import migrate_codebase
from tests.migrate_project import make_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium chromium-driver; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("html")
    src = make_project(base / "src")
    migrate_codebase(MigrateOptions(src=str(src), dst=str(base / "dst"), verify=False, max_bytes=100_000))
    return base / "dst" / "t2j-report.html"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_renders_to_a_screenshot(report, tmp_path):
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, "--window-size=1200,900", f"--screenshot={shot}", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert shot.exists(), proc.stderr[-2000:]
    assert _png_size(shot) == (1200, 900)
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB


def test_dom_after_layout(report, tmp_path):
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, "--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    dom = proc.stdout
    assert "t2j migration report" in dom and 'aria-label="files by status"' in dom
    assert 'href="#f-pkg-model-py"' in dom and 'id="f-pkg-model-py"' in dom


def test_click_through_to_a_file(report):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
    if CHROMEDRIVER is None:
        pytest.skip("chromedriver is not installed (apt-get install -y chromium-driver)")
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(report.as_uri())
        summary = driver.find_element(By.ID, "summary")
        section = driver.find_element(By.ID, "f-pkg-model-py")
        assert summary.is_displayed() and not section.is_displayed()
        driver.find_element(By.CSS_SELECTOR, 'a[href="#f-pkg-model-py"]').click()
        assert driver.current_url.endswith("#f-pkg-model-py")
        assert section.is_displayed() and not summary.is_displayed()
        text = section.text
        assert "pkg/model.py" in text and "translated" in text and "Side-by-side diff" in text
        assert "class Net(nnx.Module):" in text  # the JAX side of the diff
        bad = driver.find_element(By.ID, "f-broken-py")
        assert not bad.is_displayed()
        section.find_element(By.LINK_TEXT, "← summary").click()
        assert summary.is_displayed() and not section.is_displayed()
        driver.find_element(By.CSS_SELECTOR, '#summary a[href="#f-broken-py"]').click()
        assert bad.is_displayed() and "not valid Python: invalid syntax at line 3" in bad.text
    finally:
        driver.quit()
