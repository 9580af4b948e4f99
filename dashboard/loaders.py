"""Cached reads of the store for the pages, keyed by the store's URL and version.

The version changes with every batch, so a new import shows at once while every other rerun
reads from the cache. Pages call these functions; they never query the store themselves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.indicators import vacancy_table
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
