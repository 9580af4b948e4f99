"""The declared shopping areas on the pages, in AppTest: the Gemeente page's map and table, the Overzicht
page's vacancy per type, the Gegevens page's import of a list; and what they say without a list."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store.database import Batch, Store
from dashboard.ui.area_views import NO_AREAS
from tests.conftest import shown, sign_in
from tests.test_areas import BOX, STEENWEG, STORED, UNITS

PAGES = Path(__file__).resolve().parent.parent / "pages"


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    """Kortrijk (2023, 2024) and Brugge (2024), with the three areas of `tests.test_areas` and one more in
    Kortrijk without a place or units, whose name is markdown and HTML."""
    url = f"sqlite:///{tmp_path / 'areas.db'}"
    store = Store(url)
    store.add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), UNITS)
    station = {"area_id": "ST", "name": "**Station** <b>", "area_type": "Buurtcentrum", "nis_code": "34022"}
    areas = pd.concat([STORED.drop(columns="batch_id"), pd.DataFrame([station])], ignore_index=True)
    store.add_batch(Batch(kind="areas", file_name="a.csv", raw=b"a"), areas)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    return url


def _page(name: str) -> AppTest:
    return AppTest.from_file(str(PAGES / name), default_timeout=120).run()


def _shown(at: AppTest, *columns: str):
    """The shown table with these columns (the chart's numbers have fewer)."""
    return next(shown(frame) for frame in at.dataframe if set(columns) <= set(frame.value.columns))


def test_the_town_page_shows_its_areas_on_the_map_and_in_a_table(url):
    at = _page("gemeente.py")
    assert not at.exception
    assert "Winkelgebieden" in [header.value for header in at.header]
    # Kortrijk 2024: the box (k1–k4 outlets, k1 vacant; the ATM k9 placed too), the Steenweg's point (k5, k6),
    # and k7, k8 outside every area.
    table = _shown(at, "Naam winkelgebied")
    assert table[["Naam winkelgebied", "Type winkelgebied", "Ligging", "Verkooppunten", "Leegstaande panden",
                  "Leegstand (panden)", "Via veelhoek", "Via punt"]].values.tolist() == [
        ["Centrum Kortrijk", "Binnenstad", "veelhoek", "4", "1", "25,0 %", "5", "0"],
        ["Steenweg", "Baanconcentratie", "punt", "2", "1", "50,0 %", "0", "2"],
        ["buiten winkelgebied", "–", "–", "2", "0", "0,0 %", "–", "–"]]
    caption = next(caption.value for caption in at.caption if "in de lijst" in caption.value)
    assert caption.startswith("3 winkelgebied(en) in de lijst.") and "binnen 250 m; nooit in twee" in caption
    # The area without units is named, as literal text (no bold, no HTML).
    assert caption.endswith(r"Zonder verkooppunten in deze inventaris: \*\*Station\*\* \<b\>.")
    assert "Afgeleide kernen en winkelgebieden" in [header.value for header in at.subheader]
    page = at.get("iframe")[0].proto.srcdoc
    assert "Winkelgebieden (2)" in page and "Centrum Kortrijk \\u00b7 Binnenstad \\u00b7 veelhoek" in page


def test_the_overview_compares_the_types_of_area_across_the_province(url):
    at = _page("overzicht.py")
    assert not at.exception
    at.selectbox(key="year").set_value(2024).run()
    # Binnenstad 3 of 9, Baanconcentratie 1 of 2, outside 0 of 2 (tests/test_areas.py works them out).
    table = _shown(at, "Type winkelgebied", "Verkooppunten")
    assert table[["Type winkelgebied", "Winkelgebieden", "Verkooppunten", "Leegstaande panden",
                  "Leegstand (panden)"]].values.tolist() == [
        ["Binnenstad", "2", "9", "3", "33,3 %"], ["Baanconcentratie", "1", "2", "1", "50,0 %"],
        ["buiten winkelgebied", "0", "2", "0", "0,0 %"]]
    chart = next(chart for chart in at.get("plotly_chart") if "per type winkelgebied" in chart.proto.spec)
    assert chart is not None


def test_without_a_list_the_sections_say_how_to_import_one(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), UNITS)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    for name in ("overzicht.py", "gemeente.py"):
        at = _page(name)
        assert not at.exception
        assert NO_AREAS in [caption.value for caption in at.caption], name


def test_a_list_of_areas_is_imported_on_the_data_page(tmp_path, monkeypatch, coordinator):
    url = f"sqlite:///{tmp_path / 'g.db'}"
    monkeypatch.setenv("KERNMONITOR_DB", url)
    at = sign_in(_page("gegevens.py"))
    raw = ("id;naam;nis_code;typering;breedtegraad;lengtegraad;geometrie\n"
           f"KC;Centrum Kortrijk;34022;Binnenstad;;;\"{BOX}\"\n"
           f"KS;Steenweg;34022;Baanconcentratie;{STEENWEG[0]};{STEENWEG[1]};\n").encode()
    at.file_uploader(key="upload").upload("winkelgebieden.csv", raw, "text/csv")
    at.run()
    assert not at.exception
    changes = next(frame.value for frame in at.dataframe if "Winkelgebieden in het bestand" in frame.value.columns)
    assert changes.iloc[0].tolist() == ["Kortrijk", 2, 2, 0, 1, 1, 0, 0]  # 2 new: one polygon, one point
    at.button(key="confirm_import").click().run()
    assert "Opgeslagen als batch 1: 2 rij(en)." in [message.value for message in at.success]
    assert Store(url).batches().iloc[0]["kind"] == "areas"
