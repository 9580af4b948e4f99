"""The import flow of the Gegevens page: upload, options, check, header mapping, report, changes, confirm.

Only a signed-in coordinator reaches it; their account name is recorded with the batch and a saved mapping.
A fault of the store while writing (busy, full disk, no server) is said beside the button that met it, so
the checked file stays on the page for a retry; other faults end in the page's guard (`dashboard.ui.faults`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from analysis.sources import INVENTORY_KINDS, SOURCES
from dashboard.i18n import SOURCE_LABELS
from dashboard.ingest import FileRejected, ImportRejected, Prepared, import_prepared
from dashboard.ingest.inventory_plan import Plan
from dashboard.regions import UnknownRegion
from dashboard.settings import MAX_UPLOAD_MB
from dashboard.store.engine import StoreFault
from dashboard.tables import exports
from dashboard.tables.areas import area_changes
from dashboard.ui import file_check, import_views, loaders, rollback, shell, signin
from dashboard.ui.markdown import plain


def import_flow(who: str) -> None:
    """Upload a file, check it, show what it would change and import it as ``who`` on confirmation."""
    prepared = _uploaded_file(who)
    if prepared is None:
        return
    _report(prepared)
    replaces_sample = loaders.shows_sample_data()
    choice = _Choice()
    if not prepared.valid_rows.empty:
        if prepared.kind == "units":
            choice = _inventory_choice(prepared, replace_sample=replaces_sample)
        st.header("Wat verandert er?")
        if replaces_sample:
            st.warning("De databank bevat voorbeelddata (fictief). Echte gegevens komen er nooit naast: bij het "
                       "importeren verdwijnen de voorbeelddata in dezelfde stap (ze blijven als ongedaan gemaakte "
                       "batches in de geschiedenis). Hieronder de vergelijking met een lege databank.")
        stored = loaders.units().iloc[0:0] if replaces_sample else loaders.units()
        changes = (import_views.planned_changes(stored, choice.plan) if choice.plan is not None
                   else area_changes(loaders.areas().iloc[0:0] if replaces_sample else loaders.areas(),
                                     prepared.valid_rows) if prepared.kind == "areas"
                   else import_views.rows_per_municipality(prepared))
        if choice.plan is not None and (choice.plan.proposals["inventory_kind"] == "register").any():
            st.caption("Een register van leegstaande panden verandert geen inventaris: de pagina Gemeente "
                       "vergelijkt het met de volledige inventaris van hetzelfde jaar.")
        shell.table_with_downloads(changes, key="changes", file_stem="wijzigingen")
    _confirm(prepared, who, replace_sample=replaces_sample, choice=choice)


def _uploaded_file(who: str) -> Prepared | None:
    """The uploaded file checked with the chosen options; None without a file, or after saying
    why it cannot be read."""
    upload = st.file_uploader("Bestand (CSV of Excel)", type=["csv", "txt", "xlsx", "geojson", "json"], key="upload",
                              help=f"Maximaal {MAX_UPLOAD_MB} MB. Splits grotere bestanden per gemeente of per jaar. "
                                   "Een lijst van winkelgebieden mag ook GeoJSON zijn.")
    if upload is None:
        file_check.forget_checked_file()
        st.info("Kies een leegstandsinventaris, campagnecijfers, stemmen per winkel of een lijst van winkelgebieden. "
                "Er wordt niets opgeslagen voor je bevestigt.")
        return None
    raw = upload.getvalue()
    return checked_file(raw, upload.name, _options(raw), who=who)


@dataclass(frozen=True)
class _Choice:
    """What the user chose for a units file: the kind of inventory (None: the proposals), the
    source, and the plan that follows (None for other files)."""

    inventory: str | None = None
    source: str | None = None
    plan: Plan | None = None


def _inventory_choice(prepared: Prepared, *, replace_sample: bool) -> _Choice:
    """The proposals per municipality, the choice of kind and source, and the plan they give."""
    st.header("Soort inventaris en bron")
    proposed = loaders.inventory_plan(prepared, inventory=None, source=None, replace_sample=replace_sample)
    left, right = st.columns(2)
    kind = left.selectbox("Wat is dit bestand per gemeente?", [import_views.AUTOMATIC, *INVENTORY_KINDS],
                          key="inventory_kind", format_func=import_views.inventory_kind_label,
                          help="Volledig: alle verkooppunten op die datum. Aanvulling: alleen wijzigingen; de andere "
                               "panden van de laatste inventaris blijven. Register: alleen leegstaande panden.")
    source = right.selectbox("Bron", SOURCES, index=SOURCES.index(proposed.source), key="inventory_source",
                             format_func=SOURCE_LABELS.__getitem__,
                             help="Geven twee bronnen een volledige inventaris van hetzelfde jaar, dan tellen de "
                                  "cijfers van de bron met voorrang (Locatus, eigen telling, andere bron).")
    inventory = None if kind == import_views.AUTOMATIC else kind
    planned = proposed if inventory is None and source == proposed.source else loaders.inventory_plan(
        prepared, inventory=inventory, source=source, replace_sample=replace_sample)
    st.dataframe(import_views.proposal_table(planned), key="inventories", hide_index=True,
                 column_config={"Waarom": st.column_config.TextColumn("Waarom", width="large")})
    for refusal in planned.refusals:
        st.error(plain(refusal))
    return _Choice(inventory=inventory, source=source, plan=planned)


def _options(raw: bytes) -> import_views.ImportOptions:
    kind = st.selectbox("Soort gegevens", import_views.kind_options(), key="kind", format_func=import_views.kind_label)
    return import_views.ImportOptions(
        kind=None if kind == import_views.AUTOMATIC else kind,
        observed_on=st.date_input("Peildatum voor rijen zonder datum", value=None, key="observed_on",
                                  format="DD/MM/YYYY"),
        sheet=st.selectbox("Werkblad", file_check.sheet_names(raw), key="sheet") if file_check.is_xlsx(raw) else None,
        saved_mapping=st.selectbox("Bewaarde koppeling", [None, *loaders.saved_mappings()], key="saved_mapping",
                                   format_func=lambda name: name or import_views.AUTOMATIC),
    )


def _report(prepared: Prepared) -> None:
    st.caption(plain(import_views.import_summary(prepared)))
    if prepared.problems.empty:
        st.success("Geen problemen gevonden.")
        return
    kinds = import_views.grouped_problem_table(prepared)
    wide = {"probleem": st.column_config.TextColumn("probleem", width="large")}
    st.dataframe(kinds, key="problem_kinds", hide_index=True, column_config=wide)
    problems = import_views.problem_table(prepared)
    if len(problems) > len(kinds):
        with st.expander(f"Alle {len(problems)} problemen, rij per rij"):
            st.dataframe(problems, key="problems", hide_index=True, column_config=wide)
    st.download_button("Rapport downloaden (CSV)", exports.to_csv_bytes(problems), file_name="importrapport.csv",
                       mime="text/csv", key="download_report")
    st.download_button("Rapport downloaden (Excel)", exports.to_xlsx_bytes(problems),
                       file_name="importrapport.xlsx", key="download_report_xlsx")


def _confirm(prepared: Prepared, who: str, *, replace_sample: bool, choice: _Choice) -> None:
    st.caption(f"Je importeert als **{plain(who)}**; die naam komt bij de batch in de geschiedenis.")
    partial = st.checkbox("Alleen de goede rijen importeren (de foute worden met hun reden bewaard)",
                          key="partial", disabled=prepared.errors.empty)
    # Its own key: a click on "Importeren" never removes a sample that appeared after the page was drawn.
    label, key = (("Voorbeelddata verwijderen en importeren", "confirm_replace_sample") if replace_sample
                  else ("Importeren", "confirm_import"))
    refused = choice.plan is not None and bool(choice.plan.refusals)
    if st.button(label, type="primary", key=key, disabled=refused):
        try:
            # The sample goes in the import's own transaction: if the import fails, it stays. The
            # proposals were shown above, so keeping them is a choice.
            batch_id = import_prepared(loaders.store(), prepared, partial=partial, imported_by=who,
                                       replace_sample=replace_sample, inventory=choice.inventory,
                                       source=choice.source, accept_proposals=True,
                                       client=signin.client_address())
            rollback.forget_choice()
            st.success(import_views.stored_message(prepared, batch_id, partial=partial,
                                                   replaced_sample=replace_sample))
        except ImportRejected as rejected:
            st.error(plain(rejected.summary))
        except StoreFault as fault:
            st.error(plain(fault))


def checked_file(raw: bytes, file_name: str, options: import_views.ImportOptions, *, who: str) -> Prepared | None:
    """The file read and checked with the chosen options, or None after saying why it cannot be read."""
    mapping = None
    kind = options.kind
    if options.saved_mapping:
        saved_kind, mapping = loaders.saved_mapping(options.saved_mapping)
        kind = kind or saved_kind
    try:
        prepared = file_check.prepare(raw, file_name, kind=kind, observed_on=options.observed_on, sheet=options.sheet,
                                   mapping=mapping)
    except FileRejected as problem:
        st.error(f"Dit bestand kan niet gelezen worden: {plain(problem)}")
        return None
    except UnknownRegion as problem:  # KERNMONITOR_PROVINCE: no file can be judged until it is set right
        st.error(plain(problem))
        return None
    except Exception as problem:  # noqa: BLE001 - a file we did not foresee must not end in a traceback
        st.error(f"Dit bestand kan niet gelezen worden (onverwachte fout: {plain(type(problem).__name__)}). "
                 "Bewaar het opnieuw als CSV of .xlsx, of stuur het naar de beheerder.")
        return None
    st.dataframe(import_views.preview(prepared), key="preview")
    edited = mapping_editor(prepared, source=options.saved_mapping or "auto", who=who)
    if edited != prepared.mapping:
        del prepared  # checked with the other mapping: one file at the row limit in memory at a time
        prepared = file_check.remap(raw, edited)
    return prepared


def mapping_editor(prepared: Prepared, *, source: str, who: str) -> dict[str, str | None]:
    """One selectbox per file column (keys ``map_…``), and a way to save the mapping under a name (by ``who``).

    The keys name the file, the kind and the mapping's ``source``, so choosing another saved
    mapping starts the boxes afresh instead of keeping the previous choices.
    """
    options = import_views.column_options(prepared.kind)
    label = import_views.column_label(prepared.kind)
    found = sum(1 for value in prepared.mapping.values() if value)
    with st.expander(f"Kolommen koppelen ({found} van {len(prepared.mapping)} herkend)",
                     expanded=not found or not prepared.file_errors.empty):
        edited = {}
        columns = st.columns(3)
        origin = hashlib.sha1(source.encode()).hexdigest()[:8]
        for number, (header, canonical) in enumerate(prepared.mapping.items()):
            widget_key = f"map_{prepared.sha256[:12]}_{prepared.kind}_{origin}_{number}"
            title = plain(header) if header else f"kolom {number + 1}"
            edited[header] = columns[number % 3].selectbox(title, options, index=options.index(canonical),
                                                           key=widget_key, format_func=label)
        name = st.text_input("Bewaar deze koppeling als", key="mapping_name", max_chars=MAPPING_NAME_CHARS,
                             placeholder="bv. Locatus-export of Stad Ieper")
        if st.button("Koppeling bewaren", key="save_mapping", disabled=not name.strip()):
            _save_mapping(name.strip(), prepared.kind, edited, who=who)
    return edited


#: The longest name of a saved mapping: the store's column holds 200 characters (PostgreSQL refuses
#: more), and Streamlit cuts what a client sends to ``max_chars`` on the server.
MAPPING_NAME_CHARS = 200


def _save_mapping(name: str, kind: str, mapping: dict[str, str | None], *, who: str) -> None:
    try:
        loaders.store().save_mapping(name, kind, mapping, saved_by=who, client=signin.client_address())
    except StoreFault as fault:
        st.error(plain(fault))
        return
    st.success(f"Koppeling '{plain(name)}' bewaard.")
