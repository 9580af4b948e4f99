"""What the loaders keep in the process (`dashboard.ui.loaders.kept`): Streamlit's cache clear, which
any viewer can send, does not make the heavy frames be computed again; a new store version does."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
import streamlit as st

from dashboard.store.database import Batch, Store
from dashboard.ui import loaders
from tests.conftest import unit_rows


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """A fresh store of Kortrijk's 2018 inventory (1 of 4 units vacant), the loaders pointed at it,
    and how often the units are read, placed and made into a vacancy table."""
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    store = Store(url)
    _add(store, unit_rows({"status": "vacant", "group_code": "00"}, {}, {}, {}, observed_on="2018-01-01"), "2018")
    monkeypatch.setenv("KERNMONITOR_DB", url)
    calls = {"units": 0, "placed_units": 0, "vacancy_table": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(Store, "units", counting("units", Store.units))
    monkeypatch.setattr(loaders, "placed_units", counting("placed_units", loaders.placed_units))
    monkeypatch.setattr(loaders, "vacancy_table", counting("vacancy_table", loaders.vacancy_table))
    loaders.forget()
    yield store, calls
    loaders.forget()


def _add(store: Store, units: pd.DataFrame, name: str) -> None:
    store.add_batch(Batch(kind="units", file_name=f"{name}.csv", raw=name.encode()), units)


def _rates() -> dict[int, float]:
    table = loaders.vacancy_indicators(level="municipality", geography="2025")
    return dict(zip(table["year"], table["vacancy_rate_units"], strict=True))


def test_a_cache_clear_from_a_viewer_does_not_compute_the_frames_again(counted):
    _, calls = counted
    assert _rates() == {2018: 0.25}
    assert calls == {"units": 1, "placed_units": 1, "vacancy_table": 1}
    # What Streamlit does for a client's clear_cache (AppSession._handle_clear_cache_request).
    st.cache_data.clear()
    st.cache_resource.clear()
    assert _rates() == {2018: 0.25}
    assert calls == {"units": 1, "placed_units": 1, "vacancy_table": 1}


def test_a_new_store_version_computes_them_again(counted):
    store, calls = counted
    assert _rates() == {2018: 0.25}
    # 2019: 2 of 5 vacant.
    _add(store, unit_rows({"status": "vacant", "group_code": "00"}, {"status": "vacant", "group_code": "00"},
                          {}, {}, {}, observed_on="2019-01-01"), "2019")
    assert _rates() == {2018: 0.25, 2019: 0.4}
    assert calls == {"units": 2, "placed_units": 2, "vacancy_table": 2}


def test_each_call_gets_its_own_copy_of_a_table(counted):
    table = loaders.vacancy_indicators(level="municipality", geography="2025")
    table.loc[:, "vacancy_rate_units"] = 1.0  # a page that changes what it got
    st.cache_data.clear()
    assert _rates() == {2018: 0.25}


def test_kept_holds_the_most_recently_used_and_forgets_the_oldest():
    calls = []

    @loaders.kept(max_entries=2)
    def square(x):
        calls.append(x)
        return x * x

    assert [square(2), square(3), square(2), square(4)] == [4, 9, 4, 16]  # 4 pushes out 3, the least used
    assert [square(2), square(3)] == [4, 9]
    assert calls == [2, 3, 4, 3]


def test_a_failure_is_not_kept():
    calls = []

    @loaders.kept(max_entries=2)
    def flaky(x):
        calls.append(x)
        if len(calls) == 1:
            raise OSError("databank even weg")
        return x

    with pytest.raises(OSError):
        flaky(1)
    assert flaky(1) == 1
    assert flaky(1) == 1
    assert calls == [1, 1]


def test_sessions_asking_for_the_same_frame_at_once_compute_it_once():
    started, release, calls = threading.Event(), threading.Event(), []

    @loaders.kept(max_entries=2)
    def slow(x):
        calls.append(x)
        started.set()
        release.wait(timeout=30)
        return x + 1

    first = threading.Thread(target=slow, args=(1,))
    first.start()
    started.wait(timeout=30)
    results = []
    second = threading.Thread(target=lambda: results.append(slow(1)))
    second.start()
    second.join(timeout=0.2)  # the second waits for the first (or, if late, finds its result)
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert results == [2]
    assert calls == [1]
