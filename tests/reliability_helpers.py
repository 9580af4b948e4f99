"""Helpers for the reliability tests: large files, processes that import or read at the same
moment, and a probe that tells when an import is inside its write transaction.

The process functions run in other processes (``multiprocessing``), so they live in this
importable module and report through a queue instead of raising.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard import ingest
from dashboard.store.database import Store

_GROUPS = ("11-Dagelijks", "22-Mode & Luxe", "35-Vrije Tijd", "59-Horeca", "00-Leegstand")
#: Inventory date of the generated files (they carry none, as a Locatus export).
OBSERVED_ON = "2024-01-01"


def locatus_csv(count: int, *, town: str = "Kortrijk", postcode: str = "8500") -> bytes:
    """A Locatus-style export of ``count`` units in one town, each at its own address."""
    lines = ["GROEP;NAAM;STRAAT;HUISNUMMER;PLAATS;POSTCODE;WVO"]
    for i in range(count):
        group = _GROUPS[i % len(_GROUPS)]
        name = "" if group.startswith("00") else f"Zaak {i}"
        lines.append(f"{group};{name};Straat {i // 1000};{i % 1000 + 1};{town};{postcode};{50 + i % 400},5")
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_at_barrier(url: str, path: str, barrier, results) -> None:
    """Prepare a file, wait for the others at the barrier, then import it; report the outcome."""
    try:
        store = Store(url)
        raw = Path(path).read_bytes()
        prepared = ingest.prepare(raw, Path(path).name, observed_on=pd.Timestamp(OBSERVED_ON))
        barrier.wait(timeout=120)
        try:
            results.put((Path(path).name, "ok", ingest.import_prepared(store, prepared, imported_by="proces")))
        except ingest.ImportRejected as rejected:
            results.put((Path(path).name, "refused", rejected.summary))
    except Exception as problem:  # noqa: BLE001 - the parent reports it; a raise would only hang it
        results.put((Path(path).name, "error", repr(problem)))


def read_until_stopped(url: str, reading, stop, results) -> None:
    """Read the store as the dashboard does (version, then units) until ``stop``, plus once after."""
    try:
        store = Store(url)
        seen = []
        while True:
            stopping = stop.is_set()
            seen.append((store.version(), len(store.units())))
            reading.set()
            if stopping:
                break
        results.put(("reader", "ok", seen))
    except Exception as problem:  # noqa: BLE001
        reading.set()
        results.put(("reader", "error", repr(problem)))


def writing_probe(url: str, raw_size: int) -> Callable[[], bool]:
    """A function that tells whether another process is inside its write transaction, writing units.

    SQLite: uncommitted pages spill into the -wal file, which then grows beyond the raw file that
    the batch row holds. PostgreSQL: another backend holds the row-exclusive lock an INSERT into
    units takes, until its transaction ends.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        wal = Path(f"{parsed.database}-wal")
        return lambda: wal.exists() and wal.stat().st_size > raw_size + 4 * 2**20
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    query = text("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                 "WHERE c.relname = 'units' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid() "
                 "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")

    def probe() -> bool:
        with engine.connect() as conn:
            return conn.execute(query).scalar_one() > 0

    return probe


def wait_until(probe: Callable[[], bool], process, *, timeout: float = 50.0) -> None:
    """Return once ``probe`` is true; fail when ``process`` ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the import ended (exit {process.returncode}) before it could be killed")
        if probe():
            return
        time.sleep(0.02)
    raise AssertionError(f"the import did not start writing units within {timeout:.0f} s")


@contextmanager
def write_lock(url: str) -> Iterator[None]:
    """Hold the store's write lock as a writer in another process would (see `Store._write`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        conn = sqlite3.connect(parsed.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
        return
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT value FROM store_meta WHERE key = 'version' FOR UPDATE"))
            yield
    finally:
        engine.dispose()
