"""Registers of vacant premises beside the complete inventory of the same year, as the command
line (``indicators --topic register``) and the Gemeente page give them."""

from __future__ import annotations

import pandas as pd

from analysis.geography import assign_geography, latest_of_year
from analysis.registers import COMPARISON_COLUMNS, MATCHES, comparison_counts, register_comparison
from dashboard import regions
from dashboard.regions import Region

REGISTER_COLUMNS = ["nis_code", "municipality", "year", "register_observed_on", "inventory_observed_on",
                    *COMPARISON_COLUMNS[1:]]
SUMMARY_COLUMNS = ["nis_code", "municipality", "year", "register_observed_on", "inventory_observed_on",
                   "register_units", *MATCHES]


def register_table(units: pd.DataFrame, registers: pd.DataFrame, *, geography: str = "2025",
                   year: int | None = None, nis_code: str | None = None,
                   region: Region | str | None = None) -> pd.DataFrame:
    """Per premises: each municipality's latest register of a year against its latest complete
    inventory of that year (`analysis.registers.register_comparison`).

    Parameters
    ----------
    units : the units that count (``Store.units()``).
    registers : the registers' units (``Store.registers()``).
    region : the province or Flanders whose registers count (`dashboard.regions`; None: the configured one).

    A register without a complete inventory of its year is compared with nothing: its rows have
    ``match`` ``register_only`` and no ``inventory_observed_on``.
    """
    region = regions.region(region)
    crosswalk = regions.crosswalk()
    own = assign_geography(regions.in_region(registers, region, geography) if len(registers) else registers,
                           crosswalk, geography)
    if nis_code is not None:
        own = own[own["nis_code"] == nis_code]
    if year is not None:
        own = own[pd.to_datetime(own["observed_on"]).dt.year == year]
    if own.empty:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    own = latest_of_year(own.assign(observed_on=pd.to_datetime(own["observed_on"])))
    complete = assign_geography(units[~units["is_register"].astype(bool)], crosswalk, geography)
    complete = latest_of_year(complete.assign(observed_on=pd.to_datetime(complete["observed_on"])))
    complete_year = complete["observed_on"].dt.year
    parts = []
    for (nis, day), register in own.groupby(["nis_code", "observed_on"], observed=True):
        inventory = complete[(complete["nis_code"] == nis) & (complete_year == day.year)]
        compared = register_comparison(register, inventory)
        parts.append(compared.assign(year=day.year, register_observed_on=day,
                                     inventory_observed_on=inventory["observed_on"].max()))
    table = pd.concat(parts, ignore_index=True)
    table["municipality"] = table["nis_code"].map(regions.municipality_names(geography))
    return table[REGISTER_COLUMNS]


def register_summary(table: pd.DataFrame) -> pd.DataFrame:
    """`register_table` counted per municipality and year: the register's premises and each match."""
    keys = ["nis_code", "municipality", "year", "register_observed_on", "inventory_observed_on"]
    rows = []
    for key, group in table.groupby(keys, dropna=False, observed=True, sort=True):
        counts = comparison_counts(group)
        rows.append({**dict(zip(keys, key, strict=True)),
                     "register_units": int(counts[["both_vacant", "occupied_in_inventory", "register_only"]].sum()),
                     **counts.astype(int).to_dict()})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
