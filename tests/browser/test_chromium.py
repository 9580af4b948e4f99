"""The whole app served by ``streamlit run`` and opened in Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe

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


@contextmanager
def _serve(db_url: str, log_dir: Path, secrets: Path | None = None) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free port, on the store at ``db_url``, with the accounts of
    ``secrets`` (none by default: the project's own secrets file is never read)."""
    port = _free_port()
    log = (log_dir / "server.log").open("w")
    env = {**os.environ, "KERNMONITOR_DB": db_url, "KERNMONITOR_TILES": "none",
           "KERNMONITOR_SECRETS": str(secrets or log_dir / "no-secrets.toml")}
    env.pop("KERNMONITOR_COORDINATORS", None)
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
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, seeded_url, tmp_path_factory):
    with _serve(seeded_url, tmp_path_factory.mktemp("streamlit")) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        yield page
        page.close()


def test_overview_renders_the_province_figures(page):
    page.get_by_text("Leegstand in West-Vlaanderen").first.wait_for(timeout=90_000)
    rate = page.get_by_test_id("stMetricValue").first
    rate.wait_for(timeout=60_000)
    assert rate.inner_text() == "9,8 %"  # sample calibrated on Locatus, end of 2023
    assert page.title() == "Kernmonitor"
    assert page.get_by_text("voorbeelddata (fictief)").count() >= 1


def test_choosing_2018_shows_the_2018_rate(page):
    page.get_by_text("Leegstand in West-Vlaanderen").first.wait_for(timeout=90_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Inventarisjaar").click()  # the sidebar has "Gebied"
    page.get_by_role("option", name="2018", exact=True).click()
    rate = page.get_by_test_id("stMetricValue").first
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stMetricValue]').innerText === '8,3 %'", timeout=60_000)
    assert rate.inner_text() == "8,3 %"  # Locatus 2018 for the province


def test_the_geography_follows_the_user_to_another_page(page):
    page.get_by_text("Leegstand in West-Vlaanderen").first.wait_for(timeout=90_000)
    page.get_by_text("64 gemeenten (tot 2024)").click()
    page.wait_for_url("**indeling=2018**", timeout=60_000)
    page.get_by_role("link", name="Gemeente").first.click()
    page.get_by_role("heading", name="Gemeente").first.wait_for(timeout=90_000)
    chosen = page.locator("[data-testid='stSidebar'] label:has(input:checked)")
    chosen.wait_for(timeout=60_000)  # the sidebar is drawn anew on the other page
    page.wait_for_function("() => location.search.includes('indeling=2018')", timeout=60_000)
    assert chosen.inner_text().strip() == "64 gemeenten (tot 2024)"
    page.get_by_role("link", name="Overzicht").first.click()  # leave the shared page as it was
    page.get_by_text("62 gemeenten (vanaf 2025)").click()


def test_signing_in_uploading_and_importing_a_file(browser, tmp_path, coordinator):
    from dashboard.store.database import Store
    from tests import ingest_files as files
    from tests.conftest import COORDINATOR, PASSWORD

    db_url = f"sqlite:///{tmp_path / 'upload.db'}"
    upload = tmp_path / "kortrijk.csv"
    upload.write_bytes(files.KORTRIJK_CP1252)
    with _serve(db_url, tmp_path, secrets=coordinator) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{url}/gegevens")
        page.get_by_text("Alleen coördinatoren kunnen bestanden importeren").wait_for(timeout=90_000)
        assert page.locator("input[type=file]").count() == 0  # a viewer has no upload
        page.get_by_label("Naam").fill(COORDINATOR)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_label("Wachtwoord").press("Enter")  # submits the sign-in form
        page.get_by_text("Bestand (CSV of Excel)").first.wait_for(timeout=60_000)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("4 rijen", exact=False).first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Importeren").click()
        page.get_by_text("Opgeslagen als batch 1:", exact=False).wait_for(timeout=60_000)
        page.close()
    batch = Store(db_url).batches().iloc[0]
    assert (batch["imported_by"], batch["rows_imported"]) == (COORDINATOR, 4)


def test_gemeente_map_downloads_as_one_offline_file(browser, seeded_url, tmp_path_factory):
    """The download is made on click (a callable), so it must work in a real server session."""
    with _serve(seeded_url, tmp_path_factory.mktemp("download")) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1200}, accept_downloads=True)
        page.goto(f"{url}/gemeente?gemeente=34022")
        button = page.get_by_role("button", name="Kaart downloaden (HTML)")
        button.wait_for(timeout=120_000)
        workbook = page.locator(".st-key-streets_xlsx").get_by_role("button")  # the streets table, made on click
        workbook.wait_for(timeout=120_000)
        _settle(page)  # a click during the run can lose its file to the run's end (Download.path: canceled)
        with page.expect_download(timeout=60_000) as download:
            button.click()
        html = Path(download.value.path()).read_text(encoding="utf-8")
        assert download.value.suggested_filename == "kaart_34022_2024.html"
        assert "Leaflet 1.9.4" in html  # Leaflet inside the file
        assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', html)  # nothing from a CDN
        assert html.count('"type":"Feature"') == 2559  # Kortrijk 2024 in the sample: 2,273 in use + 286 vacant
        _settle(page)  # the first click reran the page
        with page.expect_download(timeout=60_000) as download:
            workbook.click()
        assert download.value.suggested_filename == "straten_34022_2024.xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
        assert [cell.value for cell in sheet[1]] == ["Straat", "Verkooppunten", "Leegstaande panden",
                                                     "Leegstand (panden)"]
        assert sheet["D2"].number_format == "0.0%" and sheet.freeze_panes == "A2"  # a percentage, as shown
        page.close()


def _settle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the page's script has run to its end: Streamlit shows its status widget
    ("Running...") while a run is under way and removes it after."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout_ms)


SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
#: What a page must never show: Python's missing values, and Streamlit's English where we replace it.
ENGLISH_OR_CODE = [r"\bNone\b", r"\bNaN\b", r"\bnan\b", r"\bNaT\b", "Choose an option", "Drag and drop",
                   "per file", "Browse files", r"\bUpload\b"]
PAGES = {"": "Leegstand in West-Vlaanderen", "gemeente": "Gemeente", "vergelijken": "Vergelijken",
         "campagne": "Campagne", "gegevens": "Gegevens", "rapport": "Rapport",
         "methodologie": "Methodologie"}


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_draws_without_errors(browser, seeded_url, tmp_path_factory, path):
    with _serve(seeded_url, tmp_path_factory.mktemp("pages")) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(f"{url}/{path}")
        page.get_by_role("heading", name=PAGES[path]).first.wait_for(timeout=120_000)
        if path in ("", "gemeente"):
            # Overzicht: streamlit-folium's component; Gemeente: the cached map HTML in st.iframe.
            map_frame = page.frame_locator("iframe[title*='streamlit_folium'], iframe[srcdoc*='leaflet']").first
            map_frame.locator(".leaflet-container").wait_for(timeout=120_000)
            assert map_frame.locator("path.leaflet-interactive").first.is_visible(timeout=60_000)
            if path == "":  # the choropleth without any setting: one polygon per municipality of 2025
                assert map_frame.locator("path.leaflet-interactive").count() == 62
            page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert page.locator("[data-testid='stException']").count() == 0
        page.wait_for_function("() => document.documentElement.lang === 'nl-BE'", timeout=30_000)
        icons = page.eval_on_selector_all("link[rel*='icon']", "links => links.map(link => link.href)")
        assert icons and not [href for href in icons if not href.startswith(url)]  # served by the app itself
        violations = Axe().run(page).response["violations"]
        serious = [(found["id"], [node["target"] for node in found["nodes"]][:3])
                   for found in violations
                   if found["impact"] in ("serious", "critical") or found["id"] == "heading-order"]
        assert not serious, serious  # WCAG 2.1 AA (axe-core): nothing serious or critical, headings in order
        text = page.inner_text("body")
        found = [text[max(0, m.start() - 60):m.end() + 60] for word in ENGLISH_OR_CODE for m in re.finditer(word, text)]
        assert not found, found
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{path or 'overzicht'}.png"), full_page=True)
        page.close()
