"""Builders for what the pages show: KPI cards and display tables, as plain data.

Pages render these; tests check them without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pandas.io.formats.style import Styler

from dashboard.i18n import BAND_LABELS, LABELS, format_number, format_pct, format_pp


@dataclass(frozen=True)
class Kpi:
    """One KPI card: a label, the formatted value, the formatted change and an explanation."""

    label: str
    value: str
    delta: str | None
    help: str


@dataclass(frozen=True)
class OverviewFilters:
    """The Overzicht page's widget values."""

    year: int
    geography: str


def province_kpis(province: pd.DataFrame, year: int) -> list[Kpi]:
    """Province KPIs for one inventory year, with the change against the inventory before."""
    rows = province.sort_values("year").reset_index(drop=True)
    current = rows[rows["year"] == year].iloc[0]
    before = rows[rows["year"] < year]
    previous = before.iloc[-1] if len(before) else None
    previous_label = f"t.o.v. {int(previous['year'])}" if previous is not None else "geen vorige inventaris"

    def change(column: str) -> str | None:
        return None if previous is None else format_pp(current[column] - previous[column])

    return [
        Kpi("Leegstand (panden)", format_pct(current["vacancy_rate_units"]), change("vacancy_rate_units"),
            f"Leegstaande verkooppunten / alle verkooppunten (zonder ATM en brandstof); {previous_label}."),
        Kpi("Leegstand (oppervlakte)", format_pct(current["vacancy_rate_floor"]), change("vacancy_rate_floor"),
            f"Leegstaande winkelvloeroppervlakte / gekende oppervlakte "
            f"(gekend voor {format_pct(current['floor_area_coverage'], 0)} van de panden); {previous_label}."),
        Kpi("Leegstaande panden", format_number(current["units_vacant"]), None,
            f"Van {format_number(current['units_total'])} verkooppunten."),
        Kpi("Langdurige leegstand", format_pct(current["long_term_vacancy_share"]),
            change("long_term_vacancy_share"),
            "Aandeel van de leegstaande panden met gekende duur dat minstens 1 jaar leeg staat."),
    ]


RANKING_COLUMNS = ["municipality", "vacancy_rate_units", "vacancy_rate_units_change", "vacancy_rate_floor",
                   "units_total", "units_vacant", "vacancy_band"]


def ranking_table(municipal: pd.DataFrame, year: int) -> pd.DataFrame:
    """Municipalities of one inventory year ranked from lowest to highest vacancy by units.

    Returns the numbers (fractions) with Dutch headers and a ``Rang`` index, so the table
    sorts correctly; `style_ranking` formats it for the screen.
    """
    rows = municipal[municipal["year"] == year]
    rows = rows.sort_values(["vacancy_rate_units", "municipality"]).reset_index(drop=True)
    table = rows[RANKING_COLUMNS].assign(vacancy_band=rows["vacancy_band"].map(BAND_LABELS))
    table.index = pd.RangeIndex(1, len(table) + 1, name="Rang")
    return table.rename(columns=LABELS)


def style_ranking(table: pd.DataFrame) -> Styler:
    """Dutch number formats for `ranking_table`, leaving the values numeric."""
    return table.style.format({
        LABELS["vacancy_rate_units"]: format_pct,
        LABELS["vacancy_rate_units_change"]: format_pp,
        LABELS["vacancy_rate_floor"]: format_pct,
        LABELS["units_total"]: format_number,
        LABELS["units_vacant"]: format_number,
    })

