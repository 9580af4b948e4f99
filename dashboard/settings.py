"""Documented defaults. Tests and deployments override them through the environment.

Every setting is read when it is used, so a test that sets an environment variable with
``monkeypatch.setenv`` sees its value without reloading this module.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.sources import DEFAULT_PREFERENCE, SOURCES

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
DEFAULT_TILES = "OpenStreetMap"

#: The default region (REFNIS code and name): West-Vlaanderen, the province the project started in.
#: `dashboard.regions` resolves any region: a Flemish province or all of Flanders.
PROVINCE_NIS_CODE = "30000"
PROVINCE_NAME = "West-Vlaanderen"
#: Environment variable with the region imports accept (units of municipalities elsewhere are rejected)
#: and the app opens on: a province's REFNIS code (10000 Antwerpen, 20001 Vlaams-Brabant, 30000
#: West-Vlaanderen, 40000 Oost-Vlaanderen, 70000 Limburg) or 02000 for all of Flanders. Default 30000.
#: The sidebar and ``--province`` show another region without changing what imports accept.
PROVINCE_ENV = "KERNMONITOR_PROVINCE"
#: West-Vlaanderen's bounding box (WGS84: west, south, east, north) plus 5 km on every side,
#: from the municipal boundaries in EPSG:31370. Coordinates outside it are rejected on import.
PROVINCE_BOUNDS = (2.50, 50.65, 3.59, 51.42)

#: Streamlit's upload limit (also in .streamlit/config.toml, server.maxUploadSize), in MB.
MAX_UPLOAD_MB = 200
#: Longest text accepted in one cell of an imported file.
MAX_FIELD_CHARS = 1_000
#: Floor areas beyond this many m² are typing errors (the largest Belgian shopping centres are
#: far below it per unit).
MAX_FLOOR_AREA_M2 = 100_000

#: Municipal geography used for time series by default: "2025" (62) or "2018" (64).
DEFAULT_GEOGRAPHY = "2025"
#: A field survey takes days or weeks: rows of one municipality in one file whose inventory dates
#: lie within this many days of the first form one inventory, dated at the last of them.
SURVEY_WINDOW_DAYS = 92
#: A unit with coordinates that neither names a declared shopping area nor lies in one's polygon is
#: in the nearest area given only as a point, up to this many metres away (`analysis.areas`). 250 m
#: is the radius of a circle as large as three quarters of West-Vlaanderen's 264 Locatus areas
#: (median 11 ha: 190 m; 75th percentile 19 ha: 246 m), and well under the distance between two
#: town centres. ``KERNMONITOR_AREA_POINT_DISTANCE_M`` overrides it.
AREA_POINT_DISTANCE_M = 250.0
AREA_POINT_DISTANCE_ENV = "KERNMONITOR_AREA_POINT_DISTANCE_M"

#: Inventory years of the sample data (1 January of each year).
SAMPLE_FIRST_YEAR = 2015
SAMPLE_LAST_YEAR = 2024
#: The earliest year a longer sample can start in (``seed --first-year``; the benchmark's twenty
#: inventories start in 2005). Years before 2015 follow an assumed path
#: (`dashboard.sample.targets.early_rate`).
SAMPLE_EARLIEST_YEAR = 2000


#: Environment variable with the folder for columnar copies of the stored batches
#: (`dashboard.store.batch_cache`). By default an SQLite store keeps them beside its file
#: (``kernmonitor.db.cache/``) and another database in ``data/cache/<hash of its URL>/``;
#: ``none`` turns the copies off (every read then comes from the database).
CACHE_ENV = "KERNMONITOR_CACHE"


def cache_dir(url) -> Path | None:
    """Where the columnar copies of the store at ``url`` live, or None (no copies: in-memory
    SQLite, or ``KERNMONITOR_CACHE=none``)."""
    import hashlib

    from sqlalchemy.engine import make_url

    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() in {"none", "geen", "0"}:
        return None
    parsed = make_url(url)
    key = hashlib.sha256(parsed.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    if value:
        return Path(value) / key
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        return None if not database or database == ":memory:" else Path(f"{database}.cache")
    return DATA_DIR / "cache" / key


def area_point_distance_m() -> float:
    """How far from an area's point a unit may lie to be in it (`AREA_POINT_DISTANCE_M`)."""
    value = os.environ.get(AREA_POINT_DISTANCE_ENV, "").strip()
    return float(value.replace(",", ".")) if value else AREA_POINT_DISTANCE_M


def db_url() -> str:
    """The store's SQLAlchemy URL: ``KERNMONITOR_DB`` or the embedded SQLite file."""
    return os.environ.get(DB_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"


def province_nis_code() -> str:
    """The region's code as set (``KERNMONITOR_PROVINCE``, default 30000), unchecked:
    `dashboard.regions.configured` checks it and says in Dutch what is wrong."""
    return os.environ.get(PROVINCE_ENV, "").strip() or PROVINCE_NIS_CODE


#: Environment variable that hides rankings and league tables (``0``, ``nee`` or ``false``), for
#: councils that prefer comparison without ranking, as Understanding Scottish Places does.
RANKINGS_ENV = "KERNMONITOR_RANKINGS"


def show_rankings() -> bool:
    """Whether pages show rankings (default yes)."""
    return os.environ.get(RANKINGS_ENV, "1").strip().lower() not in {"0", "nee", "no", "false", "uit"}


#: Environment variable that makes an instance read-only (``1``): no sign-in, no import, rollback,
#: mapping or report, for a public instance beside the coordinators' (see "Deployment" in the README).
READ_ONLY_ENV = "KERNMONITOR_READ_ONLY"


def read_only() -> bool:
    """Whether this instance only shows (``KERNMONITOR_READ_ONLY``, default no)."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in {"1", "ja", "yes", "true", "aan"}


#: Environment variable with the small-numbers threshold of a public deployment: counts of premises
#: from 1 up to one less than it, and what rests on them, show as "x" (`analysis.disclosure`;
#: Provincies in Cijfers uses 5). Empty or 0: off (the default).
DISCLOSURE_MIN_ENV = "KERNMONITOR_DISCLOSURE_MIN"


def disclosure_min() -> int:
    """The lowest count of premises shown besides 0 (``KERNMONITOR_DISCLOSURE_MIN``; 0, the default, is off).

    A value that is no whole number ≥ 0 is a fault of the deployment: ValueError, in Dutch.
    """
    value = os.environ.get(DISCLOSURE_MIN_ENV, "").strip()
    if not value:
        return 0
    if not value.isdigit():
        raise ValueError(f"{DISCLOSURE_MIN_ENV}={value!r} is geen geheel getal ≥ 0: zet het op 5 (zoals "
                         "Provincies in Cijfers) of op 0 (uit).")
    return int(value)


def boundaries_path() -> Path | None:
    """The configured boundary file, or None when the map uses proportional symbols."""
    value = os.environ.get(BOUNDARIES_ENV)
    return Path(value) if value else None


def tiles() -> str | None:
    """The map tiles, or None for a map without tiles (offline use and tests)."""
    value = os.environ.get(TILES_ENV, DEFAULT_TILES)
    return None if value.strip().lower() in {"", "none", "geen"} else value


#: Environment variable with the TOML file that holds the coordinator accounts (section
#: ``[coordinators]``, ``NAME = "<bcrypt hash>"``); tests point it at a temporary file.
SECRETS_ENV = "KERNMONITOR_SECRETS"
#: The default accounts file: Streamlit's own secrets file of the project (git-ignored).
DEFAULT_SECRETS_PATH = PROJECT_DIR / ".streamlit" / "secrets.toml"
#: Environment variable that may hold the accounts instead, as ``name:hash,name2:hash2``. When it
#: is set (not empty), it is the only source: the secrets file is not read for accounts.
COORDINATORS_ENV = "KERNMONITOR_COORDINATORS"
#: Environment variable with bcrypt's cost for new password hashes (4–31); tests use 4 for speed.
BCRYPT_ROUNDS_ENV = "KERNMONITOR_BCRYPT_ROUNDS"
#: bcrypt's cost by default: 2^12 rounds, about a quarter of a second per check.
DEFAULT_BCRYPT_ROUNDS = 12


def secrets_path() -> Path:
    """The TOML file with the coordinator accounts (``KERNMONITOR_SECRETS`` or the project's)."""
    value = os.environ.get(SECRETS_ENV)
    return Path(value) if value else DEFAULT_SECRETS_PATH


def bcrypt_rounds() -> int:
    """bcrypt's cost for new password hashes (``KERNMONITOR_BCRYPT_ROUNDS``, default 12)."""
    value = os.environ.get(BCRYPT_ROUNDS_ENV, "").strip()
    return int(value) if value else DEFAULT_BCRYPT_ROUNDS


#: Environment variable that lowers or raises the upload limit (in MB) for imports on the command
#: line and in tests; the page's own limit stays server.maxUploadSize in .streamlit/config.toml.
MAX_UPLOAD_MB_ENV = "KERNMONITOR_MAX_UPLOAD_MB"
#: Most rows one imported file may have under its header (blank rows count, as Excel numbers them):
#: ten times the province's whole inventory. Reading stops at the first row past it.
MAX_ROWS = 2_000_000
#: Environment variable that overrides ``MAX_ROWS``.
MAX_ROWS_ENV = "KERNMONITOR_MAX_ROWS"
#: Most columns one imported file may have (a Locatus export has about 40).
MAX_COLUMNS = 500
#: Most that the parts of an XLSX file may add up to once unpacked, in MB, read from the zip's
#: directory before anything is unpacked.
MAX_XLSX_UNPACKED_MB = 1_000
#: Most times smaller than its unpacked size one part of an XLSX file may be packed. Worksheets
#: pack 5 to 20 times; a zip bomb about 1,000 times. Apache POI refuses beyond 100 as well.
MAX_COMPRESSION_RATIO = 100
#: Parts smaller than this (in bytes, unpacked) may be packed as tightly as they like.
COMPRESSION_GRACE_BYTES = 1_000_000
#: Most parts one XLSX file may have (a workbook has about 10, plus one per sheet or picture).
MAX_XLSX_PARTS = 10_000
#: Most distinct texts (shared strings) one XLSX file may hold: four per row at the row limit. The
#: reader keeps them all in memory (about 60 bytes each), used or not. A single text is held to
#: ``MAX_FIELD_CHARS`` as any cell is, and all cells together to as much text as a CSV file at the
#: upload limit holds: a text written once may fill any number of cells.
MAX_SHARED_STRINGS = 8_000_000


def max_upload_bytes() -> int:
    """The largest file an import accepts, in bytes (``KERNMONITOR_MAX_UPLOAD_MB`` or ``MAX_UPLOAD_MB``)."""
    return int(float(os.environ.get(MAX_UPLOAD_MB_ENV) or MAX_UPLOAD_MB) * 1024 * 1024)


def max_rows() -> int:
    """The most rows an imported file may have under its header (``KERNMONITOR_MAX_ROWS`` or ``MAX_ROWS``)."""
    return int(os.environ.get(MAX_ROWS_ENV) or MAX_ROWS)


#: Environment variable with the order of preference of sources of complete inventories,
#: comma-separated (e.g. ``own_survey,locatus,other``).
SOURCE_PREFERENCE_ENV = "KERNMONITOR_SOURCE_PREFERENCE"


def source_preference() -> tuple[str, ...]:
    """Which source's complete inventory a municipality's figures use when two give one for the
    same year (`analysis.sources.counted_inventories`); default Locatus, own survey, other."""
    value = os.environ.get(SOURCE_PREFERENCE_ENV, "").strip()
    if not value:
        return DEFAULT_PREFERENCE
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [part for part in chosen if part not in SOURCES]
    if unknown:
        raise ValueError(f"{SOURCE_PREFERENCE_ENV}: onbekende bron {', '.join(unknown)}; "
                         f"kies uit {', '.join(SOURCES)}.")
    return chosen
