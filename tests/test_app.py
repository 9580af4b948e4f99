"""The whole app (dashboard/app.py) in AppTest: the router, the frame and the default page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.store.database import Batch, Store
from tests.conftest import sign_in, unit_rows

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def _app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("KERNMONITOR_DB", url)
    return AppTest.from_file(APP, default_timeout=120).run()


def test_sample_data_is_announced(monkeypatch, seeded_url):
    at = _app(monkeypatch, seeded_url)
    assert not at.exception
    assert "voorbeelddata (fictief)" in at.warning[0].value
    assert at.title[0].value == "Leegstand in West-Vlaanderen"  # Overzicht is the default page


def test_real_data_has_no_sample_notice(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'echt.db'}"
    units = unit_rows({"status": "vacant", "group_code": "00"}, {}, {}, {}, nis_code="31005")  # Brugge
    Store(url).add_batch(Batch(kind="units", file_name="brugge.csv", raw=b"x"), units)
    at = _app(monkeypatch, url)
    assert not at.exception
    assert not at.warning
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "25,0 %"  # 1 of 4


def test_the_gegevens_page_is_in_the_navigation(monkeypatch, tmp_path, coordinator):
    at = _app(monkeypatch, f"sqlite:///{tmp_path / 'leeg.db'}")
    at.switch_page(str(Path(APP).parent.parent / "pages" / "gegevens.py")).run()
    assert not at.exception
    assert at.title[0].value == "Gegevens"
    assert not at.file_uploader  # a viewer: upload only after signing in
    sign_in(at)
    assert at.file_uploader(key="upload").allowed_type == [".csv", ".txt", ".xlsx", ".geojson", ".json"]
