"""The Gemeente page's core retail figures (`dashboard.tables.indicators.kerncijfers_table`): one line
per figure, with what it rests on, as a person reads them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.kerncijfers import MEASURE_COLUMNS
from dashboard.i18n import SUPPRESSED, format_area, format_number
from dashboard.registry import LABELS, format_value, marked
from dashboard.ui import shell

HEADERS = ["Kerncijfer", "Waarde", "Basis"]


def _of(part, whole, noun: str) -> str:
    return f"{format_number(part)} van {format_number(whole)} {noun}"


def _positive(count) -> bool:
    """Whether a count is above 0; one left out as a small number ("x") is 1 or more."""
    return count == SUPPRESSED or count > 0


def _area_basis(row: pd.Series, *, area: str, unknown: str, units: str, noun: str) -> str:
    if row[units] == 0:
        return f"geen {noun}"
    if _positive(row[unknown]):
        return f"oppervlakte onbekend voor {_of(row[unknown], row[units], noun)}"
    return f"{format_area(row[area])} bij {format_number(row[units])} {noun}"


def _former_basis(row: pd.Series) -> str:
    text = f"{format_number(row['units_vacant_former_shop'])} leegstaande panden waren een winkel"
    unknown = row["units_vacant_former_use_unknown"]
    if _positive(unknown):
        text += f"; vroeger gebruik onbekend voor {_of(unknown, row['units_vacant'], 'leegstaande panden')}"
    return text


def _chain_basis(row: pd.Series) -> str:
    shops, unknown = row["retail_units_occupied"], row["shops_chain_unknown"]
    if unknown == 0:
        return _of(row["shops_chain"], shops, "winkels")
    if unknown == shops:
        return f"onbekend of ze een filiaal zijn voor alle {format_number(shops)} winkels"
    known = SUPPRESSED if SUPPRESSED in (shops, unknown) else shops - unknown
    return (f"{_of(row['shops_chain'], known, 'winkels')} waarvan gekend is of ze een filiaal zijn; "
            f"van {format_number(unknown)} onbekend")


#: What each figure (`analysis.kerncijfers.MEASURE_COLUMNS`) rests on.
FIGURES = {
    "outlets_per_1000": lambda row: f"{format_number(row['units_total'])} verkooppunten",
    "shops_per_1000": lambda row: f"{format_number(row['retail_units_occupied'])} bezette winkels",
    "shop_floor_area_per_1000": lambda row: _area_basis(row, area="shop_floor_area_m2", unknown="shops_area_unknown",
                                                        units="retail_units_occupied", noun="winkels"),
    "horeca_per_1000": lambda row: f"{format_number(row['horeca_units_occupied'])} horecazaken",
    "horeca_floor_area_per_1000": lambda row: _area_basis(row, area="horeca_floor_area_m2",
                                                          unknown="horeca_area_unknown",
                                                          units="horeca_units_occupied", noun="horecazaken"),
    "vacancy_rate_units": lambda row: _of(row["units_vacant"], row["units_total"], "verkooppunten"),
    "vacancy_rate_former_shop": _former_basis,
    "frictional_vacancy_share": lambda row: _of(row["units_vacant_frictional"], row["units_vacant_dated"],
                                                "leegstaande panden met gekende duur"),
    "shop_chain_share": _chain_basis,
    "daily_share": lambda row: _of(row["daily_units_occupied"], row["retail_units_occupied"], "winkels"),
}


def kerncijfer_rows(row: pd.Series) -> pd.DataFrame:
    """Kerncijfer, Waarde (as the screen writes it: ``14,1``, ``5,2 %``, "–" for unknown) and Basis
    (the counts behind it, and how many units it could not use) of one `kerncijfers_table` row; "x"
    for a figure or count that the small-numbers rule leaves out."""
    row = marked(row.to_frame().T).iloc[0]
    return pd.DataFrame([(LABELS[column], format_value(column, row[column]), FIGURES[column](row))
                         for column in MEASURE_COLUMNS], columns=HEADERS)


def population_note(row: pd.Series) -> str:
    """Which inhabitants the figures per 1.000 inhabitants count."""
    if pd.isna(row["population"]):
        return "Het aantal inwoners is onbekend: er zijn geen cijfers per 1.000 inwoners."
    return (f"Per 1.000 inwoners: {format_number(row['population'])} inwoners op 1 januari "
            f"{int(row['population_year'])} (Statbel), het jaar met bevolkingscijfers het dichtst bij de inventaris.")


def kerncijfer_section(table: pd.DataFrame, *, file_stem: str) -> None:
    """The town's core figures of the chosen year under their heading, with downloads of the numbers."""
    st.header("Kerncijfers detailhandel")
    if table.empty:
        st.caption("Geen volledige inventaris in dit jaar: geen kerncijfers.")
        return
    row = table.iloc[-1]
    rows = kerncijfer_rows(row)
    st.dataframe(rows, key="kerncijfers", hide_index=True)
    shell.small_numbers_note(rows.isin([SUPPRESSED]).to_numpy().any())
    st.caption(f"Volgens de kerncijfers detailhandel van Provincies in Cijfers, op de inventaris van "
               f"{format_value('observed_on', row['observed_on'])}. {population_note(row)}")
    shell.downloads(table.tail(1).rename(columns=LABELS), key="kerncijfers", file_stem=file_stem)
