"""Documented defaults. Tests and deployments override them through the environment.

Every setting is read when it is used, so a test that sets an environment variable with
``monkeypatch.setenv`` sees its value without reloading this module.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"

#: Environment variable with any SQLAlchemy URL of the store.
DB_ENV = "KERNMONITOR_DB"
#: The embedded store used when ``KERNMONITOR_DB`` is not set (created on first use).
DEFAULT_DB_PATH = DATA_DIR / "kernmonitor.db"

#: Environment variable with a boundary file (GeoJSON, GeoPackage or Shapefile, any CRS).
BOUNDARIES_ENV = "KERNMONITOR_BOUNDARIES"
#: Environment variable naming the map tiles: ``OpenStreetMap``, ``CartoDB positron`` or ``none``.
TILES_ENV = "KERNMONITOR_TILES"
DEFAULT_TILES = "CartoDB positron"

#: The province the dashboard covers (REFNIS code and name). Units elsewhere are rejected.
PROVINCE_NIS_CODE = "30000"
PROVINCE_NAME = "West-Vlaanderen"

#: Municipal geography used for time series by default: "2025" (62) or "2018" (64).
DEFAULT_GEOGRAPHY = "2025"

#: Inventory years of the sample data (1 January of each year).
SAMPLE_FIRST_YEAR = 2015
SAMPLE_LAST_YEAR = 2024


def db_url() -> str:
    """The store's SQLAlchemy URL: ``KERNMONITOR_DB`` or the embedded SQLite file."""
    return os.environ.get(DB_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"


def boundaries_path() -> Path | None:
    """The configured boundary file, or None when the map uses proportional symbols."""
    value = os.environ.get(BOUNDARIES_ENV)
    return Path(value) if value else None


def tiles() -> str | None:
    """The map tiles, or None for a map without tiles (offline use and tests)."""
    value = os.environ.get(TILES_ENV, DEFAULT_TILES)
    return None if value.strip().lower() in {"", "none", "geen"} else value
