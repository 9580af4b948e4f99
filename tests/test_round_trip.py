"""Every table Kernmonitor writes (page downloads, report sheets), imported again: its data come back
as they went in, a table of computed figures is named as such, and no header is unknown.

Templates are re-imported in test_import_options.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import ingest
from dashboard.ingest.problems import ERROR
from dashboard.report.content import build_report
from dashboard.report.xlsx import sheets
from dashboard.store.database import Store
from dashboard.tables import exports, methodology, town
from dashboard.tables.indicators import campaign_table, mix_table, vacancy_table
from dashboard.tables.registers import register_table
from dashboard.ui import import_views, views
from dashboard.ui.register_views import register_display

TODAY = pd.Timestamp("2026-01-01")
UNKNOWN = "geen gegeven dat Kernmonitor kent"
COMPUTED_TABLE = "dit is een tabel met cijfers die Kernmonitor zelf berekent"

#: Kortrijk's inventory of 1/1/2024 (Markt 2 vacant since March 2020, Markt 4 since 1/6/2022) and
#: its register of 1/3/2024.
UNITS = ("gemeente;straat;huisnummer;handelsnaam;groep;status;wvo;leeg sinds;peildatum\n"
         "Kortrijk;Markt;1;Bakkerij Peeters;11-Dagelijks;bezet;120;;01/01/2024\n"
         "Kortrijk;Markt;2;;00-Leegstand;leeg;80;maart 2020;01/01/2024\n"
         "Kortrijk;Markt;3;Café Centraal;59-Leisure;bezet;150;;01/01/2024\n"
         "Kortrijk;Markt;4;;00-Leegstand;leeg;;01/06/2022;01/01/2024\n")
REGISTER = "gemeente;straat;huisnummer;status;peildatum\nKortrijk;Markt;2;leeg;01/03/2024\n"
#: Two editions of campaign figures, every figure filled in, for Kortrijk and Ieper.
CAMPAIGN = ("gemeente;editie;deelnemende winkels;uitgedeelde tassen;uitgebrachte stemmen;ambassadeurs;"
            "kandidaat-ambassadeurs;acties;bereik sociale media;budget\n"
            "Kortrijk;2023;40;1000;500;3;12;4;2500;1500,5\n"
            "Ieper;2023;25;600;300;2;7;2;900;800\n"
            "Kortrijk;2024;45;1100;520;3;10;5;3000;1600\n")
VOTES = ("gemeente;editie;winkel;stemmen;ambassadeur\n"
         "Kortrijk;2023;Bakkerij Peeters;120;ja\nKortrijk;2023;Café Centraal;80;nee\n")
FIGURES = ["participating_shops", "bags_distributed", "votes_cast", "ambassadors", "ambassador_candidates", "events",
           "social_reach", "budget_eur"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('round_trip') / 'store.db'}")
    for text, name in [(UNITS, "kortrijk.csv"), (REGISTER, "register.csv"), (CAMPAIGN, "campagne.csv"),
                       (VOTES, "stemmen.csv")]:
        ingest.import_file(store, text.encode(), name, imported_by="test", today=TODAY)
    return store


def _again(table: pd.DataFrame, file_format: str, kind: str | None = None, observed_on=None) -> ingest.Prepared:
    raw = exports.to_csv_bytes(table) if file_format == "csv" else exports.to_xlsx_bytes(table)
    return ingest.prepare(raw, f"download.{file_format}", kind=kind, today=TODAY, observed_on=observed_on)


def _said(prepared: ingest.Prepared) -> dict[str, str]:
    """What the importer says of each column it does not use."""
    problems = prepared.problems[prepared.problems["row_number"].isna() & prepared.problems["column_name"].notna()]
    return dict(zip(problems["column_name"], problems["problem"], strict=True))


def _every_header_known(prepared: ingest.Prepared) -> None:
    unused = [header for header, canonical in prepared.mapping.items() if canonical is None]
    said = _said(prepared)
    assert set(unused) <= set(said)  # every column not used is named ...
    assert not [header for header in unused if UNKNOWN in said[header]]  # ... and known to Kernmonitor


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_campaign_page_table_imports_as_the_figures_it_shows(store, file_format):
    reach = views.reach_table(campaign_table(store.campaign(), store.units()), 2023)
    prepared = _again(reach, file_format)
    assert prepared.kind == "campaign" and prepared.errors.empty
    _every_header_known(prepared)
    header = "Deelname (%)" if file_format == "csv" else "Deelname"  # the CSV shows 8,6 under "… (%)"
    assert _said(prepared)[header] == "kolom niet gebruikt: Kernmonitor berekent 'Deelname' zelf"
    back = prepared.valid_rows.set_index("nis_code").sort_index()
    # Ieper 33011 and Kortrijk 34022, edition 2023, as CAMPAIGN gives them (the table shows no bags or votes).
    assert back[["edition", "participating_shops", "ambassadors", "ambassador_candidates", "events",
                 "social_reach", "budget_eur"]].values.tolist() == [[2023, 25, 2, 7, 2, 900, 800.0],
                                                                     [2023, 40, 3, 12, 4, 2500, 1500.5]]


def _report(store: Store) -> dict[str, pd.DataFrame]:
    return sheets(build_report(store.units(), store.campaign(), store.votes(), store.batches(),
                               start=pd.Timestamp("2023-01-01"), end=pd.Timestamp("2024-12-31"),
                               municipalities=["34022", "33011"], created=TODAY))


def test_the_report_campaign_sheet_imports_as_every_figure_of_the_campaign(store):
    prepared = _again(_report(store)["Campagne"], "xlsx")
    assert prepared.kind == "campaign" and prepared.errors.empty
    _every_header_known(prepared)
    back = prepared.valid_rows.sort_values(["edition", "nis_code"])[["nis_code", "edition", *FIGURES]]
    assert back.values.tolist() == [["33011", 2023, 25, 600, 300, 2, 7, 2, 900, 800.0],
                                    ["34022", 2023, 40, 1000, 500, 3, 12, 4, 2500, 1500.5],
                                    ["34022", 2024, 45, 1100, 520, 3, 10, 5, 3000, 1600.0]]


def _computed_tables(store: Store) -> dict[str, pd.DataFrame]:
    units = store.units()
    municipal = vacancy_table(units)
    report = _report(store)
    return {
        "Overzicht": municipal[municipal["year"] == 2024],  # the page's download: the indicator columns
        "Vergelijken": views.compare_table(municipal, 2024),
        "Gemeente, straten": town.street_table(units),
        "Winkelmix": mix_table(units),
        "rapport Leegstand": report["Leegstand"],
        "rapport Winkelmix": report["Winkelmix"],
    }


@pytest.mark.parametrize("name", ["Overzicht", "Vergelijken", "Gemeente, straten", "Winkelmix", "rapport Leegstand",
                                  "rapport Winkelmix"])
def test_a_table_of_computed_figures_is_named_as_such_never_read_as_units(store, name):
    prepared = _again(_computed_tables(store)[name], "xlsx")
    assert prepared.valid_rows.empty
    assert len(prepared.problems) == 1 and prepared.problems["severity"].iloc[0] == ERROR
    assert prepared.problems["problem"].iloc[0].startswith(COMPUTED_TABLE)


def test_tables_of_units_and_votes_have_no_unknown_header(store):
    units = store.units()
    current = town.town_units(units, "34022", geography="2025", year=2024)
    actions = town.action_list(current, units, geography="2025", min_days=0)
    # The action list as downloaded: Adres, Laatste groep, Oppervlakte (m²), Leeg sinds, Jaren leeg.
    prepared = _again(actions, "csv", kind="units", observed_on=TODAY)  # the list has no inventory date
    _every_header_known(prepared)
    assert prepared.mapping["Adres"] == "address" and prepared.mapping["Leeg sinds"] == "vacant_since"
    assert _said(prepared)["Jaren leeg"] == "kolom niet gebruikt: Kernmonitor berekent 'Jaren leeg' zelf"
    # "maart 2020" as the list shows it is read back as March 2020, with its precision.
    assert prepared.rows["vacant_since"].dt.strftime("%m/%Y").tolist() == ["03/2020", "06/2022"]
    assert prepared.rows["vacant_since_precision"].fillna("day").tolist() == ["month", "day"]
    register = register_display(register_table(store.units(), store.registers(), geography="2025"))
    strengths = town.strengths(mix_table(units).iloc[0], min_quotient=0)  # every group: Kortrijk is the province
    for table, kind in [(register, "units"), (strengths, "units"), (town.ambassadors(store.votes(), "34022",
                                                                                     geography="2025"), "votes")]:
        _every_header_known(_again(table, "csv", kind=kind))


def test_tables_about_kernmonitor_itself_are_refused_whole(store):
    """The history, the import report, the definitions and the report's other sheets hold no data
    to import: the importer refuses them whole, naming the headers it found."""
    report = _report(store)
    prepared = ingest.prepare(UNITS.encode(), "kortrijk.csv", today=TODAY)
    tables = [import_views.history_table(store.batches()), import_views.problem_table(prepared),
              import_views.grouped_problem_table(prepared), methodology.definitions(), methodology.SOURCES,
              report["Rapport"], report["EFRO-outputs"], report["Herkomst"], report["Definities"]]
    for table in tables:
        again = _again(table, "xlsx")
        assert again.valid_rows.empty and not again.file_errors.empty
