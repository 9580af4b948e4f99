"""The EFRO report: PDF and Excel read back and compared with the indicators, determinism, empty periods."""

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard.cli.main import main
from dashboard.report.content import build_report
from dashboard.report.pdf import report_pdf
from dashboard.report.xlsx import report_xlsx
from dashboard.store.database import Batch, Store
from dashboard.tables.indicators import vacancy_table
from tests.conftest import sign_in, unit_rows

START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-30")
CREATED = pd.Timestamp("2026-11-29 10:00")


def _town(nis_code: str, year: int, vacant: int, total: int = 20) -> pd.DataFrame:
    rows = [{"status": "vacant", "group_code": "00", "floor_area_m2": 100.0}] * vacant + \
        [{"group_code": "22", "floor_area_m2": 100.0}] * (total - vacant)
    units = unit_rows(*rows, observed_on=f"{year}-01-01", nis_code=nis_code)
    return units.assign(unit_id=nis_code + "-" + units["unit_id"])


UNITS = pd.concat([
    _town("34022", 2016, 2), _town("34022", 2023, 3), _town("34022", 2024, 4),  # Kortrijk 10 % → 15 % → 20 %
    _town("31005", 2016, 1), _town("31005", 2024, 2),  # Brugge 5 % → 10 %
    _town("35013", 2024, 10),  # Oostende, not chosen
])
CAMPAIGN = pd.DataFrame({"nis_code": ["34022", "31005"], "edition": [2019, 2019], "participating_shops": [12, 8],
                         "bags_distributed": [1000, 500], "votes_cast": [300, None], "ambassadors": [2, 1]})
VOTES = pd.DataFrame({"nis_code": ["34022", "34022", "31005"], "edition": 2019,
                      "shop_name": ["Bakkerij A BV", "bakkerij a", "Café C"], "kbo_number": [None, None, None],
                      "votes": [10, 5, 7], "winner": [True, False, True]})


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    store.add_batch(Batch(kind="units", file_name="inventaris.csv", raw=b"u"), UNITS)
    store.add_batch(Batch(kind="campaign", file_name="campagne.csv", raw=b"c"), CAMPAIGN)
    store.add_batch(Batch(kind="votes", file_name="stemmen.csv", raw=b"v"), VOTES)
    return store


def _data(store: Store, **options):
    settings = {"start": START, "end": END, "municipalities": ["34022", "31005"], "created": CREATED,
                "data_version": store.version(), **options}
    return build_report(store.units(), store.campaign(), store.votes(), store.batches(), **settings)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_names_the_period_every_town_and_its_rate(store):
    text = _text(report_pdf(_data(store)))
    assert "Rapportperiode: 01/01/2024 – 30/04/2024" in text
    indicators = vacancy_table(store.units(), year=2024).set_index("municipality")["vacancy_rate_units"]
    assert indicators.to_dict() == {"Brugge": 0.1, "Kortrijk": 0.2, "Oostende": 0.5}
    assert "Kortrijk 01/01/2024 20,0 % 10,0 % +10,0 pp +5,0 pp" in text  # baseline 2016, previous 2023
    assert "Brugge 01/01/2024 10,0 % 5,0 % +5,0 pp" in text
    assert "Kortrijk: de leegstand steeg van 10,0 % naar 20,0 % (+10,0 pp sinds de basislijn)." in text
    assert "Oostende" not in text.split("Methodologie")[0]  # not chosen
    assert "inventaris.csv" in text  # provenance
    outputs = text.split("EFRO-outputindicatoren")[1]
    assert "Ondernemingen bereikt 2" in outputs  # Bakkerij A counted once, Café C
    assert "Uitgedeelde tassen 1.500" in outputs


def test_excel_numbers_equal_the_indicators(store):
    book = load_workbook(io.BytesIO(report_xlsx(_data(store))))
    assert book.sheetnames == ["Rapport", "Leegstand", "Winkelmix", "Kerncijfers", "Campagne", "EFRO-outputs",
                               "Herkomst", "Definities"]
    sheet = book["Leegstand"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("Gemeente")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    indicators = vacancy_table(store.units(), year=2024).set_index("municipality")
    for name in ("Kortrijk", "Brugge"):
        assert rows[name][header.index("Leegstand (panden)")] == indicators.loc[name, "vacancy_rate_units"]
        assert rows[name][header.index("Verkooppunten")] == indicators.loc[name, "units_total"]
    # 2+4+10 of 60, in Brugge, Kortrijk and Oostende: the province's row says it rests on 3 of its 62.
    assert rows["West-Vlaanderen (3 van 62 gemeenten)"][header.index("Leegstand (panden)")] == pytest.approx(16 / 60)
    assert sheet.freeze_panes == "A2"
    cell = sheet.cell(row=2, column=header.index("Leegstand (panden)") + 1)
    assert cell.number_format == "0.0%" and isinstance(cell.value, float)
    reach = [r for r in book["Campagne"].iter_rows(values_only=True)]
    kortrijk = dict(zip(reach[0], next(r for r in reach if r[0] == "34022"), strict=True))
    assert (kortrijk["Editie"], kortrijk["Deelnemende winkels"]) == (2019, 12)
    assert kortrijk["Deelname"] == pytest.approx(12 / 18)  # 18 occupied retail units in 2016
    outputs = {r[1]: r[2] for r in book["EFRO-outputs"].iter_rows(min_row=2, values_only=True)}
    assert outputs["Ondernemingen bereikt"] == 2 and outputs["Deelnemende gemeenten"] == 2


def test_same_inputs_same_content(store):
    first, again = report_pdf(_data(store)), report_pdf(_data(store))
    assert first == again
    later = _text(report_pdf(_data(store, created=pd.Timestamp("2026-12-01"))))
    differing = set(_text(first).splitlines()) ^ set(later.splitlines())
    assert all("Gemaakt op" in line for line in differing)


def test_a_period_without_data_gives_a_short_report(store):
    text = _text(report_pdf(_data(store, start=pd.Timestamp("2010-01-01"), end=pd.Timestamp("2010-04-30"))))
    assert "Geen gegevens" in text and "01/01/2010 – 30/04/2010" in text


def test_report_command_and_page(store, tmp_path, capsys, monkeypatch, coordinator):
    out = tmp_path / "rapport.xlsx"
    assert main(["report", "--db", store.url, "--from", "2024-01-01", "--to", "2024-04-30", "--format", "xlsx",
                 "--out", str(out), "--municipalities", "34022,31005"]) == 0
    assert "(2 gemeenten)" in capsys.readouterr().err
    assert load_workbook(out).sheetnames[1] == "Leegstand"
    monkeypatch.setenv("KERNMONITOR_DB", store.url)
    page = Path(__file__).resolve().parent.parent / "pages" / "rapport.py"
    at = sign_in(AppTest.from_file(str(page), default_timeout=120).run())
    # West-Vlaanderen starts with its ten KraK West partners; Antwerpen, which has none, with its
    # three centrumsteden (Antwerpen, Mechelen, Turnhout) and then its most populous town, Heist-op-den-Berg.
    assert len(at.multiselect(key="report_municipalities").value) == 10
    at.selectbox(key="shown_region").set_value("10000").run()
    assert at.multiselect(key="report_municipalities").value == ["11002", "12025", "13040", "12014"]
    assert "Antwerpen heeft geen KraK West-partners" in " ".join(c.value for c in at.caption)
    at.selectbox(key="shown_region").set_value("30000").run()
    at.date_input(key="report_from").set_value(START.date())
    at.date_input(key="report_to").set_value(END.date())
    at.multiselect(key="report_municipalities").set_value(["34022"]).run()
    at.button(key="make_report").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["PDF downloaden", "Excel downloaden"]
    assert "Kortrijk 01/01/2024 20,0 %" in _text(at.session_state["report_pdf"])


def test_campaign_figures_before_any_inventory_still_make_a_report(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'campagne.db'}")
    store.add_batch(Batch(kind="campaign", file_name="campagne.csv", raw=b"c"), CAMPAIGN)
    data = _data(store)
    assert data.units.empty and data.vacancy["vacancy_rate_units"].isna().all()
    reach = data.campaign.set_index(["nis_code", "edition"])
    assert reach.loc[("34022", 2019), "participating_shops"] == 12
    assert pd.isna(reach.loc[("34022", 2019), "participation_rate"])  # no inventory: unknown, not 0
    assert "Geen gegevens" in _text(report_pdf(data))


def test_a_period_without_a_new_inventory_says_so_instead_of_no_change(store):
    # From 1/2/2024 the latest inventory before the period and at its end are both of 1/1/2024.
    data = _data(store, start=pd.Timestamp("2024-02-01"))
    kortrijk = data.vacancy.set_index("municipality").loc["Kortrijk"]
    assert not kortrijk["has_new_inventory"] and pd.isna(kortrijk["change_since_previous"])
    assert "Kortrijk 01/01/2024 20,0 % 10,0 % +10,0 pp geen nieuwe inventaris" in " ".join(
        _text(report_pdf(data)).split())  # the last cell wraps over two lines
    # From 1/1/2024 Kortrijk's 2024 inventory falls in the period: 15 % → 20 %.
    assert _data(store).vacancy.set_index("municipality").loc["Kortrijk", "change_since_previous"] == \
        pytest.approx(0.05)


def test_a_report_of_sample_data_says_so_on_every_page_and_the_first_sheet(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'voorbeeld.db'}")
    store.add_batch(Batch(kind="units", file_name="voorbeeld.csv", raw=b"u", is_sample=True), UNITS)
    data = _data(store)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(data))).pages]
    assert len(pages) > 3 and all("VOORBEELDDATA (FICTIEF) – niet indienen" in page for page in pages)
    first = load_workbook(io.BytesIO(report_xlsx(data))).worksheets[0]
    assert [first["A2"].value, first["B2"].value] == ["Gegevens", "VOORBEELDDATA (FICTIEF) – niet indienen"]


def test_a_report_of_real_data_carries_no_sample_mark(store):
    assert "VOORBEELDDATA" not in _text(report_pdf(_data(store)))


def test_a_town_page_sets_the_town_beside_province_and_peers_and_counts_its_action_list(store):
    data = _data(store)
    kortrijk = data.vacancy.set_index("municipality").loc["Kortrijk"]
    # Peers of Kortrijk: the centrumsteden with an inventory, Kortrijk 4, Brugge 2 and Oostende 10 of 20 each.
    assert (kortrijk["peer_group"], kortrijk["vacancy_rate_units_peers"]) == ("centrumsteden",
                                                                              pytest.approx(16 / 60))
    text = " ".join(_text(report_pdf(data)).split())
    # Province: Kortrijk 4, Brugge 2, Oostende 10 of 60 = 26,7 %.
    assert "Leegstand (panden) 20,0 % 26,7 % 26,7 %" in text
    assert "Verschil van de gemeente -6,7 pp -6,7 pp" in text
    assert "Actielijst: 0 panden staan minstens een jaar leeg" in text  # no vacant_since known in this data


def test_the_core_figures_of_the_province_and_each_town(store):
    data = _data(store)
    # Kortrijk 2024: u0–u3 vacant; u0 and u1 were vacant in 2016 and 2023 too (former use unknown), u2 was a
    # shop in 2016 and u3 in 2023: 2 former shops of 20 − 2 outlets. Brugge: u1 a shop in 2016, u0 unknown.
    # The province in 2024 adds Oostende's first inventory (10 vacant, all unknown): 3 / (60 − 13).
    rates = dict(zip(data.kerncijfers["municipality"], data.kerncijfers["vacancy_rate_former_shop"], strict=True))
    assert rates == {"West-Vlaanderen (3 van 62 gemeenten)": pytest.approx(3 / 47), "Brugge": pytest.approx(1 / 19),
                     "Kortrijk": pytest.approx(1 / 9)}
    sheet = load_workbook(io.BytesIO(report_xlsx(data)))["Kerncijfers"]
    rows = list(sheet.iter_rows(values_only=True))
    kortrijk = dict(zip(rows[0], next(row for row in rows if row[1] == "Kortrijk"), strict=True))
    assert (kortrijk["Inwoners"], kortrijk["Jaar van de bevolking"], kortrijk["Bezette detailhandelspanden"]) == (
        77109, 2020, 16)
    assert kortrijk["Leegstand voorheen winkel"] == pytest.approx(1 / 9)
    assert kortrijk["Winkelvloeroppervlakte per 1.000 inw. (m²)"] == pytest.approx(1600 / 77.109)
    text = " ".join(_text(report_pdf(data)).split())
    assert "Kerncijfer West-Vlaanderen (3 van 62 gemeenten) Brugge Kortrijk" in text
    assert "Leegstand voorheen winkel 6,4 % 5,3 % 11,1 %" in text
    # Shops of 100 m²: 16 in Kortrijk (77.109 inhabitants), 18 in Brugge (118.656), 10 in Oostende (71.647);
    # the province 4.400 m² / 267.412 × 1.000 = 16,45, Brugge 15,17, Kortrijk 20,75 (shown in whole m²).
    assert "Winkelvloeroppervlakte per 1.000 inw. (m²) 16 15 21" in text
