"""Overzicht and Gemeente in AppTest with another region than West-Vlaanderen: chosen in the sidebar,
by link, or by ``KERNMONITOR_PROVINCE`` (issue 21, item 2).

The store holds Antwerpen (0 of 4 vacant in 2023, 1 of 4 in 2024), Mechelen (1 of 2), Kortrijk (2 of
5) and Gent (0 of 4), all of 1 January 2024 unless said. Antwerpen has 67 municipalities in 2025,
Flanders 285.
"""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows

PAGES = Path(__file__).resolve().parent.parent / "pages"


def _town(nis_code: str, outlets: int, vacant: int, day: str = "2024-01-01") -> pd.DataFrame:
    rows = [{"status": "vacant", "group_code": "00"}] * vacant + [{"group_code": "22"}] * (outlets - vacant)
    units = unit_rows(*rows, observed_on=day, nis_code=nis_code)
    return units.assign(unit_id=nis_code + "-" + units["unit_id"])


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'regions.db'}"
    units = pd.concat([_town("11002", 4, 0, "2023-01-01"), _town("11002", 4, 1), _town("12025", 2, 1),
                       _town("34022", 5, 2), _town("44021", 4, 0)], ignore_index=True)
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), units)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    return url


def _run(page: str, **links: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    for name, value in links.items():
        at.query_params[name] = value
    return at.run()


def _metrics(at: AppTest) -> dict[str, tuple]:
    return {m.label: (m.value, m.delta, m.proto.delta_description) for m in at.metric}


def _ranking(at: AppTest) -> list[str]:
    return next(frame.value for frame in at.dataframe if frame.value.index.name == "Rang")["Gemeente"].tolist()


def test_overzicht_opens_on_the_province_of_the_setting(url, monkeypatch):
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "10000")
    at = _run("overzicht.py")
    assert not at.exception
    assert at.title[0].value == "Leegstand in Antwerpen"
    assert at.selectbox(key="shown_region").value == "10000" and at.query_params["gebied"] == "10000"
    assert at.radio(key="geography").options == ["67 gemeenten (vanaf 2025)", "69 gemeenten (tot 2024)"]
    # 2 of 6 in Antwerpen and Mechelen, against Antwerpen's 0 of 4 in 2023; never as if it were the province.
    assert _metrics(at)["Leegstand (panden)"][:2] == ("33,3 %", "+33,3 pp")
    assert [info.value for info in at.info] == [
        "Deze cijfers zijn die van Antwerpen (2 van 67 gemeenten): alleen de gemeenten met een inventaris in 2024 "
        "tellen mee, dus ze zeggen niets over heel Antwerpen."]
    assert _ranking(at) == ["Antwerpen", "Mechelen"]  # 25 % and 50 %; Kortrijk and Gent lie elsewhere
    trend = next(frame.value for frame in at.dataframe if "Reeks" in frame.value.columns)
    assert trend["Reeks"].unique().tolist() == ["Antwerpen (niet alle gemeenten)"]


def test_overzicht_shows_flanders_when_it_is_chosen_in_the_sidebar(url):
    at = _run("overzicht.py")
    assert at.title[0].value == "Leegstand in West-Vlaanderen"  # no setting: the default
    at.selectbox(key="shown_region").set_value("02000").run()
    assert not at.exception
    assert at.title[0].value == "Leegstand in Vlaanderen" and at.query_params["gebied"] == "02000"
    assert _metrics(at)["Leegstand (panden)"][0] == "26,7 %"  # 4 of 15
    assert _ranking(at) == ["Gent", "Antwerpen", "Kortrijk", "Mechelen"]  # 0, 25, 40 and 50 %
    assert "Vlaanderen (4 van 285 gemeenten)" in at.info[0].value


def test_the_region_stands_in_the_link_and_a_bad_link_or_setting_is_said(url, monkeypatch):
    at = _run("overzicht.py", gebied="40000")
    assert at.title[0].value == "Leegstand in Oost-Vlaanderen" and _ranking(at) == ["Gent"]
    at = _run("overzicht.py", gebied="99999")
    assert at.warning[0].value == ("De link vraagt gebied '99999': dat is geen Vlaamse provincie en niet Vlaanderen. "
                                   "Je ziet West-Vlaanderen.")
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "Antwerpen")
    at = _run("overzicht.py")
    assert not at.exception
    assert at.error[0].value.startswith("KERNMONITOR\\_PROVINCE staat op 'Antwerpen': dat is geen Vlaamse provincie")
    assert at.error[0].value.endswith("Tot dan toont Kernmonitor West-Vlaanderen en aanvaardt hij geen imports.")
    assert at.title[0].value == "Leegstand in West-Vlaanderen"


def test_gemeente_compares_a_town_with_its_province_of_the_setting(url, monkeypatch):
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "10000")
    at = _run("gemeente.py")
    assert not at.exception
    assert at.selectbox(key="gemeente").value == "11002"  # the region's largest town
    assert sorted(at.selectbox(key="gemeente").options)[:2] == ["Aartselaar", "Antwerpen"]
    metrics = _metrics(at)
    assert metrics["Leegstand (panden)"] == ("25,0 %", "+25,0 pp", "sinds de vorige inventaris")
    # Antwerpen and Mechelen: 2 of 6; the card names the part it rests on.
    assert metrics["Provincie (2 van 67 gemeenten)"] == ("33,3 %", "-8,3 pp", "onder de provincie")
    # Its centrumsteden are Antwerpen, Mechelen and Turnhout (no inventory): 2 of 6, not with Kortrijk or Gent.
    assert metrics["Vergelijkbare gemeenten"] == ("33,3 %", "-8,3 pp", "onder de centrumsteden")


def test_gemeente_compares_with_flanders_chosen_in_the_sidebar(url):
    at = _run("gemeente.py")
    assert at.selectbox(key="gemeente").value == "34022"
    at.selectbox(key="shown_region").set_value("02000").run()
    assert not at.exception
    assert at.selectbox(key="gemeente").value == "34022"  # Kortrijk lies in Flanders too
    metrics = _metrics(at)
    # Kortrijk 2 of 5 against Flanders' 4 of 15; its peers are Flanders' centrumsteden: the same four towns.
    assert metrics["Vlaanderen (4 van 285 gemeenten)"] == ("26,7 %", "+13,3 pp", "boven Vlaanderen")
    assert metrics["Vergelijkbare gemeenten"] == ("26,7 %", "+13,3 pp", "boven de centrumsteden")
    at.selectbox(key="shown_region").set_value("40000").run()  # Kortrijk is not of Oost-Vlaanderen: its own town
    assert at.selectbox(key="gemeente").value == "44021" and not at.warning


def test_a_link_to_a_town_of_another_province_says_where_it_lies(url, monkeypatch):
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "10000")
    at = _run("gemeente.py", gemeente="34022")
    assert at.selectbox(key="gemeente").value == "11002"
    assert at.warning[0].value == ("Kortrijk ligt niet in Antwerpen maar in West-Vlaanderen: kies West-Vlaanderen of "
                                   "Vlaanderen bij 'Gebied' in de zijbalk. Je ziet Antwerpen.")
