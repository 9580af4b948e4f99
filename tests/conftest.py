"""Shared fixtures: stores on SQLite and PostgreSQL, a seeded sample store, tiny unit tables, accounts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import bcrypt
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dashboard.auth import accounts as auth
from dashboard.sample import seed_store
from dashboard.store.database import Store

PG_ENV = "KERNMONITOR_TEST_PG_URL"


@pytest.fixture(autouse=True)
def offline_maps(monkeypatch):
    """Tests run offline: maps without tiles (the only network a map could use)."""
    monkeypatch.setenv("KERNMONITOR_TILES", "none")


@pytest.fixture(autouse=True)
def columnar_copies(monkeypatch, tmp_path_factory):
    """Columnar copies of batches (dashboard.store.batch_cache) go to a temporary folder, never to data/."""
    monkeypatch.setenv("KERNMONITOR_CACHE", str(tmp_path_factory.getbasetemp() / "columnar-copies"))


@pytest.fixture(scope="session")
def _absent_secrets(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("secrets") / "absent.toml"


@pytest.fixture(autouse=True)
def default_store(monkeypatch, tmp_path_factory):
    """A command or page without --db never touches data/kernmonitor.db (a test sets its own URL)."""
    monkeypatch.setenv("KERNMONITOR_DB", f"sqlite:///{tmp_path_factory.mktemp('default') / 'kernmonitor.db'}")


@pytest.fixture(autouse=True)
def no_accounts(monkeypatch, _absent_secrets):
    """Tests never read the project's own accounts; bcrypt is cheap and the slow-down starts afresh."""
    monkeypatch.setenv("KERNMONITOR_SECRETS", str(_absent_secrets))
    monkeypatch.delenv("KERNMONITOR_COORDINATORS", raising=False)
    monkeypatch.setenv("KERNMONITOR_BCRYPT_ROUNDS", "4")
    auth.THROTTLE.clear()


#: The test coordinator's account (bcrypt cost 4: fast, and checked like any other).
COORDINATOR, PASSWORD = "an", "twaalf-tekens-of-meer"
COORDINATOR_HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()


@pytest.fixture
def coordinator(tmp_path, monkeypatch) -> Path:
    """A secrets file with one coordinator account (COORDINATOR, PASSWORD), used by the app and the CLI."""
    path = tmp_path / "secrets.toml"
    path.write_text(f'[coordinators]\n{COORDINATOR} = "{COORDINATOR_HASH}"\n', encoding="utf-8")
    monkeypatch.setenv("KERNMONITOR_SECRETS", str(path))
    return path


def sign_in(at, name: str = COORDINATOR, password: str = PASSWORD):
    """Sign in through the sidebar's widgets of a page in AppTest, and run it."""
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin").click()
    return at.run()


def _postgres_server() -> str:
    """The PostgreSQL server URL for store tests. In CI a missing server fails the test."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{PG_ENV} is not set: CI must start PostgreSQL (.ci/run) and pass its URL.")
    pytest.skip(f"no PostgreSQL server ({PG_ENV} not set); CI runs these against a real server")


@contextmanager
def fresh_postgres_database(server_url, *, prefix: str = "kernmonitor_test") -> Iterator[str]:
    """A new, empty database on the server of ``server_url``; dropped afterwards."""
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards."""
    with fresh_postgres_database(_postgres_server()) as url:
        yield url


def store_state(url: str) -> tuple:
    """The store's version and the row count of every table: equal before and after a refusal."""
    from sqlalchemy import func, select

    from dashboard.store import schema

    store = Store(url)
    with store.engine.connect() as conn:
        counts = tuple(conn.execute(select(func.count()).select_from(table)).scalar_one()
                       for table in (schema.batches, schema.units, schema.inventories, schema.campaign,
                                     schema.votes, schema.rejected_rows))
    return store.version(), counts


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """The same store test on the embedded SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kernmonitor.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def seeded_url(tmp_path_factory) -> str:
    """A SQLite store filled once with the full sample (scale 1)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'kernmonitor.db'}"
    seed_store(Store(url))
    return url


@pytest.fixture(scope="session")
def seeded_store(seeded_url) -> Store:
    return Store(seeded_url)


def unit_rows(*rows: dict, observed_on: str = "2018-01-01", nis_code: str = "34022") -> pd.DataFrame:
    """A units frame from a few dicts, with defaults for what a test does not care about."""
    defaults = {
        "nis_code": nis_code, "municipality": None, "postcode": None, "street": None, "house_number": None,
        "name": None, "category": None, "group_code": "11", "status": "occupied", "floor_area_m2": None,
        "vacant_since": None, "observed_on": observed_on, "lat": None, "lon": None, "chain": None,
        "shopping_area": None,
    }
    frame = pd.DataFrame([{**defaults, "unit_id": f"u{i}", **row} for i, row in enumerate(rows)])
    for column in ("observed_on", "vacant_since"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def shown(element) -> pd.DataFrame:
    """What an ``st.dataframe`` element shows: the display values of its Styler (formatted text), or
    its values when it has none."""
    import pyarrow as pa

    data = element.proto.arrow_data
    if not data.HasField("styler"):
        return element.value
    return pa.ipc.open_stream(data.styler.display_values).read_all().to_pandas()
