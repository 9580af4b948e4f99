"""Cached reads of the store for the pages, keyed by the store's URL and version.

The version changes with every batch, so a new import shows at once while every other rerun
reads from the cache. Pages call these functions; they never query the store themselves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ingest
from dashboard.indicators import vacancy_table
from dashboard.ingest import reading
from dashboard.settings import db_url
from dashboard.store import Store


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The store of this deployment (``KERNMONITOR_DB`` or the embedded file), opened once."""
    return _store(db_url())


@st.cache_data(show_spinner="Gegevens laden…", max_entries=4)
def _units(url: str, version: int) -> pd.DataFrame:
    return _store(url).units()


@st.cache_data(show_spinner=False, max_entries=16)
def _vacancy(url: str, version: int, level: str, geography: str) -> pd.DataFrame:
    return vacancy_table(_units(url, version), level=level, geography=geography)


def units() -> pd.DataFrame:
    """All current units (active batches, later batch wins)."""
    current = store()
    return _units(current.url, current.version())


def vacancy_indicators(*, level: str, geography: str) -> pd.DataFrame:
    """The vacancy table of `dashboard.indicators.vacancy_table` for all inventories."""
    current = store()
    return _vacancy(current.url, current.version(), level, geography)


def shows_sample_data() -> bool:
    """Whether the dashboard is showing generated sample data (not cached: one cheap query)."""
    return store().has_sample_data()


def batches() -> pd.DataFrame:
    """The batch history (not cached: small, and must show a rollback at once)."""
    return store().batches()


def saved_mappings() -> list[str]:
    return list(store().mappings())


def saved_mapping(name: str) -> tuple[str | None, dict[str, str | None]]:
    """A saved mapping's kind and header → column mapping."""
    return store().mapping(name) or (None, {})


def is_xlsx(raw: bytes) -> bool:
    return reading.is_xlsx(raw)


@st.cache_data(show_spinner=False, max_entries=4)
def sheet_names(raw: bytes) -> list[str]:
    return reading.sheet_names(raw)


@st.cache_data(show_spinner="Bestand controleren…", max_entries=4)
def _prepare(raw: bytes, file_name: str, kind: str | None, observed_on, sheet: str | None,
             mapping: tuple[tuple[str, str | None], ...] | None) -> ingest.Prepared:
    return ingest.prepare(raw, file_name, kind=kind, observed_on=observed_on, sheet=sheet,
                          mapping=dict(mapping) if mapping is not None else None)


def prepare(raw: bytes, file_name: str, *, kind: str | None, observed_on, sheet: str | None,
            mapping: dict[str, str | None] | None) -> ingest.Prepared:
    """`dashboard.ingest.prepare`, cached on the file's bytes and the options."""
    frozen = tuple(mapping.items()) if mapping is not None else None
    return _prepare(raw, file_name, kind, observed_on, sheet, frozen)
