"""The exported unit map in Debian's headless Chromium: popups show hostile names as text."""

from __future__ import annotations

from pathlib import Path

from dashboard.figures import leaflet, maps
from tests.browser.test_chromium import CHROMIUM_ARGS, _chromium
from tests.test_maps import _town


def test_popup_shows_script_and_img_tags_as_text(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "kaart.html"
    page_file.write_text(leaflet.standalone_html(maps.unit_map(_town(), group_names={"00": "Leegstand"})),
                         encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        alerts: list[str] = []
        page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        page.goto(page_file.as_uri())
        markers = page.locator("path.leaflet-interactive")
        assert markers.count() == 13  # 12 occupied units and the vacant one; the unit without coordinates is left out
        page.evaluate("""() => { for (const id in window) { if (!id.startsWith('feature_group_')) continue;
            window[id].eachLayer(layer => layer.eachLayer && layer.eachLayer(marker => {
                if (marker.options.radius === 6) marker.openPopup(); })); } }""")  # the vacant unit
        content = page.locator(".leaflet-popup-content")
        content.wait_for(timeout=10_000)
        assert content.inner_text().splitlines() == [
            "<img src=x onerror=alert(1)>", "Markt<script>alert(1)</script> 1", "Leegstand · leegstaand",
            "oppervlakte 120 m²", "leeg sinds 01/01/2021 (3,0 jaar)"]
        assert "&lt;script&gt;" in content.inner_html() and content.locator("img, script").count() == 0
        browser.close()
        assert alerts == []
