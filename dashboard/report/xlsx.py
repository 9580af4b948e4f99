"""The EFRO report as an Excel workbook: one sheet per topic, provenance and definitions.

Headers are the registry's Dutch labels; numbers stay numbers in the registry's formats (Excel shows
them with the reader's decimal comma); header rows are frozen, columns fit, and no text cell can
become a formula (`dashboard.tables.exports.write_sheet`).
"""

from __future__ import annotations

import io

import pandas as pd

from dashboard.registry import LABELS
from dashboard.report.content import SAMPLE_MARK, ReportData
from dashboard.tables.exports import write_sheet
from dashboard.tables.methodology import definitions

VACANCY_HEADERS = {column: LABELS[column] for column in [
    "nis_code", "municipality", "observed_on", "units_total", "units_vacant", "vacancy_rate_units",
    "vacancy_rate_floor", "long_term_vacancy_share", "vacancy_rate_units_baseline", "change_since_baseline",
    "change_since_previous"]}

def sheets(data: ReportData) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as tables (also what the tests compare with the indicators)."""
    vacancy = data.vacancy[list(VACANCY_HEADERS)].rename(columns=VACANCY_HEADERS)
    mix_columns = ["nis_code", "year", "shannon_diversity", "evenness", "retail_share", "daily_share",
                   "horeca_share", "services_share", "chain_share"]
    mix = data.mix.reindex(columns=mix_columns).rename(columns=LABELS)
    facts = [("Periode van", data.start.date()), ("Periode tot", data.end.date()),
             ("Basislijn", data.baseline.date()), ("Gemaakt op", data.created.date()),
             ("Gegevensversie", data.data_version)]
    if data.is_sample:  # first, so it is never handed in
        facts.insert(0, ("Gegevens", SAMPLE_MARK))
    if data.small_numbers_note:
        facts.append(("Kleine aantallen", data.small_numbers_note))
    period = pd.DataFrame(facts, columns=["Gegeven", "Waarde"])
    kerncijfers = data.kerncijfers.rename(columns=LABELS)
    reach = data.campaign.drop(columns=["inventory_observed_on"], errors="ignore").rename(columns=LABELS)
    return {"Rapport": period, "Leegstand": vacancy, "Winkelmix": mix, "Kerncijfers": kerncijfers, "Campagne": reach,
            "EFRO-outputs": data.outputs,
            "Herkomst": data.provenance, "Definities": definitions()}


def report_xlsx(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in sheets(data).items():
            write_sheet(writer, table, name)
    return buffer.getvalue()
