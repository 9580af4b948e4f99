"""The Gemeente page's comparison of a town's register of vacant premises with the complete
inventory of the same year (`dashboard.tables.registers`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.addresses import is_made_up
from dashboard.i18n import MATCH_LABELS, format_date, format_number, format_since
from dashboard.registry import LABELS
from dashboard.tables.registers import register_summary
from dashboard.ui import shell

REGISTER_HEADERS = {"match": LABELS["match"], "street": "Straat", "house_number": "Huisnummer", "name": "Naam",
                    "unit_id": "Pand-id (register)", "inventory_unit_id": "Pand-id (inventaris)",
                    "vacant_since": "Leeg sinds"}


def register_display(table: pd.DataFrame) -> pd.DataFrame:
    """`dashboard.tables.registers.register_table` with Dutch headers and values."""
    shown = table[list(REGISTER_HEADERS)].assign(
        match=table["match"].astype(str).map(MATCH_LABELS),
        # An id the importer made from the address says nothing the address does not.
        unit_id=table["unit_id"].map(_given_id), inventory_unit_id=table["inventory_unit_id"].map(_given_id),
        vacant_since=[format_since(day, precision) if not pd.isna(day) else None
                      for day, precision in zip(table["vacant_since"], table["vacant_since_precision"], strict=True)])
    return shown.astype(object).where(shown.notna(), "").rename(columns=REGISTER_HEADERS)  # unknown: empty


def _given_id(unit_id):
    return None if unit_id is None or pd.isna(unit_id) or is_made_up(unit_id) else unit_id


def summary_text(table: pd.DataFrame) -> str:
    """One sentence per register: how many premises matched the inventory, and how many did not."""
    lines = []
    for row in register_summary(table).itertuples():
        start = f"Register van {format_date(row.register_observed_on)}: {format_number(row.register_units)} panden"
        if pd.isna(row.inventory_observed_on):
            lines.append(f"{start}. Er is geen volledige inventaris van {row.year} om mee te vergelijken.")
            continue
        counts = ", ".join(f"{format_number(getattr(row, match))} {label}" for match, label in MATCH_LABELS.items())
        lines.append(f"{start}, tegenover de inventaris van {format_date(row.inventory_observed_on)}: {counts}.")
    return " ".join(lines)


def register_section(table: pd.DataFrame, *, file_stem: str) -> None:
    """The comparison under its heading, with downloads (nothing when there is no register)."""
    if table.empty:
        return
    st.header("Register en inventaris")
    st.caption(summary_text(table))
    shell.table_with_downloads(register_display(table), key="register", file_stem=file_stem)
