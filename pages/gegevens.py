"""Gegevens: the batch history and templates for everyone; import and undo for a signed-in coordinator."""

import streamlit as st

from dashboard.ingest.templates import FILE_NAMES, template_csv
from dashboard.tables import exports
from dashboard.ui import import_flow, import_views, loaders, signin

who = signin.sidebar()
st.title("Gegevens")
importing, history, templates = st.tabs(["Importeren", "Geschiedenis", "Sjablonen"])

with importing:
    if who:
        import_flow.import_flow(who)
    else:
        signin.viewer_note("bestanden importeren")

with history:
    batches = loaders.batches()
    st.dataframe(import_views.history_table(batches), key="history", hide_index=True)
    st.download_button("Geschiedenis downloaden (CSV)", exports.to_csv_bytes(import_views.history_table(batches)),
                       file_name="batches.csv", mime="text/csv", key="download_history")
    st.download_button("Geschiedenis downloaden (Excel)", exports.to_xlsx_bytes(import_views.history_table(batches)),
                       file_name="batches.xlsx", key="download_history_xlsx")
    active = import_views.active_batches(batches)
    if active and not who:
        st.caption("Een batch ongedaan maken kan alleen een aangemelde coördinator.")
    elif active:
        chosen = st.selectbox("Batch ongedaan maken", active, key="rollback_batch")
        sure = st.checkbox(f"Ik wil batch {chosen} ongedaan maken", key="rollback_confirm")
        if st.button("Ongedaan maken", key="rollback", disabled=not sure):
            loaders.store().rollback_batch(chosen)
            st.toast(f"Batch {chosen} is ongedaan gemaakt.")
            st.rerun()

with templates:
    for kind, file_name in FILE_NAMES.items():
        st.download_button(f"Sjabloon {import_views.KIND_SHORT[kind]}", template_csv(kind), file_name=file_name,
                           mime="text/csv", key=f"template_{kind}")
