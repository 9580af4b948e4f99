"""Undoing a batch on the Gegevens page: choose it, confirm what it is, roll it back.

Nothing is chosen until the coordinator chooses (also after an import or a rollback), and the
confirmation names the batch's number, file and rows, so the wrong batch is not undone by a
choice left over from before.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import format_number
from dashboard.ui import loaders, signin
from dashboard.ui.markdown import plain

CHOICE = "rollback_batch"
_CONFIRM = "rollback_confirm"


def rollback_control(batches: pd.DataFrame, who: str) -> None:
    """The rollback box for the signed-in coordinator ``who``: choice, confirmation and button."""
    active = batches[batches["status"] == "active"].set_index("batch_id")
    if active.empty:
        return
    chosen = st.selectbox("Batch ongedaan maken", list(active.index), index=None, key=CHOICE,
                          placeholder="Kies een batch", format_func=lambda b: f"batch {b}")
    if chosen is None:
        return
    if chosen not in active.index:  # a value the page never offered (a forged message)
        st.error("Die batch bestaat niet of is al ongedaan gemaakt. Er is niets veranderd; kies opnieuw.")
        return
    batch = active.loc[chosen]
    what = (f"batch {chosen} ({plain(batch['file_name'])}, {format_number(int(batch['rows_imported']))} "
            f"rij(en), geïmporteerd door {plain(batch['imported_by'])})")
    sure = st.checkbox(f"Ik wil {what} ongedaan maken", key=f"{_CONFIRM}_{chosen}")
    if st.button("Ongedaan maken", key="rollback", disabled=not sure):
        loaders.store().rollback_batch(int(chosen), by=who, client=signin.client_address())
        forget_choice()
        st.toast(f"Batch {chosen} is ongedaan gemaakt.")
        st.rerun()


def forget_choice() -> None:
    """Choose nothing in the rollback box (after an import or a rollback)."""
    for key in [key for key in st.session_state if key == CHOICE or str(key).startswith(_CONFIRM)]:
        del st.session_state[key]
