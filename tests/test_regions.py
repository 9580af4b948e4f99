"""The province is a choice (issue 21, item 2): any Flemish province or all of Flanders, in the tables,
the imports, the command line and the pages.

The data are a few towns whose figures are counted by hand. Municipality counts per province are
Statbel's (`tests/test_reference_flanders.py`): in 2025 Antwerpen has 67 municipalities, Limburg 38,
Oost-Vlaanderen 55, West-Vlaanderen 62 and Flanders 285; until 2024 Antwerpen had 69 and Limburg 42.
"""

import json

import pandas as pd
import pytest

from dashboard import reference, regions
from dashboard.cli.main import main
from dashboard.ingest import prepare
from dashboard.store.database import Batch, Store
from dashboard.tables import town
from dashboard.tables.indicators import campaign_table, kerncijfers_table, mix_table, vacancy_table
from tests import ingest_files as files
from tests.conftest import store_state, unit_rows

ANTWERPEN, MECHELEN, KORTRIJK, GENT = "11002", "12025", "34022", "44021"


def _town(nis_code: str, outlets: int, vacant: int, day: str = "2024-01-01") -> pd.DataFrame:
    rows = [{"status": "vacant", "group_code": "00"}] * vacant + [{"group_code": "22"}] * (outlets - vacant)
    units = unit_rows(*rows, observed_on=day, nis_code=nis_code)
    return units.assign(unit_id=nis_code + "-" + units["unit_id"])


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    """Antwerpen 1 of 4 vacant, Mechelen 1 of 2, Kortrijk 2 of 5, Gent 0 of 4 (1 January 2024)."""
    return pd.concat([_town(ANTWERPEN, 4, 1), _town(MECHELEN, 2, 1), _town(KORTRIJK, 5, 2), _town(GENT, 4, 0)],
                     ignore_index=True)


# --- The region's rows carry its own code and name, and say what they rest on -------------------------------

@pytest.mark.parametrize(("region", "label", "vacant", "outlets"), [
    ("10000", "Antwerpen (2 van 67 gemeenten)", 2, 6),  # Antwerpen and Mechelen; not Kortrijk or Gent
    ("02000", "Vlaanderen (4 van 285 gemeenten)", 4, 15),
    ("30000", "West-Vlaanderen (1 van 62 gemeenten)", 2, 5),
    ("40000", "Oost-Vlaanderen (1 van 55 gemeenten)", 0, 4),
])
def test_the_region_row_is_labelled_with_its_own_code_and_name(units, region, label, vacant, outlets):
    row = vacancy_table(units, level="province", region=region).iloc[0]
    assert (row["nis_code"], row["municipality"], row["year"]) == (region, label, 2024)
    assert (row["units_vacant"], row["units_total"]) == (vacant, outlets)
    assert row["vacancy_rate_units"] == pytest.approx(vacant / outlets)


def test_the_municipalities_shown_are_those_of_the_region(units):
    antwerp = vacancy_table(units, region="10000")
    assert antwerp[["nis_code", "municipality"]].values.tolist() == [[ANTWERPEN, "Antwerpen"], [MECHELEN, "Mechelen"]]
    names = vacancy_table(units, region="02000")["municipality"].tolist()
    assert names == ["Antwerpen", "Mechelen", "Kortrijk", "Gent"]


def test_an_region_with_every_municipality_has_its_plain_name_in_both_geographies():
    # One inventory under each 2025 code of Limburg; in 2018 a merged code covers the towns it joined.
    codes = sorted(regions.region("70000").codes("2025"))
    units = pd.concat([_town(code, 2, 1 if code == "71072" else 0) for code in codes], ignore_index=True)
    for geography, municipalities in (("2025", 38), ("2018", 42)):
        assert len(regions.region("70000").codes(geography)) == municipalities
        row = vacancy_table(units, level="province", geography=geography, region="70000").iloc[0]
        assert (row["nis_code"], row["municipality"], row["units_vacant"], row["units_total"]) == (
            "70000", "Limburg", 1, 76)


def test_zwijndrecht_counts_in_antwerpen_until_2024_and_in_oost_vlaanderen_from_2025():
    units = _town("11056", 3, 1)  # Zwijndrecht, part of Beveren-Kruibeke-Zwijndrecht (46030) since 2025
    assert vacancy_table(units, region="10000", geography="2018")["municipality"].tolist() == ["Zwijndrecht"]
    assert vacancy_table(units, region="10000", geography="2025").empty
    east = vacancy_table(units, region="40000", geography="2025")
    assert east[["nis_code", "municipality"]].values.tolist() == [["46030", "Beveren-Kruibeke-Zwijndrecht"]]
    assert vacancy_table(units, level="province", region="10000", geography="2018").iloc[0]["municipality"] == \
        "Antwerpen (1 van 69 gemeenten)"


def test_mix_core_figures_and_campaign_rows_of_the_region(units):
    mix = mix_table(units, level="province", region="10000").iloc[0]
    assert (mix["nis_code"], mix["municipality"]) == ("10000", "Antwerpen (2 van 67 gemeenten)")
    assert mix["share_units_22"] == pytest.approx(1.0)  # only fashion shops are occupied
    figures = kerncijfers_table(units, level="province", region="10000").iloc[0]
    # Antwerpen (with Borsbeek) 540.196 and Mechelen 86.921 inhabitants on 1 January 2020.
    assert (figures["nis_code"], figures["municipality"], figures["population"]) == (
        "10000", "Antwerpen (2 van 67 gemeenten)", 540_196 + 86_921)
    campaign = pd.DataFrame({"nis_code": [ANTWERPEN, KORTRIJK], "edition": 2024, "participating_shops": [3, 7]})
    reach = campaign_table(campaign, units, level="province", region="10000").iloc[0]
    assert (reach["nis_code"], reach["municipality"], reach["participating_shops"]) == ("10000", "Antwerpen", 3)
    assert campaign_table(campaign, units, region="02000")["municipality"].tolist() == ["Antwerpen", "Kortrijk"]


def test_the_default_region_is_the_setting(units, monkeypatch):
    assert vacancy_table(units, level="province").iloc[0]["nis_code"] == "30000"
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "10000")
    assert vacancy_table(units, level="province").iloc[0]["municipality"] == "Antwerpen (2 van 67 gemeenten)"


# --- Peer groups are formed within the region ----------------------------------------------------------------

def test_centrumsteden_of_the_region():
    assert town.peer_codes(ANTWERPEN, geography="2025", region="10000") == (
        "centrumsteden", [ANTWERPEN, MECHELEN, "13040"])  # Turnhout
    assert town.peer_codes(KORTRIJK, geography="2025", region="30000") == (
        "centrumsteden", ["31005", KORTRIJK, "35013", "36015"])
    group, members = town.peer_codes(ANTWERPEN, geography="2025", region="02000")
    assert group == "centrumsteden" and len(members) == 13


def test_a_population_class_holds_the_region_s_towns_only():
    group, members = town.peer_codes("11001", geography="2025", region="10000")  # Aartselaar, 14.427 in 2020
    names = [regions.municipality_names("2025")[code] for code in members]
    assert group == "kleine gemeenten (< 15.000)"
    assert "Baarle-Hertog" in names and "Zuienkerke" not in names  # Zuienkerke: small, but West-Vlaanderen
    group, members = town.peer_codes("11001", geography="2025", region="02000")
    assert "Zuienkerke" in [regions.municipality_names("2025")[code] for code in members]


def test_a_town_is_compared_with_its_region_and_its_peers_there(units):
    table = vacancy_table(units, region="10000")
    compared = town.comparison_kpis(table, vacancy_table(units, level="province", region="10000"), ANTWERPEN,
                                    year=2024, geography="2025", region="10000")
    # Antwerpen 1 of 4; Antwerpen and Mechelen 2 of 6, both centrumsteden (Kortrijk is not of Antwerpen).
    assert compared == {"town": 0.25, "province": pytest.approx(2 / 6), "peers": pytest.approx(2 / 6),
                        "province_label": "Antwerpen (2 van 67 gemeenten)", "peer_group": "centrumsteden"}
    flanders = vacancy_table(units, region="02000")
    compared = town.comparison_kpis(flanders, vacancy_table(units, level="province", region="02000"), ANTWERPEN,
                                    year=2024, geography="2025", region="02000")
    # Flanders: 4 of 15; its centrumsteden Antwerpen, Mechelen, Kortrijk and Gent: 4 of 15 too.
    assert (compared["province"], compared["peers"]) == (pytest.approx(4 / 15), pytest.approx(4 / 15))


# --- Imports accept the municipalities of the region of KERNMONITOR_PROVINCE ---------------------------------

ROWS = ["Antwerpen;Meir;1;bezet;80;01/01/2024", "Borsbeek;Dorp;1;bezet;80;01/01/2024",  # Borsbeek: 2018 code
        "Gent;Veldstraat;1;bezet;80;01/01/2024", "Kortrijk;Markt;1;bezet;80;01/01/2024",
        "Namen;Rue de Fer;1;bezet;80;01/01/2024"]


@pytest.mark.parametrize(("setting", "refused", "message"), [
    ("10000", ["Gent", "Kortrijk", "Namen"], "Gent ligt niet in Antwerpen: dit dashboard aanvaardt alleen gemeenten "
                                             "van de provincie"),
    ("02000", ["Namen"], "Namen ligt niet in Vlaanderen: dit dashboard aanvaardt alleen Vlaamse gemeenten"),
    (None, ["Antwerpen", "Borsbeek", "Gent", "Namen"], "Antwerpen ligt niet in West-Vlaanderen: dit dashboard "
                                                       "aanvaardt alleen gemeenten van de provincie"),
])
def test_imports_accept_the_region_of_the_setting(monkeypatch, setting, refused, message):
    if setting:
        monkeypatch.setenv("KERNMONITOR_PROVINCE", setting)
    prepared = prepare(files.units_csv(ROWS), "x.csv", today=pd.Timestamp("2026-01-01"))
    assert prepared.problems["value"].tolist() == refused
    assert prepared.problems["problem"].iloc[0] == message
    accepted = {"Antwerpen": "11002", "Borsbeek": "11007", "Gent": "44021", "Kortrijk": "34022"}
    assert sorted(prepared.valid_rows["nis_code"]) == sorted(code for name, code in accepted.items()
                                                             if name not in refused)


def test_coordinates_must_lie_in_the_region(monkeypatch):
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "10000")
    raw = files.units_csv(["Antwerpen;Meir;1;bezet;80;01/01/2024;51.2180;4.4100",
                           "Antwerpen;Meir;2;bezet;80;01/01/2024;50.8270;3.2650"],  # Kortrijk's Grote Markt
                          header="gemeente;straat;huisnummer;status;wvo;peildatum;lat;lon")
    problems = prepare(raw, "x.csv", today=pd.Timestamp("2026-01-01")).problems
    assert problems[["row_number", "column_name"]].values.tolist() == [[3, "lat"], [3, "lon"]]
    assert problems["problem"].str.startswith("ligt buiten Antwerpen (+5 km)").all()


def test_an_invalid_setting_is_said_in_dutch_and_changes_nothing(monkeypatch, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), _town(KORTRIJK, 2, 1))
    before = store_state(url)
    path = tmp_path / "x.csv"
    path.write_bytes(files.units_csv(ROWS[3:4]))
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "99999")
    expected = ("Geweigerd: KERNMONITOR_PROVINCE staat op '99999': dat is geen Vlaamse provincie en niet Vlaanderen. "
                "Er is niets gewijzigd. Zet KERNMONITOR_PROVINCE op 02000 (Vlaanderen), 10000 (Antwerpen), 70000 "
                "(Limburg), 40000 (Oost-Vlaanderen), 20001 (Vlaams-Brabant) of 30000 (West-Vlaanderen) (of laat het "
                "leeg voor West-Vlaanderen) en probeer opnieuw.\n")
    for command in (["import", str(path)], ["indicators", "--level", "province"]):
        assert main([*command, "--db", url]) == 1
        captured = capsys.readouterr()
        assert (captured.out, captured.err) == ("", expected)
    assert store_state(url) == before


# --- The command line: --province ---------------------------------------------------------------------------

def _json(capsys, *args: str) -> list[dict]:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_indicators_for_another_province_on_either_store(store_url, units, capsys):
    Store(store_url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), units)
    common = ["indicators", "--db", store_url, "--format", "json"]
    rows = _json(capsys, *common, "--level", "province", "--province", "10000")
    assert [(r["nis_code"], r["municipality"], r["units_vacant"], r["units_total"]) for r in rows] == [
        ("10000", "Antwerpen (2 van 67 gemeenten)", 2, 6)]
    rows = _json(capsys, *common, "--level", "province", "--province", "02000")
    assert [(r["nis_code"], r["municipality"], r["units_vacant"]) for r in rows] == [
        ("02000", "Vlaanderen (4 van 285 gemeenten)", 4)]
    rows = _json(capsys, *common, "--province", "40000")
    assert [(r["nis_code"], r["municipality"], r["vacancy_rate_units"]) for r in rows] == [(GENT, "Gent", 0.0)]
    rows = _json(capsys, *common, "--level", "province")  # without --province: KERNMONITOR_PROVINCE (30000)
    assert [(r["nis_code"], r["municipality"]) for r in rows] == [("30000", "West-Vlaanderen (1 van 62 gemeenten)")]


def test_a_report_of_a_province_without_partners_covers_its_largest_towns(store_url, units, capsys, tmp_path):
    Store(store_url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), units)
    out = tmp_path / "rapport.xlsx"
    assert main(["report", "--db", store_url, "--from", "2024-01-01", "--to", "2024-04-30", "--format", "xlsx",
                 "--out", str(out), "--province", "10000"]) == 0
    assert "(4 gemeenten)" in capsys.readouterr().err  # Antwerpen, Mechelen, Turnhout, Heist-op-den-Berg


def test_an_unknown_province_option_is_wrong_usage(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["indicators", "--province", "12345"])
    assert stopped.value.code == 2
    assert ("argument --province: '12345' is geen Vlaamse provincie en niet Vlaanderen: kies 02000 (Vlaanderen), "
            "10000 (Antwerpen)") in capsys.readouterr().err


@pytest.mark.slow
def test_seed_fills_another_province(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'antwerpen.db'}"
    assert main(["seed", "--db", url, "--province", "10000", "--scale", "0.05"]) == 0
    assert "Voorbeelddata genereren voor Antwerpen (schaal 0.05)" in capsys.readouterr().err
    store = Store(url)
    # Units and sample shopping areas; no campaign or votes: the campaign ran in West-Vlaanderen only.
    assert sorted(store.batches()["kind"]) == ["areas", "units"]
    stored = store.units()
    assert set(stored["nis_code"].astype(str)) == set(regions.region("10000").codes("2018"))  # all 69
    # Zwijndrecht counts in Antwerpen until 2024: the sample's 69 municipalities are those of 2018.
    province = vacancy_table(stored, level="province", geography="2018", region="10000").set_index("year")
    # As many outlets per inhabitant as West-Vlaanderen: 28.505 × 1.847.486 / 1.191.059 = 44.215, × 0.05.
    assert province.loc[2021, "units_total"] == round(44_215 * 0.05) == 2211
    assert province.loc[2021, "municipality"] == "Antwerpen"  # every municipality, every year
    assert province.loc[2018, "vacancy_rate_units"] == pytest.approx(0.083, abs=0.005)  # West-Vlaanderen's path
    assert vacancy_table(stored, level="province", region="30000").empty


def test_the_sample_of_west_vlaanderen_is_the_same_as_ever():
    # The fingerprint and note a West-Vlaanderen sample records are those of before: the store's
    # batches (and `tests/test_sample.py`'s published figures) stay as they were.
    from dashboard.sample import fingerprint

    assert fingerprint(scale=1.0, seed=20180101) == fingerprint(scale=1.0, seed=20180101, province="30000")
    assert fingerprint(scale=1.0, seed=20180101) != fingerprint(scale=1.0, seed=20180101, province="10000")


# --- The regions themselves -----------------------------------------------------------------------------------

def test_regions_and_their_municipalities():
    assert [(code, regions.name_of(code)) for code in regions.REGION_CODES] == [
        ("02000", "Vlaanderen"), ("10000", "Antwerpen"), ("70000", "Limburg"), ("40000", "Oost-Vlaanderen"),
        ("20001", "Vlaams-Brabant"), ("30000", "West-Vlaanderen")]
    west = regions.region("30000")
    # West-Vlaanderen keeps its own file: the same rows, with the campaign and coast flags.
    assert west.municipalities("2025").drop(columns="province_nis_code").equals(reference.municipalities("2025"))
    antwerp = regions.region("10000").municipalities("2025")
    assert len(antwerp) == 67 and not antwerp[["is_krakwest_partner", "is_coastal"]].any().any()
    flanders = regions.region("02000").municipalities("2025")
    partners = flanders.loc[flanders["is_krakwest_partner"], "name_nl"].tolist()  # from West-Vlaanderen's file
    assert len(flanders) == 285 and sorted(partners) == ["Blankenberge", "Brugge", "Ieper", "Izegem", "Koksijde",
                                                         "Kortrijk", "Lichtervelde", "Menen", "Oostende", "Roeselare"]
    assert regions.region("10000").default_town() == ANTWERPEN and west.default_town() == KORTRIJK
    assert regions.region("30000").largest_towns() == ["31005", KORTRIJK, "35013", "36015"]
    assert regions.region("30000").bounds == (2.50, 50.65, 3.59, 51.42)  # as it always was


def test_an_invalid_code_names_the_valid_ones():
    with pytest.raises(regions.UnknownRegion, match="'99999' is geen Vlaamse provincie en niet Vlaanderen: kies 02000"):
        regions.region("99999")


def test_the_map_draws_the_boundaries_of_the_region():
    from dashboard.ui import loaders

    counts = {code: len(loaders.boundaries(geography="2025", region=code)) for code in ("10000", "02000", "30000")}
    assert counts == {"10000": 67, "02000": 285, "30000": 62}
    assert len(loaders.boundaries(geography="2018", region="70000")) == 42
