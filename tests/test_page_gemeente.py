"""The Gemeente page (pages/gemeente.py) in AppTest, on a small store whose figures are known."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store.database import Batch, Store
from tests.conftest import shown, unit_rows

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "gemeente.py")


def _town(nis_code: str, day: str, statuses: list[str], *, since: str | None = None) -> pd.DataFrame:
    rows = [{"status": s, "group_code": "00" if s == "vacant" else ("22" if i % 3 else "11"),
             "street": "Lange Steenstraat" if i < 6 else "Markt", "house_number": str(i + 1),
             "floor_area_m2": 100.0, "vacant_since": since if s == "vacant" else None,
             "lat": 50.8270 + 0.0001 * i, "lon": 3.2650} for i, s in enumerate(statuses)]
    units = unit_rows(*rows, observed_on=day, nis_code=nis_code)
    return units.assign(unit_id=nis_code + "-" + units["house_number"])


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'gemeente.db'}"
    units = pd.concat([
        _town("34022", "2023-01-01", ["occupied"] * 10),
        _town("34022", "2024-01-01", ["vacant"] * 2 + ["occupied"] * 8, since="2022-07-01"),  # 2 of 10
        _town("31005", "2024-01-01", ["vacant"] + ["occupied"] * 9, since="2023-06-01"),  # Brugge 1 of 10
    ])
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), units)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    monkeypatch.setenv("KERNMONITOR_TILES", "none")
    return url


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _shown(at: AppTest, column: str) -> pd.DataFrame:
    return next(shown(frame) for frame in at.dataframe if column in frame.value.columns)


def test_kortrijk_against_province_and_peers(url):
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert at.selectbox(key="gemeente").value == "34022"
    metrics = {m.label: (m.value, m.delta, m.proto.delta_description) for m in at.metric}
    # 2 of 10, against 0 of 10 in 2023
    assert metrics["Leegstand (panden)"] == ("20,0 %", "+20,0 pp", "sinds de vorige inventaris")
    # The province: 3 of 20 in 2024; the delta says it is the town that lies above it, the label that the
    # province's figure rests on Kortrijk and Brugge only.
    assert metrics["Provincie (2 van 62 gemeenten)"] == ("15,0 %", "+5,0 pp", "boven de provincie")
    # Peers: the centrumsteden Kortrijk and Brugge pooled, 3 of 20.
    assert metrics["Vergelijkbare gemeenten"] == ("15,0 %", "+5,0 pp", "boven de centrumsteden")
    assert metrics["Langdurige leegstand"][0] == "100,0 %"  # both vacant since 1/7/2022: 1,5 years
    streets = _table(at, "Straat")
    assert streets.values.tolist() == [["Lange Steenstraat", 6, 2, pytest.approx(2 / 6)]]
    assert _shown(at, "Straat").values.tolist() == [["Lange Steenstraat", "6", "2", "33,3 %"]]  # as shown
    actions = _table(at, "Jaren leeg")
    assert actions["Adres"].tolist() == ["Lange Steenstraat 1", "Lange Steenstraat 2"]
    assert actions["Laatste groep"].tolist() == ["Dagelijks", "Mode & Luxe"]  # their groups in 2023
    assert actions["Jaren leeg"].tolist() == [1.5, 1.5]
    # What the town-centre manager follows up with, as shown: 100 m², years with a comma, no name known "–".
    listed = _shown(at, "Jaren leeg")
    assert list(listed.columns) == ["Pand-id", "Adres", "Handelsnaam voor de leegstand", "Laatste groep",
                                    "Oppervlakte (m²)", "Leeg sinds", "Jaren leeg"]
    assert listed[["Pand-id", "Handelsnaam voor de leegstand", "Oppervlakte (m²)", "Leeg sinds",
                   "Jaren leeg"]].values.tolist() == [["34022-1", "–", "100 m²", "01/07/2022", "1,5"],
                                                      ["34022-2", "–", "100 m²", "01/07/2022", "1,5"]]


def test_reachable_by_link_and_empty_state(url):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["gemeente"] = "31005"
    at.run()
    assert at.selectbox(key="gemeente").value == "31005"
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "10,0 %"
    at.selectbox(key="gemeente").set_value("33011").run()  # Ieper: nothing imported
    assert "Voor Ieper zijn nog geen inventarissen" in at.info[0].value


def test_action_list_of_a_merged_town_finds_earlier_groups():
    from dashboard.tables.town import action_list, town_units

    units = pd.concat([
        _town("37007", "2023-01-01", ["occupied"] * 3),  # Meulebeke, before the 2025 merger
        _town("37007", "2024-01-01", ["vacant"] + ["occupied"] * 2, since="2022-07-01"),
    ])
    current = town_units(units, "37022", geography="2025", year=2024)  # shown as Tielt 37022
    actions = action_list(current, units, geography="2025")
    assert actions[["Adres", "Laatste groep"]].values.tolist() == [["Lange Steenstraat 1", "Dagelijks"]]


def test_action_list_of_a_past_year_never_names_a_later_occupant():
    from dashboard.tables.town import action_list, town_units

    later = _town("34022", "2025-01-01", ["occupied"] * 3)  # unit 1 is taken again in 2025 ...
    later["group_code"] = "33"  # ... by a shop of another group (Vrije tijd)
    units = pd.concat([
        _town("34022", "2023-01-01", ["occupied"] * 3),  # unit 1: group 11 (Dagelijks) in 2023
        _town("34022", "2024-01-01", ["vacant"] + ["occupied"] * 2, since="2022-07-01"),
        later,
    ])
    actions = action_list(town_units(units, "34022", geography="2025", year=2024), units, geography="2025")
    assert actions[["Adres", "Laatste groep"]].values.tolist() == [["Lange Steenstraat 1", "Dagelijks"]]
    # Vacant in 2024 with only a later occupant: nothing is known from before.
    without_2023 = units[units["observed_on"] != pd.Timestamp("2023-01-01")]
    actions = action_list(town_units(without_2023, "34022", geography="2025", year=2024), without_2023,
                          geography="2025")
    assert actions[["Adres", "Laatste groep"]].values.tolist() == [["Lange Steenstraat 1", "onbekend"]]


def test_a_register_is_compared_with_the_inventory_and_alone_gives_no_rate(url):
    from dashboard import ingest

    store = Store(url)
    # Kortrijk's register of 1/3/2024: Lange Steenstraat 1 (vacant in the inventory), 3 (occupied
    # there) and Zuidstraat 9 (not in it); the inventory's vacant Lange Steenstraat 2 is missing.
    register = (b"gemeente;straat;huisnummer;status;peildatum\n"
                b"Kortrijk;Lange Steenstraat;1;leeg;01/03/2024\nKortrijk;Lange Steenstraat;3;leeg;01/03/2024\n"
                b"Kortrijk;Zuidstraat;9;leeg;01/03/2024\n")
    ingest.import_file(store, register, "register.csv", imported_by="test")
    ingest.import_file(store, register.replace(b"Kortrijk", b"Ieper"), "ieper.csv", imported_by="test")
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "20,0 %"  # the inventory's, 2 of 10
    summary = ("Register van 01/03/2024: 3 panden, tegenover de inventaris van 01/01/2024: 1 in beide leeg, 1 in de "
               "inventaris bezet, 1 alleen in het register, 1 alleen in de inventaris leeg.")
    assert summary in [caption.value for caption in at.caption]
    compared = _table(at, "Vergelijking")
    assert compared[["Vergelijking", "Straat", "Huisnummer"]].values.tolist() == [
        ["in beide leeg", "Lange Steenstraat", "1"], ["in de inventaris bezet", "Lange Steenstraat", "3"],
        ["alleen in het register", "Zuidstraat", "9"], ["alleen in de inventaris leeg", "Lange Steenstraat", "2"]]
    # What is not known is empty, never "None" or "NaT".
    assert compared["Pand-id (register)"].iloc[3] == "" and compared["Pand-id (inventaris)"].iloc[2] == ""
    # The register does not say since when Lange Steenstraat 1 is vacant: the inventory does.
    assert compared["Leeg sinds"].tolist() == ["01/07/2022", "", "", "01/07/2022"]
    # Ids the importer made from addresses are not shown: the address says it.
    assert set(compared["Pand-id (register)"]) == {""}

    at.selectbox(key="gemeente").set_value("33011").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "–"
    assert any(info.value.startswith("Voor 2024 is er alleen een register: 3 leegstaande panden.") for info in at.info)
    assert any("register: alleen leegstaande panden" in caption.value for caption in at.caption)


def test_a_register_only_peer_adds_no_vacant_premises_to_the_pooled_peers():
    from dashboard.tables.town import comparison_kpis

    day = pd.Timestamp("2024-01-01")
    table = pd.DataFrame({"nis_code": ["34022", "31005", "35013"], "observed_on": day, "year": 2024,
                          "units_total": [10, 10, None], "units_vacant": [2, 1, 3],  # Oostende: a register only
                          "vacancy_rate_units": [0.2, 0.1, None], "is_register_only": [False, False, True]})
    province = pd.DataFrame({"year": [2024], "vacancy_rate_units": [0.15]})
    kpis = comparison_kpis(table, province, "34022", year=2024, geography="2025")
    assert kpis["peers"] == pytest.approx(3 / 20)  # Kortrijk and Brugge pooled; not 6 / 20


def test_a_link_to_a_municipality_of_the_other_geography_names_its_successor(url):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["gemeente"] = "37007"  # Meulebeke, part of Tielt since 2025
    at.run()
    assert not at.exception
    assert at.selectbox(key="gemeente").value == "37022"
    assert "Meulebeke hoort sinds 2025 bij Tielt: je ziet Tielt." in [info.value for info in at.info]
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["gemeente"] = "99999"
    at.run()
    assert at.selectbox(key="gemeente").value == "34022"
    assert at.warning[0].value == "Geen gemeente van West-Vlaanderen met NIS-code '99999': je ziet Kortrijk."


def test_geography_town_and_year_follow_the_user_and_stand_in_the_link(url):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["chosen_geography"] = "2018"  # chosen on another page
    at.session_state["chosen_town"] = "31005"
    at.run()
    assert at.sidebar.radio(key="geography").value == "2018"
    assert at.selectbox(key="gemeente").value == "31005"
    assert (at.query_params["indeling"], at.query_params["gemeente"], at.query_params["jaar"]) == (
        "2018", "31005", "2024")
    at.selectbox(key="gemeente").set_value("34022").run()
    at.selectbox(key="town_year").set_value(2023).run()
    assert (at.session_state["chosen_town"], at.session_state["chosen_year"]) == ("34022", 2023)
    assert at.query_params["jaar"] == "2023"
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "0,0 %"  # Kortrijk 2023: 0 of 10


def test_the_core_figures_of_the_year_in_dutch(url):
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert "Kerncijfers detailhandel" in [header.value for header in at.header]
    figures = _table(at, "Kerncijfer").set_index("Kerncijfer")
    # Kortrijk 2024: 10 outlets, 8 shops (3 of group 11, 5 of 22) of 100 m² each, no horeca, 77.109
    # inhabitants on 1/1/2020; units 1 and 2 are vacant since 1/7/2022 and were shops in 2023.
    assert figures["Waarde"].to_dict() == {
        "Verkooppunten per 1.000 inw.": "0,1",  # 10 / 77,109
        "Winkels per 1.000 inw.": "0,1",
        "Winkelvloeroppervlakte per 1.000 inw. (m²)": "10",  # 800 m² / 77,109 = 10,4
        "Horecazaken per 1.000 inw.": "0,0",
        "Oppervlakte horeca per 1.000 inw. (m²)": "0",
        "Leegstand (panden)": "20,0 %",
        "Leegstand voorheen winkel": "20,0 %",  # both former shops, of 10 outlets
        "Aanvangs- en frictieleegstand": "0,0 %",  # both vacant for 1,5 years
        "Aandeel formulewinkels": "–",  # no chain flag known
        "Aandeel dagelijkse goederen": "37,5 %",  # 3 of 8
    }
    assert figures.loc["Winkelvloeroppervlakte per 1.000 inw. (m²)", "Basis"] == "800 m² bij 8 winkels"
    assert figures.loc["Aandeel formulewinkels", "Basis"] == "onbekend of ze een filiaal zijn voor alle 8 winkels"
    assert any("77.109 inwoners op 1 januari 2020" in caption.value for caption in at.caption)
    at.selectbox(key="town_year").set_value(2023).run()  # the first inventory: no former use known
    figures = _table(at, "Kerncijfer").set_index("Kerncijfer")["Waarde"]
    assert (figures["Leegstand (panden)"], figures["Leegstand voorheen winkel"]) == ("0,0 %", "0,0 %")


def test_a_town_whose_file_names_no_streets_still_shows(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'zonder-straten.db'}"
    units = _town("34022", "2024-01-01", ["vacant"] + ["occupied"] * 3).assign(street=None)  # only house numbers
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), units)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "25,0 %"  # 1 of 4
