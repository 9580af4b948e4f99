"""The EFRO report as an Excel workbook: one sheet per topic, provenance and definitions.

Numbers stay numbers with Dutch display formats (Excel shows them with the user's decimal comma);
header rows are frozen, columns fit, and no text cell can become a formula.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.utils import get_column_letter

from dashboard.i18n import LABELS, is_fraction
from dashboard.report.content import ReportData
from dashboard.tables.exports import excel_safe
from dashboard.tables.methodology import definitions

VACANCY_HEADERS = {column: LABELS[column] for column in [
    "nis_code", "municipality", "observed_on", "units_total", "units_vacant", "vacancy_rate_units",
    "vacancy_rate_floor", "long_term_vacancy_share", "vacancy_rate_units_baseline", "change_since_baseline",
    "change_since_previous"]}
#: Fractions and differences of fractions: shown as percentages.
PERCENT_HEADERS = {header for column, header in VACANCY_HEADERS.items()
                   if is_fraction(column) or column.startswith("change_since")}


def sheets(data: ReportData) -> dict[str, pd.DataFrame]:
    """The workbook's sheets as tables (also what the tests compare with the indicators)."""
    vacancy = data.vacancy[list(VACANCY_HEADERS)].rename(columns=VACANCY_HEADERS)
    mix_columns = ["nis_code", "year", "shannon_diversity", "evenness", "retail_share", "daily_share",
                   "horeca_share", "services_share", "chain_share"]
    mix = data.mix.reindex(columns=mix_columns).rename(columns={"nis_code": "NIS-code", "year": "Jaar"})
    period = pd.DataFrame({"Gegeven": ["Periode van", "Periode tot", "Basislijn", "Gemaakt op", "Gegevensversie"],
                           "Waarde": [data.start.date(), data.end.date(), data.baseline.date(), data.created.date(),
                                      data.data_version]})
    reach = data.campaign.drop(columns=["inventory_observed_on"], errors="ignore")
    return {"Rapport": period, "Leegstand": vacancy, "Winkelmix": mix, "Campagne": reach, "EFRO-outputs": data.outputs,
            "Herkomst": data.provenance, "Definities": definitions()}


def report_xlsx(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in sheets(data).items():
            excel_safe(table).to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], table)
    return buffer.getvalue()


def _format(sheet, table: pd.DataFrame) -> None:
    sheet.freeze_panes = "A2"
    for number, column in enumerate(table.columns, start=1):
        letter = get_column_letter(number)
        values = [str(column), *(str(v) for v in table[column].head(200))]
        sheet.column_dimensions[letter].width = min(max(len(v) for v in values) + 2, 60)
        style = "0.0%" if column in PERCENT_HEADERS or is_fraction(str(column)) else (
            "#,##0" if pd.api.types.is_integer_dtype(table[column]) else None)
        if column in ("Peildatum", "Waarde") or pd.api.types.is_datetime64_any_dtype(table[column]):
            style = style or "DD/MM/YYYY"
        if style:
            for cell in sheet[letter][1:]:
                if not isinstance(cell.value, str):
                    cell.number_format = style
