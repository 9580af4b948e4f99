"""Units rows from parsed columns: inventory date, status, category, coordinates, a stable id."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
from pyproj import Transformer

from analysis.addresses import is_present as _present
from analysis.addresses import number_key, street_key
from analysis.addresses import text_key as _key
from dashboard import settings
from dashboard.i18n import format_address, format_date
from dashboard.ingest.categories import VACANT_GROUP, categorise
from dashboard.ingest.compact import combinations, repeats, shared_objects
from dashboard.ingest.places import name_of
from dashboard.ingest.problems import WARNING, Problem
from dashboard.ingest.values import map_distinct


@cache
def _lambert72_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)


def lambert72_to_wgs84(x: pd.Series, y: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Belgian Lambert 72 metres (EPSG:31370) → WGS84 latitude and longitude in degrees.

    >>> lat, lon = lambert72_to_wgs84(pd.Series([62500.0]), pd.Series([182579.0]))  # Roeselare, Grote Markt
    >>> round(float(lat[0]), 3), round(float(lon[0]), 3)
    (50.947, 3.124)
    """
    lon, lat = _lambert72_to_wgs84().transform(x.to_numpy(dtype=float), y.to_numpy(dtype=float))
    return pd.Series(lat, index=x.index).where(x.notna() & y.notna()), pd.Series(lon, index=x.index).where(
        x.notna() & y.notna())


def build_units(parsed: pd.DataFrame, source: dict[str, str], *, observed_on, unreadable: set[tuple[int, str]],
                cells: pd.DataFrame, file_key: str, status: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The store's units columns from parsed ones, with the problems only units can have.

    ``unreadable`` holds (row number, column) of cells the parser already reported; ``cells``
    are the file's own cells (for reports); ``file_key`` makes row-based ids unique to the file;
    ``status`` is every unit's status in a file without a status column.
    """
    if (areas := areas_not_units(source, list(cells.columns), status)) is not None:
        return parsed, [areas]
    problems: list[Problem] = []
    # Copy on write (pandas 3): the columns are shared until one is changed, which then gets an
    # array of its own; a deep copy would hold every parsed column twice (0,4 GB at the row limit).
    rows = parsed.copy(deep=False)
    _split_address(rows, source)
    problems += _inventory_date(rows, source, observed_on, unreadable)
    problems += _status(rows, source, unreadable, cells, status)
    problems += _coordinates(rows, source)
    derived = rows["unit_id"].isna().to_numpy()
    problems += _unit_id(rows, source, file_key=file_key)
    problems += _survey_windows(rows, source)
    problems += _same_address(rows, source, derived)
    problems += _duplicates(rows, source)
    rows["floor_area_m2"] = rows["floor_area_m2"].astype("float64")
    for column in ("observed_on", "vacant_since"):
        rows[column] = pd.to_datetime(rows[column]).astype("datetime64[ns]")
    precision = rows.get("vacant_since_precision", pd.Series(None, index=rows.index, dtype=object))
    rows["vacant_since_precision"] = precision.where(rows["vacant_since"].notna(), None)  # None: a day
    return rows, problems


_ADDRESS = re.compile(r"^\s*(?P<street>.*?[^\d\s,])[\s,]+(?P<number>\d+\s*[a-zA-Z]{0,2}"
                      r"(?:\s*(?:bus|bte|b|/)\s*\w+)?)\s*(?:,.*)?$", re.IGNORECASE)


def split_address(text) -> tuple[str | None, str | None]:
    """Street and house number of an address written in one cell (what follows a comma, such as
    the postcode and town, is dropped); without a number, the whole text is the street.

    >>> [split_address(a) for a in ["Markt 12", "Sint-Jansstraat 1A bus 2", "Grote Markt 1, 8500 Kortrijk", "Markt"]]
    [('Markt', '12'), ('Sint-Jansstraat', '1A bus 2'), ('Grote Markt', '1'), ('Markt', None)]
    """
    if not _present(text):
        return None, None
    found = _ADDRESS.match(str(text))
    return (found["street"].strip(), found["number"].strip()) if found else (str(text).strip(), None)


def _split_address(rows: pd.DataFrame, source: dict[str, str]) -> None:
    """Fill street and house number from an address column where the file has no street."""
    if "address" not in source or "street" in source:
        return
    parts = map_distinct(rows["address"], lambda text: split_address(text))
    rows["street"] = parts.map(lambda pair: pair[0] if isinstance(pair, tuple) else None)
    if "house_number" not in source:
        rows["house_number"] = parts.map(lambda pair: pair[1] if isinstance(pair, tuple) else None)


def areas_not_units(source: dict[str, str], headers: list, status: str | None) -> Problem | None:
    """The problem of a list of shopping areas imported as units (no status or category, headers of
    areas), or None."""
    if "status" in source or "category" in source or status is not None \
            or not _AREA_HEADERS.search(" ".join(map(str, headers)).lower()):
        return None
    return Problem(None, None, ", ".join(map(str, headers)), (
        "dit lijkt een lijst van winkelgebieden (een naam, een type en een ligging per gebied), geen "
        "inventaris van verkooppunten: importeer het als winkelgebieden (--kind areas; op de pagina Gegevens: "
        "soort 'winkelgebieden'). Een inventaris heeft per pand een adres en een status (bezet/leeg)."))


def no_date() -> Problem:
    """A units file without a date column, and no date given: none of its rows can be stored."""
    return Problem(None, None, None, "geen peildatum: voeg een kolom peildatum (of jaar) toe, of geef de "
                                     "inventarisdatum op (--observed-on 31/12/2023; op de pagina: 'Peildatum voor "
                                     "rijen zonder datum'). De rijen worden gecontroleerd zodra de datum gekend is.")


def _inventory_date(rows: pd.DataFrame, source: dict[str, str], observed_on,
                    unreadable: set[tuple[int, str]]) -> list[Problem]:
    if observed_on is not None:
        rows["observed_on"] = pd.to_datetime(rows["observed_on"]).fillna(pd.Timestamp(observed_on))
    if "observed_on" not in source and observed_on is None:
        return [no_date()]
    missing = rows["observed_on"].isna()
    return [Problem(int(n), source.get("observed_on"), None, "geen peildatum in deze rij")
            for n in rows.index[missing] if (n, "observed_on") not in unreadable]


def _survey_windows(rows: pd.DataFrame, source: dict[str, str],
                    window_days: int = settings.SURVEY_WINDOW_DAYS) -> list[Problem]:
    """Date each municipality's rows whose dates lie within ``window_days`` of the window's first
    at the window's last date: one field survey, one inventory. A warning names the dates.

    >>> rows = pd.DataFrame({"nis_code": ["34022"] * 4 + ["31005"], "observed_on": pd.to_datetime(
    ...     ["2024-03-01", "2024-03-04", "2024-03-14", "2025-01-01", "2024-03-01"])})
    >>> problems = _survey_windows(rows, {"observed_on": "datum"})
    >>> rows["observed_on"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-14', '2024-03-14', '2024-03-14', '2025-01-01', '2024-03-01']
    >>> print(problems[0].problem)
    veldopname: de rijen van Kortrijk met peildata van 01/03/2024 tot 14/03/2024 (3 datums binnen 92 dagen) \
vormen één inventaris op 14/03/2024
    """
    dates = pd.to_datetime(rows["observed_on"])
    _, first = combinations(rows["nis_code"], dates)  # each municipality's dates once, not every row
    pairs = pd.DataFrame({"nis_code": rows["nis_code"].iloc[first].to_numpy(), "day": dates.iloc[first].to_numpy()})
    problems = []
    for nis_code, days in pairs.dropna().groupby("nis_code")["day"]:
        distinct = sorted(days)
        while distinct:
            start = distinct[0]
            inside = [day for day in distinct if (day - start).days <= window_days]  # no ns overflow in 9999
            distinct = distinct[len(inside):]
            if len(inside) < 2:
                continue
            last = inside[-1]
            dates[rows["nis_code"].eq(nis_code).to_numpy() & dates.isin(inside).to_numpy()] = last
            problems.append(Problem(None, source.get("observed_on"), None, (
                f"veldopname: de rijen van {name_of(nis_code)} met peildata van "
                f"{format_date(start)} tot {format_date(last)} ({len(inside)} datums binnen {window_days} dagen) "
                f"vormen één inventaris op {format_date(last)}"), WARNING))
    rows["observed_on"] = dates
    return problems


#: Headers of a list of shopping areas (Provincies in Cijfers' winkelgebieden: id, name, type, place).
_AREA_HEADERS = re.compile(r"winkelgebied|winkelas|kernwinkel|shopping.?area|type.?gebied|geometr|wkt")


def _status(rows: pd.DataFrame, source: dict[str, str], unreadable: set[tuple[int, str]],
            cells: pd.DataFrame, status: str | None = None) -> list[Problem]:
    if status is not None and "status" not in source:  # one status for a file without a column (--status)
        rows["status"] = status
        source = {**source, "status": None}
    if "status" not in source and "category" not in source:
        return [Problem(None, None, None, "geen kolom status (bezet/leeg) en geen categorie waaruit die volgt "
                                          "(bv. GROEP met 00-Leegstand): voeg een kolom status toe, of geef er "
                                          "één voor het hele bestand (--status vacant voor een register)")]
    problems = []
    category, group_code, unknown = categorise(rows["category"])
    problems += [Problem(int(n), source["category"], rows.at[n, "category"],
                         "onbekende categorie: wordt 'Onbekend'; gebruik een Locatus-groep (bv. 22-Mode & Luxe) "
                         "of een NACE-code (bv. 47.71)", WARNING) for n in rows.index[unknown]]
    rows["category"], rows["group_code"] = category, group_code
    implied = shared_objects(map_distinct(group_code, lambda code: None if pd.isna(code) else
                                          ("vacant" if code == VACANT_GROUP else "occupied")))
    given = rows["status"]
    conflict = given.eq("occupied") & group_code.eq(VACANT_GROUP)
    problems += [Problem(int(n), source.get("status"), cells.at[n, source["status"]] if source["status"] else status,
                         "status bezet maar categorie 00-Leegstand: kies één van beide")
                 for n in rows.index[conflict.fillna(False).astype(bool)]]
    rows["status"] = given.where(given.notna(), implied)
    problems += [Problem(int(n), source.get("status") or source.get("category"), None,
                         "geen status: schrijf bezet of leeg, of geef een categorie")
                 for n in rows.index[rows["status"].isna()] if (n, "status") not in unreadable]
    return problems


def _coordinates(rows: pd.DataFrame, source: dict[str, str]) -> list[Problem]:
    if "lat" not in source and "x" in source and "y" in source:
        rows["lat"], rows["lon"] = lambert72_to_wgs84(rows["x"].astype(float), rows["y"].astype(float))
    rows["lat"], rows["lon"] = rows["lat"].astype("float64"), rows["lon"].astype("float64")
    half = rows["lat"].isna() != rows["lon"].isna()
    first = source.get("lat") or source.get("y") or source.get("lon") or source.get("x")
    return [Problem(int(n), first, None, "maar één van beide coördinaten ingevuld: vul beide in of geen")
            for n in rows.index[half]]


def _unit_id(rows: pd.DataFrame, source: dict[str, str], *, file_key: str = "") -> list[Problem]:
    """Given ids are kept; otherwise the address (or, without a street, the name) makes a stable id.

    >>> rows = pd.DataFrame({"unit_id": [None, "P7", None, None], "nis_code": ["34022"] * 4,
    ...     "street": ["Lange  Steenstraat", None, None, None], "house_number": ["12", None, None, None],
    ...     "name": [None, None, "Bakkerij Peeters", None]})
    >>> problems = _unit_id(rows, {}, file_key="ab12")
    >>> rows["unit_id"].tolist(), [p.severity for p in problems]
    (['34022|lange steenstraat|12', 'P7', '34022|naam|bakkerij peeters', '34022|rij|ab12|3'], ['waarschuwing'])
    """
    # Only rows without an id of their own need one made (a Locatus file gives every row one).
    unit_id = rows["unit_id"].astype(object)
    made = rows[unit_id.isna()]
    ids = [_unit_key(nis, street, number, name, f"{file_key}|{row_number}" if file_key else row_number)
           for nis, street, number, name, row_number
           in zip(made["nis_code"], made["street"], made["house_number"], made["name"], made.index, strict=True)]
    unit_id[made.index] = [key for key, _ in ids]
    rows["unit_id"] = unit_id
    missing = [by_row for _, by_row in ids]
    if not any(missing):
        return []
    return [Problem(None, None, None, f"{sum(missing)} rij(en) zonder pand-id, adres of naam: ze tellen mee, "
                    "maar zijn niet over inventarissen heen te volgen (openingen, sluitingen). Voeg een pand-id "
                    "of straat en huisnummer toe.", WARNING)]


def _same_address(rows: pd.DataFrame, source: dict[str, str], derived: np.ndarray) -> list[Problem]:
    """Several trade names at one address on one date (a gallery, "bus" numbers left out) are as
    many units: each id made from the address gets its name; a warning names them."""
    if not derived.any():  # every id given (a Locatus export): no need to hash them all
        return []
    again, first = repeats(rows["unit_id"], rows["observed_on"])
    repeated = np.zeros(len(rows), dtype=bool)
    repeated[again], repeated[first] = True, True  # every row of an id and date that comes twice
    shared = rows[derived & repeated & rows["unit_id"].notna().to_numpy()]
    problems = []
    for _, group in shared.groupby(["unit_id", "observed_on"], sort=False):
        names = group["name"].map(lambda name: _key(name) if _present(name) else "")
        if names.nunique() < 2:
            continue  # one name twice: the same unit twice, a duplicate
        rows.loc[group.index, "unit_id"] = [f"{unit}|{name or f'rij|{n}'}" for unit, name, n
                                            in zip(group["unit_id"], names, group.index, strict=True)]
        shown = ", ".join(str(name) if _present(name) else "(zonder naam)" for name in group["name"])
        problems.append(Problem(int(group.index[0]), source.get("street"), _address(group.iloc[0]), (
            f"{len(group)} zaken op één adres ({shown}; rijen {', '.join(map(str, group.index))}): ze tellen "
            "als aparte verkooppunten. Geef ze een pand-id of een busnummer om ze zeker apart te volgen."), WARNING))
    return problems


def _duplicates(rows: pd.DataFrame, source: dict[str, str]) -> list[Problem]:
    """A unit twice on one date: an error on the later row naming the unit, the date and the first row."""
    keys = ["nis_code", "unit_id", "observed_on"]
    again, first = repeats(*(rows[key] for key in keys))
    known = rows[keys].notna().all(axis=1).to_numpy()[again]  # a row without one is reported as such
    if not known.any():
        return []
    earlier = dict(zip(rows.index[again[known]], rows.index[first[known]], strict=True))
    column = source.get("unit_id") or source.get("street") or source.get("name")
    return [Problem(int(n), column, row["unit_id"] if "unit_id" in source else _address(row), (
        f"pand {_address(row) or row['unit_id']} op {format_date(row['observed_on'])} staat al in rij "
        f"{earlier[n]} (dezelfde pand-id en peildatum): verwijder de dubbele rij, of geef elk pand een eigen "
        "pand-id")) for n, row in rows.loc[list(earlier)].iterrows()]


def _address(row) -> str:
    return format_address(row["street"], row["house_number"], missing="")


def _unit_key(nis_code, street, number, name, row_number) -> tuple[str | None, bool]:
    """The id made for a unit without one, and whether it could only be made from the row number."""
    if not _present(nis_code):
        return None, False
    if _present(street):
        return f"{nis_code}|{street_key(street)}|{number_key(number) if _present(number) else ''}", False
    if _present(name):
        return f"{nis_code}|naam|{_key(name)}", False
    # Without id, address or name a unit is only this row: it counts, but cannot be followed.
    return f"{nis_code}|rij|{row_number}", True
