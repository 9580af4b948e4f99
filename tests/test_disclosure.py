"""Small numbers (issue 21, items 4 and 7): with KERNMONITOR_DISCLOSURE_MIN=5, counts of premises from 1 to 4
and what rests on them show as "x" on screen, in downloads, in the report and on the command line; 0 is
shown, unknown stays "–", and with the setting off every value is shown. Every expected value is worked
out by hand in the comments."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from analysis.disclosure import count_behind, suppressed
from dashboard import registry, settings
from dashboard.cli.main import main
from dashboard.figures import charts, maps
from dashboard.figures.chart_text import chart_table, explanation
from dashboard.figures.small_numbers import NOTE
from dashboard.i18n import suppressed_note
from dashboard.report.content import build_report
from dashboard.report.pdf import report_pdf
from dashboard.report.xlsx import report_xlsx
from dashboard.store.database import Batch, Store
from dashboard.tables import exports
from dashboard.tables.composite import vitality_table
from dashboard.tables.indicators import vacancy_table
from dashboard.ui import views
from tests.conftest import shown, unit_rows

PAGES = Path(__file__).resolve().parent.parent / "pages"
NOTE_START = "x = niet getoond: het cijfer rust op een klein aantal panden (1 tot 4)."


@pytest.fixture
def rule(monkeypatch):
    """The public instance's setting: Provincies in Cijfers' threshold of 5."""
    monkeypatch.setenv("KERNMONITOR_DISCLOSURE_MIN", "5")


# The rule itself (analysis/disclosure.py), on columns under their canonical names.

def test_counts_from_1_to_4_are_left_out_and_0_and_5_are_shown():
    counts = pd.DataFrame({"units_vacant": [0, 3, 4, 5, 12]})
    assert suppressed(counts, [("units_vacant",)], 5)["units_vacant"].tolist() == [False, True, True, False, False]
    assert not suppressed(counts, [("units_vacant",)], 0).to_numpy().any()  # threshold 0: the rule is off


def test_a_rate_follows_its_numerator_and_unknown_stays_unknown():
    # 3 of 10 vacant: 30 % would tell the 3; 6 of 20: shown; 3 vacant with an unknown rate: nothing to hide.
    table = pd.DataFrame({"units_vacant": [3, 6, 3], "vacancy_rate_units": [0.3, 0.3, None]})
    hidden = suppressed(table, [(), ("units_vacant",)], 5)
    assert hidden["vacancy_rate_units"].tolist() == [True, False, False]


def test_a_floor_area_follows_the_units_behind_it():
    # 12 shops, 10 without a known area: the 400 m² are those of 2 shops → x. 12 shops, 2 unknown: 10 → shown.
    table = pd.DataFrame({"retail_units_occupied": [12, 12], "shops_area_unknown": [10, 2],
                          "shop_floor_area_m2": [400.0, 2000.0]})
    hidden = suppressed(table, [(), (), ("retail_units_occupied - shops_area_unknown",)], 5)
    assert hidden["shop_floor_area_m2"].tolist() == [True, False]


def test_a_share_of_the_mix_is_judged_by_the_units_it_stands_for():
    # 10 % of 30 units is 3 units; 10 % of 80 is 8.
    table = pd.DataFrame({"units_mix_known": [30, 80], "retail_share": [0.1, 0.1]})
    assert count_behind(table, "retail_share * units_mix_known").tolist() == [3.0, 8.0]
    assert suppressed(table, [(), ("retail_share * units_mix_known",)], 5)["retail_share"].tolist() == [True, False]


def test_a_value_whose_counts_the_table_lacks_is_left_out_unless_judged_before():
    table = pd.DataFrame({"vacancy_rate_units": [0.3, None]})
    assert suppressed(table, [("units_vacant",)], 5)["vacancy_rate_units"].tolist() == [True, False]
    assert not suppressed(table, [("units_vacant",)], 5, checkable_only=True).to_numpy().any()


def test_the_setting_says_what_is_wrong_with_a_bad_value(monkeypatch):
    monkeypatch.setenv("KERNMONITOR_DISCLOSURE_MIN", "vijf")
    with pytest.raises(ValueError, match="geen geheel getal"):
        settings.disclosure_min()
    monkeypatch.setenv("KERNMONITOR_DISCLOSURE_MIN", "")
    assert settings.disclosure_min() == 0  # off by default


# The registry: which column rests on which count, and tables as the screen shows them.

TABLE = pd.DataFrame({"Gemeente": ["Brugge", "Kortrijk", "Ieper", "Tielt"], "Verkooppunten": [40, 20, 30, 3],
                      "Leegstaande panden": [6, 3, 0, None], "Leegstand (panden)": [0.15, 0.15, 0.0, None]})


def test_the_screen_shows_x_for_small_numbers_and_a_dash_for_unknown(rule):
    # Kortrijk: 3 vacant → x, and its 15 % too; Ieper 0 → shown; Tielt: 3 outlets → x, its vacancy unknown → –.
    assert registry.display(TABLE).values.tolist() == [
        ["Brugge", "40", "6", "15,0 %"], ["Kortrijk", "20", "x", "x"], ["Ieper", "30", "0", "0,0 %"],
        ["Tielt", "x", "–", "–"]]


def test_with_the_setting_off_every_value_is_shown():
    assert registry.display(TABLE)["Leegstaande panden"].tolist() == ["6", "3", "0", "–"]
    assert registry.display(TABLE)["Verkooppunten"].tolist() == ["40", "20", "30", "3"]


def test_a_table_on_screen_never_holds_the_value_it_hides(rule):
    data = registry.styled(TABLE).data  # what st.dataframe sends to the browser
    assert data["Leegstaande panden"].fillna(-1).tolist() == [6, -1, 0, -1]  # Kortrijk's 3 is gone (Tielt's unknown)
    assert data["Verkooppunten"].fillna(-1).tolist() == [40, 20, 30, -1]
    assert data["Leegstand (panden)"].fillna(-1).tolist() == [0.15, -1, 0.0, -1]  # numbers, so a click sorts them


def test_each_group_of_the_mix_rests_on_its_own_units(rule):
    # Group 38: 4 % of 100 mix units = 4 units → its share and quotient are x; group 22: 40 units → shown.
    row = pd.DataFrame({"units_mix_known": [100], "share_units_38": [0.04], "location_quotient_38": [2.0],
                        "share_units_22": [0.4], "location_quotient_22": [1.1]})
    assert registry.marked(row).iloc[0].tolist() == [100, "x", "x", 0.4, 1.1]


def test_the_chain_share_rests_on_its_branches(rule):
    from analysis.mix import shop_mix

    # Town 1: 3 branches among 10 occupied units (share 0,3 → x); town 2: 6 among 10 (0,6 shown).
    units = pd.concat([unit_rows(*[{"status": "occupied", "group_code": "22", "chain": i < chains}
                                   for i in range(10)], nis_code=nis_code) for nis_code, chains in
                       (("34022", 3), ("31005", 6))])
    mix = shop_mix(units)
    assert mix["units_chain"].tolist() == [6, 3]  # sorted by NIS code: 31005, 34022
    assert registry.marked(mix[["units_chain", "chain_share"]]).values.tolist() == [[6, 0.6], ["x", "x"]]


def test_a_strength_resting_on_a_few_units_is_not_listed(rule):
    from dashboard.tables import town

    row = pd.Series({"units_mix_known": 100, "share_units_38": 0.04, "location_quotient_38": 2.0,
                     "share_units_22": 0.4, "location_quotient_22": 1.5})
    assert town.strengths(row)["Locatiequotiënt"].tolist() == [1.5]  # group 38's 4 units: not a strength to show


def test_the_core_figures_say_x_for_a_hidden_count_in_their_basis(rule):
    from dashboard.ui.kerncijfer_views import kerncijfer_rows

    # 12 shops, 2 of them without an area: the 2 is a small count; the 10 behind the area are enough.
    row = pd.Series({"population": 10_000, "population_year": 2020, "units_total": 14, "outlets_per_1000": 1.4,
                     "retail_units_occupied": 12, "shops_per_1000": 1.2, "shop_floor_area_m2": 1000.0,
                     "shops_area_unknown": 2, "shop_floor_area_per_1000": None, "horeca_units_occupied": 0,
                     "horeca_per_1000": 0.0, "horeca_floor_area_m2": 0.0, "horeca_area_unknown": 0,
                     "horeca_floor_area_per_1000": 0.0, "units_vacant": 2, "vacancy_rate_units": 2 / 14,
                     "units_vacant_former_shop": 0, "units_vacant_former_use_unknown": 2,
                     "vacancy_rate_former_shop": None, "units_vacant_dated": 0, "units_vacant_frictional": 0,
                     "frictional_vacancy_share": None, "shops_chain": 6, "shops_chain_unknown": 0,
                     "shop_chain_share": 0.5, "daily_units_occupied": 6, "daily_share": 0.5})
    rows = kerncijfer_rows(row).set_index("Kerncijfer")
    basis = rows.loc["Winkelvloeroppervlakte per 1.000 inw. (m²)", "Basis"]
    assert basis == "oppervlakte onbekend voor x van 12 winkels"
    assert rows.loc["Leegstand (panden)"].tolist() == ["x", "x van 14 verkooppunten"]
    assert rows.loc["Aandeel formulewinkels"].tolist() == ["50,0 %", "6 van 12 winkels"]


def test_the_reports_baseline_columns_rest_on_the_counts_of_that_date(rule):
    row = pd.DataFrame({"units_vacant_baseline": [2], "vacancy_rate_units_baseline": [0.1],
                        "vacancy_rate_floor_baseline": [0.1]})
    assert registry.marked(row).iloc[0].tolist() == ["x", "x", "x"]


# Downloads.

def test_the_dutch_csv_has_x_and_says_what_it_means(rule):
    text = exports.to_csv_bytes(TABLE).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Gemeente;Verkooppunten;Leegstaande panden;Leegstand (panden) (%)"
    assert lines[1:5] == ["Brugge;40;6;15,0", "Kortrijk;20;x;x", "Ieper;30;0;0,0", "Tielt;x;;"]
    assert lines[5] == "" and lines[6].startswith(NOTE_START)


def test_the_csv_for_scripts_has_x_and_no_note_line(rule):
    lines = exports.to_script_csv_bytes(TABLE).decode().splitlines()
    assert lines == ["municipality,units_total,units_vacant,vacancy_rate_units", "Brugge,40,6.0,0.15",
                     "Kortrijk,20,x,x", "Ieper,30,0.0,0.0", "Tielt,x,,"]


def test_the_workbook_has_x_and_a_sheet_that_says_what_it_means(rule):
    book = load_workbook(io.BytesIO(exports.to_xlsx_bytes(TABLE)))
    rows = list(book["Kernmonitor"].iter_rows(values_only=True))
    assert rows[2] == ("Kortrijk", 20, "x", "x")
    assert rows[1][3] == 0.15  # a shown rate stays a number in its format
    assert book["Toelichting"]["A2"].value.startswith(NOTE_START)
    off = load_workbook(io.BytesIO(exports.to_xlsx_bytes(TABLE.iloc[[0]])))
    assert off.sheetnames == ["Kernmonitor"]  # nothing left out: no note


# Builders of the pages: cards, rankings, charts, maps.

def _town(nis_code: str, vacant: int, *, year: int = 2024, total: int = 20) -> pd.DataFrame:
    rows = [{"status": "vacant", "group_code": "00", "floor_area_m2": 100.0}] * vacant + \
        [{"group_code": "22", "floor_area_m2": 100.0}] * (total - vacant)
    units = unit_rows(*rows, observed_on=f"{year}-01-01", nis_code=nis_code)
    return units.assign(unit_id=f"{nis_code}-{year}-" + units["unit_id"])


#: Kortrijk 2023: 6 of 20 vacant (30 %); 2024: 3 of 20 (15 %, left out). Brugge 2024: 6 of 20 (30 %).
#: The province in 2024: 9 of 40 (22,5 %).
UNITS = pd.concat([_town("34022", 6, year=2023), _town("34022", 3), _town("31005", 6)], ignore_index=True)


@pytest.fixture
def small_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'klein.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="klein.csv", raw=b"x"), UNITS)
    return url


def test_the_ranking_puts_a_left_out_rate_at_the_end(rule):
    municipal = vacancy_table(UNITS)
    ranking = views.ranking_table(municipal, 2024)
    # Kortrijk's 15 % is below Brugge's 30 %, but its place would tell it: it comes after, as "x".
    assert ranking["Gemeente"].tolist() == ["Brugge", "Kortrijk"]
    assert registry.display(ranking)["Leegstand (panden)"].tolist() == ["30,0 %", "x"]
    assert registry.display(ranking)["Beoordeling"].tolist() == ["kritiek (> 12 %)", "x"]


def test_the_town_card_shows_x_and_no_difference_that_would_tell_it(rule):
    municipal = vacancy_table(UNITS)
    row = municipal[(municipal["nis_code"] == "34022") & (municipal["year"] == 2024)].iloc[0]
    cards = views.town_kpis(row, {"town": 0.15, "province": 0.225, "peers": 0.225, "peer_group": "centrumsteden"})
    assert [(card.value, card.delta) for card in cards[:3]] == [("x", None), ("22,5 %", None), ("22,5 %", None)]
    assert suppressed_note(5) in cards[0].help


def test_a_chart_draws_no_small_number_and_says_so(rule):
    municipal = vacancy_table(UNITS)
    kortrijk = municipal[municipal["nis_code"] == "34022"]
    figure = charts.trend_chart(kortrijk)
    assert chart_table(figure).values.tolist() == [["Kortrijk", 2023, 30.0]]  # 2024's 15 % is not drawn
    assert explanation(figure).endswith(NOTE)


def test_the_map_colours_no_small_number_and_its_tooltip_says_x(rule):
    from dashboard import reference

    table = views.map_table(vacancy_table(UNITS), pd.DataFrame(columns=["nis_code", "year"]), 2024,
                            "vacancy_rate_units")
    kortrijk = table.set_index("nis_code").loc["34022"]
    assert bool(kortrijk["is_suppressed"]) and pd.isna(kortrijk["vacancy_rate_units"])
    html = maps.municipality_map(table, value="vacancy_rate_units", label="Leegstand",
                                 places=reference.municipalities()).get_root().render()
    assert "Kortrijk: x" in html and "Brugge: 30,0 %" in html


# Pages, the command line and the report, on a store.

def test_the_overview_page_shows_x_and_explains_it(monkeypatch, rule, small_url):
    monkeypatch.setenv("KERNMONITOR_DB", small_url)
    at = AppTest.from_file(str(PAGES / "overzicht.py"), default_timeout=120).run()
    assert not at.exception
    ranking = next(frame for frame in at.dataframe if frame.value.index.name == "Rang")
    assert shown(ranking)["Leegstand (panden)"].tolist() == ["30,0 %", "x"]
    assert shown(ranking)["Leegstaande panden"].tolist() == ["6", "x"]
    assert pd.isna(ranking.value["Leegstaande panden"].iloc[1])  # the 3 never reaches the browser
    assert any(caption.value.startswith(NOTE_START) for caption in at.caption)
    assert {m.label: m.value for m in at.metric}["Leegstaande panden"] == "9"  # the province's 9: shown


def test_the_town_page_shows_x_on_its_card_and_core_figures(monkeypatch, rule, small_url):
    monkeypatch.setenv("KERNMONITOR_DB", small_url)
    at = AppTest.from_file(str(PAGES / "gemeente.py"), default_timeout=120).run()  # Kortrijk, 2024
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Leegstand (panden)"] == "x"
    figures = next(frame.value for frame in at.dataframe if "Kerncijfer" in frame.value.columns).set_index("Kerncijfer")
    assert figures.loc["Leegstand (panden)"].tolist() == ["x", "x van 20 verkooppunten"]
    assert any(caption.value.startswith(NOTE_START) for caption in at.caption)


def test_the_command_line_writes_x_and_says_why_on_stderr(rule, small_url, capsys):
    assert main(["indicators", "--db", small_url, "--year", "2024"]) == 0
    out, err = capsys.readouterr()
    rows = pd.read_csv(io.StringIO(out), dtype=str).set_index("municipality")
    assert rows.loc["Kortrijk", ["units_total", "units_vacant", "vacancy_rate_units"]].tolist() == ["20", "x", "x"]
    assert rows.loc["Brugge", ["units_vacant", "vacancy_rate_units"]].tolist() == ["6", "0.3"]
    assert err.startswith(NOTE_START)
    assert main(["indicators", "--db", small_url, "--year", "2024", "--format", "json"]) == 0
    records = {record["municipality"]: record for record in json.loads(capsys.readouterr().out)}
    assert records["Kortrijk"]["units_vacant"] == "x" and records["Brugge"]["units_vacant"] == 6


def test_the_vitality_components_follow_their_own_counts(rule, small_url, capsys):
    # 2024: Kortrijk 3 vacant (its 15 % left out), Brugge 6 (30 %); no vacancy dated, so the long-term
    # share is unknown (empty, not "x"); evenness on 17 and 14 units with a known group: shown. Before,
    # every known component was "x".
    assert main(["indicators", "--db", small_url, "--topic", "vitality", "--year", "2024"]) == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=object).set_index("municipality")
    rows = rows.astype(object).where(rows.notna(), None)
    assert rows.loc["Kortrijk", ["units_vacant", "vacancy_rate_units", "long_term_vacancy_share"]].tolist() == [
        "x", "x", None]
    assert rows.loc["Brugge", ["units_vacant", "vacancy_rate_units", "units_mix_known"]].tolist() == ["6", "0.3", "14"]
    mixed = UNITS.copy()
    mixed.loc[mixed.index[-7:], "group_code"] = "11"  # Brugge: 7 of its 14 occupied units in another group
    table = registry.marked(vitality_table(mixed, pd.DataFrame(columns=["nis_code", "edition"]), year=2024))
    assert table.set_index("municipality").loc["Brugge", "evenness"] == pytest.approx(1.0)  # 7 and 7: even


def test_the_command_line_without_the_setting_writes_every_value(small_url, capsys):
    assert main(["indicators", "--db", small_url, "--year", "2024"]) == 0
    out, err = capsys.readouterr()
    rows = pd.read_csv(io.StringIO(out), dtype=str).set_index("municipality")
    assert rows.loc["Kortrijk", ["units_vacant", "vacancy_rate_units"]].tolist() == ["3", "0.15"]
    assert "x = niet getoond" not in err


def test_the_report_shows_x_in_its_workbook_and_pdf(rule, small_url):
    store = Store(small_url)
    data = build_report(store.units(), store.campaign(), store.votes(), store.batches(), start=pd.Timestamp(
        "2024-01-01"), end=pd.Timestamp("2024-04-30"), municipalities=["34022", "31005"],
        created=pd.Timestamp("2026-12-01"))
    book = load_workbook(io.BytesIO(report_xlsx(data)))
    vacancy = {row[1]: row for row in book["Leegstand"].iter_rows(values_only=True)}
    headers = vacancy["Gemeente"]
    kortrijk = dict(zip(headers, vacancy["Kortrijk"], strict=True))
    assert (kortrijk["Verkooppunten"], kortrijk["Leegstaande panden"], kortrijk["Leegstand (panden)"]) == (20, "x", "x")
    assert dict(zip(headers, vacancy["Brugge"], strict=True))["Leegstand (panden)"] == 0.3
    facts = dict(book["Rapport"].iter_rows(values_only=True))
    assert facts["Kleine aantallen"].startswith(NOTE_START)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(data))).pages)
    assert "Kortrijk 01/01/2024 x" in text  # the summary table: its rate
    assert "Kortrijk: leegstand x op 01/01/2024 (x: een klein aantal panden, niet getoond)." in text
    assert "x = niet getoond" in text
