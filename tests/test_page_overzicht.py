"""The Overzicht page (pages/overzicht.py) in Streamlit's AppTest."""

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from dashboard.i18n import format_pct
from dashboard.store.database import Batch, Store
from tests.conftest import shown, unit_rows

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "overzicht.py")


def _page(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("KERNMONITOR_DB", url)
    return AppTest.from_file(PAGE, default_timeout=120).run()


def _metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.fixture
def small_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    vacant = {"status": "vacant", "group_code": "00", "floor_area_m2": 50}
    shop = {"floor_area_m2": 150}
    units = pd.concat([
        unit_rows(vacant, shop, shop, shop, nis_code="34022"),  # Kortrijk 2018: 1 of 4
        unit_rows(vacant, vacant, shop, shop, shop, observed_on="2019-01-01", nis_code="34022"),  # 2 of 5
        unit_rows(vacant, {}, nis_code="37007"),  # Meulebeke 2018: 1 of 2
        unit_rows({}, {}, nis_code="37015"),  # Tielt 2018: 0 of 2
    ], ignore_index=True)
    units["unit_id"] = units["nis_code"] + "-" + units["unit_id"]
    Store(url).add_batch(Batch(kind="units", file_name="klein.csv", raw=b"x"), units)
    return url


def _ranking(at: AppTest):
    """The ranking table (the trend chart's numbers come first, in its expander)."""
    return next(frame for frame in at.dataframe if frame.value.index.name == "Rang")


def test_shows_latest_year_with_change_and_ranking(monkeypatch, small_url):
    at = _page(monkeypatch, small_url)
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["Leegstand (panden)"] == ("40,0 %", "+15,0 pp")  # 2 of 5, against 2 of 8 in 2018
    assert metrics["Leegstaande panden"][0] == "2"
    ranking = _ranking(at).value
    assert ranking["Gemeente"].tolist() == ["Kortrijk"]  # the only municipality inventoried in 2019
    assert ranking["Leegstand (panden)"].tolist() == [0.4]  # a number, so the column sorts as numbers
    assert shown(_ranking(at))["Leegstand (panden)"].tolist() == ["40,0 %"]  # shown as a person writes it
    # The trend chart's text alternative: the numbers it draws, under its axes' titles.
    numbers = next(frame.value for frame in at.dataframe if "Reeks" in frame.value.columns)
    assert list(numbers.columns) == ["Reeks", "Jaar", "Leegstand (panden) (%)"]
    # Kortrijk and Tielt in 2018, Kortrijk alone in 2019: the province's line says it is not all of it.
    assert numbers["Reeks"].unique().tolist() == ["West-Vlaanderen (niet alle gemeenten)"]
    assert ("Welk deel van de verkooppunten leeg staat. Per jaar de laatste inventaris."
            in [caption.value for caption in at.caption])  # what the chart means, in one line


def test_choosing_a_year_and_geography(monkeypatch, small_url):
    at = _page(monkeypatch, small_url)
    at.selectbox(key="year").select(2018).run()
    assert _metrics(at)["Leegstand (panden)"] == ("25,0 %", "")  # no earlier inventory to compare with
    ranking = _ranking(at).value
    assert ranking["Gemeente"].tolist() == ["Kortrijk", "Tielt"]
    at.sidebar.radio(key="geography").set_value("2018").run()
    ranking = _ranking(at).value
    assert ranking["Gemeente"].tolist() == ["Tielt", "Kortrijk", "Meulebeke"]  # 0 %, 25 %, 50 %
    assert ranking["Leegstand (panden)"].tolist() == [0.0, 0.25, 0.5]
    assert _metrics(at)["Leegstand (panden)"][0] == "25,0 %"  # the province does not depend on geography


def test_offers_every_indicator_of_the_year_in_dutch_and_for_scripts(monkeypatch, small_url):
    from dashboard.tables.indicators import vacancy_table
    from dashboard.ui.views import year_download

    at = _page(monkeypatch, small_url)
    labels = {button.proto.label for button in at.get("download_button")}
    assert {"CSV", "Excel", "CSV voor scripts"} <= labels
    municipal = vacancy_table(Store(small_url).units(), geography="2018")
    table = year_download(municipal, 2018)
    # Tielt 0 %, Kortrijk 25 %, Meulebeke 50 % in 2018 (the ranking's order), under Dutch labels only.
    assert table["Gemeente"].tolist() == ["Tielt", "Kortrijk", "Meulebeke"]
    assert table["Leegstand (panden)"].tolist() == [0.0, 0.25, 0.5]
    assert not [header for header in table.columns if "_" in header]


def test_empty_store_says_what_to_do(monkeypatch, tmp_path):
    at = _page(monkeypatch, f"sqlite:///{tmp_path / 'leeg.db'}")
    assert not at.exception
    assert "nog geen inventarissen" in at.info[0].value
    assert not at.metric


def test_province_rate_equals_a_count_of_the_stored_rows(monkeypatch, seeded_url, seeded_store):
    # By hand: vacant outlets / outlets of the latest inventory, straight from the table.
    with seeded_store.engine.connect() as conn:
        latest = conn.execute(text("SELECT max(observed_on) FROM units")).scalar_one()
        vacant, outlets = conn.execute(text(
            "SELECT sum(CASE WHEN units.status = 'vacant' THEN 1 ELSE 0 END), count(*) FROM units "
            "JOIN batches USING (batch_id) WHERE batches.status = 'active' AND observed_on = :day "
            "AND coalesce(group_code, '') NOT IN ('45', '80')"), {"day": latest}).one()
    at = _page(monkeypatch, seeded_url)
    assert not at.exception
    shown, _ = _metrics(at)["Leegstand (panden)"]
    assert shown == format_pct(vacant / outlets)
    assert shown == "9,8 %"  # Locatus, end of 2023
    assert len(_ranking(at).value) == 62


def test_rankings_can_be_hidden(monkeypatch, small_url):
    monkeypatch.setenv("KERNMONITOR_RANKINGS", "nee")
    at = _page(monkeypatch, small_url)
    assert not at.exception
    assert not [h for h in at.header if h.value == "Rangschikking van de gemeenten"]
    assert "CSV" in {button.proto.label for button in at.get("download_button")}  # the data stays downloadable


def test_map_indicator_values(monkeypatch, small_url):
    from dashboard.ui.views import map_table

    at = _page(monkeypatch, small_url)
    at.selectbox(key="year").select(2018).run()
    assert at.selectbox(key="map_indicator").value == "vacancy_rate_units"
    import dashboard.ui.loaders as loaders  # the page's own loader, on the same store

    municipal = loaders.vacancy_indicators(level="municipality", geography="2025")
    shown = map_table(municipal, loaders.mix_indicators(geography="2025"), 2018, "vacancy_rate_units")
    assert shown.set_index("nis_code")["vacancy_rate_units"].to_dict() == {"34022": 0.25, "37022": 0.25}
