"""Widgets of the import flow that need more than one line: checking a file and its header mapping."""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard import data_views as views
from dashboard import loaders
from dashboard.frame import plain
from dashboard.ingest import FileRejected, Prepared


def checked_file(raw: bytes, file_name: str, options: views.ImportOptions) -> Prepared | None:
    """The file read and checked with the chosen options, or None after saying why it cannot be read."""
    mapping = None
    kind = options.kind
    if options.saved_mapping:
        saved_kind, mapping = loaders.saved_mapping(options.saved_mapping)
        kind = kind or saved_kind
    try:
        prepared = loaders.prepare(raw, file_name, kind=kind, observed_on=options.observed_on, sheet=options.sheet,
                                   mapping=mapping)
    except FileRejected as problem:
        st.error(f"Dit bestand kan niet gelezen worden: {plain(problem)}")
        return None
    except Exception as problem:  # noqa: BLE001 - a file we did not foresee must not end in a traceback
        st.error(f"Dit bestand kan niet gelezen worden (onverwachte fout: {plain(type(problem).__name__)}). "
                 "Bewaar het opnieuw als CSV of .xlsx, of stuur het naar de beheerder.")
        return None
    st.dataframe(prepared.cells.head(10), key="preview")
    edited = mapping_editor(prepared, source=options.saved_mapping or "auto")
    if edited != prepared.mapping:
        prepared = loaders.prepare(raw, file_name, kind=prepared.kind, observed_on=options.observed_on,
                                   sheet=options.sheet, mapping=edited)
    return prepared


def mapping_editor(prepared: Prepared, *, source: str) -> dict[str, str | None]:
    """One selectbox per file column (keys ``map_…``), and a way to save the mapping under a name.

    The keys name the file, the kind and the mapping's ``source``, so choosing another saved
    mapping starts the boxes afresh instead of keeping the previous choices.
    """
    options = views.column_options(prepared.kind)
    label = views.column_label(prepared.kind)
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
        name = st.text_input("Bewaar deze koppeling als", key="mapping_name",
                             placeholder="bv. Locatus-export of Stad Ieper")
        if st.button("Koppeling bewaren", key="save_mapping", disabled=not name.strip()):
            who = st.session_state.get("imported_by") or "onbekend"
            loaders.store().save_mapping(name.strip(), prepared.kind, edited, saved_by=who)
            st.success(f"Koppeling '{plain(name.strip())}' bewaard.")
    return edited
