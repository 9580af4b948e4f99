"""Indicator tables as the command line, the pages and (later) the reports give them.

This joins the pure computations of `analysis` with the reference data: names, geography,
the province row. Column names follow DESIGN.md.
"""

from __future__ import annotations

import pandas as pd

from analysis.geography import assign_geography, latest_inventory_per_year
from analysis.vacancy import VACANCY_COLUMNS, change_since_previous, vacancy, vacancy_band
from dashboard import reference
from dashboard.settings import PROVINCE_NAME, PROVINCE_NIS_CODE

LEVELS = ("municipality", "province")
GEOGRAPHIES = ("2025", "2018")
ID_COLUMNS = ["nis_code", "municipality", "observed_on", "year"]
VACANCY_TABLE_COLUMNS = ID_COLUMNS + VACANCY_COLUMNS + ["vacancy_band", "vacancy_rate_units_change"]


def vacancy_table(units: pd.DataFrame, *, level: str = "municipality", geography: str = "2025",
                  year: int | None = None) -> pd.DataFrame:
    """Vacancy indicators per municipality and inventory, or per province and year.

    Parameters
    ----------
    units : DataFrame
        Stored units (``Store.units()``).
    level : {"municipality", "province"}
        Province rows add up each municipality's latest inventory of the year.
    geography : {"2025", "2018"}
        Municipal boundaries to report in (see `analysis.geography.assign_geography`).
    year : int, optional
        Keep only inventories of this calendar year (the change is still against the inventory
        before it).

    Returns
    -------
    DataFrame with `VACANCY_TABLE_COLUMNS`, sorted by ``nis_code`` and ``observed_on``.
    ``vacancy_rate_units_change`` is the difference with the previous inventory (a fraction:
    0.018 is 1.8 percentage points).
    """
    if level not in LEVELS:
        raise ValueError(f"Onbekend niveau {level!r}: kies {' of '.join(LEVELS)}.")
    if units.empty:
        return pd.DataFrame(columns=VACANCY_TABLE_COLUMNS)
    placed = assign_geography(units, reference.crosswalk(), geography)
    if level == "municipality":
        table = vacancy(placed, by=["nis_code", "observed_on"])
        table["municipality"] = table["nis_code"].map(reference.municipality_names(geography))
        table["year"] = pd.to_datetime(table["observed_on"]).dt.year
    else:
        latest = latest_inventory_per_year(placed)
        table = vacancy(latest.assign(nis_code=PROVINCE_NIS_CODE), by=["nis_code", "year"])
        table["observed_on"] = table["year"].map(latest.groupby("year")["observed_on"].max())
        table["municipality"] = PROVINCE_NAME
    table["vacancy_band"] = vacancy_band(table["vacancy_rate_units"])
    table = change_since_previous(table, ["vacancy_rate_units"])
    if year is not None:
        table = table[table["year"] == year]
    return table.sort_values(["nis_code", "observed_on"]).reset_index(drop=True)[VACANCY_TABLE_COLUMNS]
