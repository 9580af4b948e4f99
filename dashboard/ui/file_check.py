"""The file a coordinator is importing on the Gegevens page: checked once per session and set of
options, kept without its bytes (`prepare`), and the workbook's sheets.

A file at the row limit takes a minute and most of the memory to check, so the session keeps one
checked file, never a cache of several, and lets it go before checking the next.
"""

from __future__ import annotations

import copy
import hashlib
from typing import NamedTuple

import streamlit as st

from dashboard import ingest
from dashboard.ingest import reading


def is_xlsx(raw: bytes) -> bool:
    return reading.is_xlsx(raw)


def sheet_names(raw: bytes) -> list[str]:
    """The worksheets of a workbook, cached on its digest."""
    return _sheet_names(hashlib.sha256(raw).hexdigest(), raw)


# Keyed by the digest, not the bytes: Streamlit would hash a copy of the whole file on every rerun.
@st.cache_data(show_spinner=False, max_entries=4)
def _sheet_names(sha256: str, _raw: bytes) -> list[str]:
    return reading.sheet_names(_raw)


class _Request(NamedTuple):
    """What a file was checked with: its digest and name, and the options of `prepare`."""

    sha256: str
    file_name: str
    kind: str | None
    observed_on: object
    sheet: str | None
    mapping: tuple[tuple[str, str | None], ...] | None


#: The session's checked file, without its bytes, with the request that made it (`prepare`).
CHECKED_FILE = "checked_file"


def prepare(raw: bytes, file_name: str, *, kind: str | None, observed_on, sheet: str | None,
            mapping: dict[str, str | None] | None) -> ingest.Prepared:
    """`dashboard.ingest.prepare`, kept for this session on the file's digest and the options, so
    a rerun of the page does not check the file again.

    A session keeps one checked file, not a cache of several (each a pickled copy beside the one
    handed out): the one before is let go before the next is checked, as two files at the row
    limit do not fit in memory beside each other. It keeps the file without its bytes: each run
    gets its own copy of the upload from Streamlit (``raw``), which the file then holds; bytes
    kept from an earlier run would be one copy more beside it.
    """
    request = _Request(hashlib.sha256(raw).hexdigest(), file_name, kind, observed_on, sheet,
                       tuple(mapping.items()) if mapping is not None else None)
    held = st.session_state.get(CHECKED_FILE)
    if held is not None and held[0] == request:
        return _holding(held[1], raw)
    st.session_state.pop(CHECKED_FILE, None)
    del held
    return _check(request, raw, mapping)


def remap(raw: bytes, mapping: dict[str, str | None]) -> ingest.Prepared:
    """The session's checked file (the last `prepare` gave, of ``raw``) checked again with its
    columns mapped as ``mapping``. It takes the place of the first, under the same request, so
    `prepare` gives it on the next rerun; the caller lets go of the first before calling, so only
    one is in memory."""
    request, held = st.session_state.pop(CHECKED_FILE)
    kind = held.kind
    del held
    return _check(request, raw, mapping, kind=kind)


def forget_checked_file() -> None:
    """Let go of the session's checked file (the page has none any more)."""
    st.session_state.pop(CHECKED_FILE, None)


def _check(request: _Request, raw: bytes, mapping: dict[str, str | None] | None, *,
           kind: str | None = None) -> ingest.Prepared:
    with st.spinner("Bestand controleren…"):
        prepared = ingest.prepare(raw, request.file_name, kind=kind or request.kind,
                                  observed_on=request.observed_on, sheet=request.sheet, mapping=mapping)
    st.session_state[CHECKED_FILE] = (request, _holding(prepared, None))
    return prepared


def _holding(prepared: ingest.Prepared, raw: bytes | None) -> ingest.Prepared:
    """``prepared`` with ``raw`` as its bytes (None: none); a shallow copy, the frames are shared."""
    held = copy.copy(prepared)  # not dataclasses.replace: the digest is not taken again
    held.raw = raw
    return held
