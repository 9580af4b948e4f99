"""Gegevens: the batch history and templates for everyone; import and undo for a signed-in coordinator."""

import streamlit as st

from dashboard.ingest.templates import FILE_NAMES, template_csv
from dashboard.tables import exports
from dashboard.ui import import_flow, import_views, loaders, rollback, signin

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
    table = import_views.history_table(batches, names=bool(who))
    st.dataframe(table, key="history", hide_index=True)
    st.download_button("Geschiedenis downloaden (CSV)", exports.to_csv_bytes(table), file_name="batches.csv",
                       mime="text/csv", key="download_history")
    st.download_button("Geschiedenis downloaden (Excel)", exports.to_xlsx_bytes(table), file_name="batches.xlsx",
                       key="download_history_xlsx")
    if who:
        rollback.rollback_control(batches, who)
    elif import_views.active_batches(batches):
        st.caption("Een batch ongedaan maken kan alleen een aangemelde coördinator.")

with templates:
    for kind, file_name in FILE_NAMES.items():
        st.download_button(f"Sjabloon {import_views.KIND_SHORT[kind]}", template_csv(kind), file_name=file_name,
                           mime="text/csv", key=f"template_{kind}")
