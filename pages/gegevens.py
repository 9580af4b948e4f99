"""Gegevens: import a file (preview, header mapping, report, changes, confirm), undo a batch, templates."""

import streamlit as st

from dashboard import data_views as views
from dashboard import exports, frame, import_widgets, loaders
from dashboard.frame import plain
from dashboard.ingest import ImportRejected, import_prepared
from dashboard.ingest.templates import FILE_NAMES, template_csv
from dashboard.settings import MAX_UPLOAD_MB

st.title("Gegevens")
importing, history, templates = st.tabs(["Importeren", "Geschiedenis", "Sjablonen"])

with importing:
    upload = st.file_uploader("Bestand (CSV of Excel)", type=["csv", "txt", "xlsx"], key="upload",
                              help=f"Maximaal {MAX_UPLOAD_MB} MB. Splits grotere bestanden per gemeente of per jaar.")
    if upload is None:
        st.info("Kies een leegstandsinventaris, campagnecijfers of stemmen per winkel. Er wordt niets opgeslagen "
                "voor je bevestigt.")
    else:
        raw = upload.getvalue()
        options = views.ImportOptions(
            kind=None if (k := st.selectbox("Soort gegevens", views.kind_options(), key="kind",
                                            format_func=views.kind_label)) == views.AUTOMATIC else k,
            observed_on=st.date_input("Peildatum voor rijen zonder datum", value=None, key="observed_on",
                                      format="DD/MM/YYYY"),
            sheet=st.selectbox("Werkblad", loaders.sheet_names(raw), key="sheet") if loaders.is_xlsx(raw) else None,
            saved_mapping=st.selectbox("Bewaarde koppeling", [None, *loaders.saved_mappings()], key="saved_mapping",
                                       format_func=lambda name: name or views.AUTOMATIC),
        )
        prepared = import_widgets.checked_file(raw, upload.name, options)
        if prepared is not None:
            st.caption(plain(views.import_summary(prepared)))
            if prepared.problems.empty:
                st.success("Geen problemen gevonden.")
            else:
                st.dataframe(views.problem_table(prepared), key="problems", hide_index=True)
                st.download_button("Rapport downloaden (CSV)", exports.to_csv_bytes(views.problem_table(prepared)),
                                   file_name="importrapport.csv", mime="text/csv", key="download_report")
                st.download_button("Rapport downloaden (Excel)", exports.to_xlsx_bytes(views.problem_table(prepared)),
                                   file_name="importrapport.xlsx", key="download_report_xlsx")
            if not prepared.valid_rows.empty:
                st.subheader("Wat verandert er?")
                changes = (views.change_table(loaders.units(), prepared) if prepared.kind == "units"
                           else views.rows_per_municipality(prepared))
                frame.table_with_downloads(changes, key="changes", file_stem="wijzigingen")
            who = st.text_input("Geïmporteerd door", key="imported_by", placeholder="je naam")
            partial = st.checkbox("Alleen de goede rijen importeren (de foute worden met hun reden bewaard)",
                                  key="partial", disabled=prepared.errors.empty)
            if st.button("Importeren", type="primary", key="confirm_import", disabled=not who.strip()):
                try:
                    batch_id = import_prepared(loaders.store(), prepared, partial=partial, imported_by=who.strip())
                    st.success(f"Opgeslagen als batch {batch_id}.")
                except ImportRejected as rejected:
                    st.error(plain(rejected.summary))

with history:
    batches = loaders.batches()
    st.dataframe(views.history_table(batches), key="history", hide_index=True)
    st.download_button("Geschiedenis downloaden (CSV)", exports.to_csv_bytes(views.history_table(batches)),
                       file_name="batches.csv", mime="text/csv", key="download_history")
    st.download_button("Geschiedenis downloaden (Excel)", exports.to_xlsx_bytes(views.history_table(batches)),
                       file_name="batches.xlsx", key="download_history_xlsx")
    if active := views.active_batches(batches):
        chosen = st.selectbox("Batch ongedaan maken", active, key="rollback_batch")
        sure = st.checkbox(f"Ik wil batch {chosen} ongedaan maken", key="rollback_confirm")
        if st.button("Ongedaan maken", key="rollback", disabled=not sure):
            loaders.store().rollback_batch(chosen)
            st.toast(f"Batch {chosen} is ongedaan gemaakt.")
            st.rerun()

with templates:
    for kind, file_name in FILE_NAMES.items():
        st.download_button(f"Sjabloon {views.KIND_SHORT[kind]}", template_csv(kind), file_name=file_name,
                           mime="text/csv", key=f"template_{kind}")
