"""The whole app served by ``streamlit run`` and opened in Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("Debian's chromium is missing: .ci/run must install it.")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium); CI installs it")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(seeded_url, tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("streamlit") / "server.log").open("w")
    env = {**os.environ, "KERNMONITOR_DB": seeded_url, "KERNMONITOR_TILES": "none"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start: " + Path(log.name).read_text())
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server)
        yield page
        browser.close()


def test_overview_renders_the_province_figures(page):
    page.get_by_text("Leegstand in West-Vlaanderen").first.wait_for(timeout=90_000)
    rate = page.get_by_test_id("stMetricValue").first
    rate.wait_for(timeout=60_000)
    assert rate.inner_text() == "9,8 %"  # sample calibrated on Locatus, end of 2023
    assert page.title() == "Kernmonitor"
    assert page.get_by_text("voorbeelddata (fictief)").count() >= 1


def test_choosing_2018_shows_the_2018_rate(page):
    page.get_by_text("Leegstand in West-Vlaanderen").first.wait_for(timeout=90_000)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="2018", exact=True).click()
    rate = page.get_by_test_id("stMetricValue").first
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMetricValue]').innerText === '8,3 %'", timeout=60_000)
    assert rate.inner_text() == "8,3 %"  # Locatus 2018 for the province
