"""Units placed in one municipal geography, with their inventories grouped and tallied once.

Every indicator table groups the units by municipality and inventory date; the province, the
mix and the campaign use each municipality's latest inventory of a year. At 1.5 million units
one such grouping costs about as much as a whole indicator, so the tables share one
`PlacedUnits` (the dashboard keeps one per store version and geography, as it keeps the units)
instead of grouping again each: these are the frames the analysis starts from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis._grouping import Groups, group_ids
from analysis._tallies import Tallies, tally
from analysis.campaign import _retail_units_of_tallies
from analysis.geography import assign_geography, is_latest_of_year
from analysis.mix import _group_share_columns, _mix_counts_of_tallies, _shop_mix
from analysis.vacancy import NEEDS_ALL_OUTLETS, _vacancy_of_tallies

#: The columns of one inventory: a municipality on one date.
INVENTORY_KEYS = ["nis_code", "observed_on"]


@dataclass(frozen=True)
class PlacedUnits:
    """Units with ``nis_code`` in one geography (`analysis.geography.assign_geography`).

    Attributes
    ----------
    units : DataFrame
        The placed units.
    geography : str
        "2025" or "2018".
    inventories : Groups
        The units grouped by `INVENTORY_KEYS`.
    is_latest : ndarray of bool
        Per inventory: the latest of its municipality in its calendar year, among those of every
        outlet (a register of vacant premises only never adds to the province, the mix or the
        campaign).
    is_register : ndarray of bool
        Per inventory: from a register of vacant premises only (units with ``is_register``).
    tallies : Tallies
        Units and floor area per inventory and cell (`analysis._tallies.tally`).

    ``dataclasses.replace(placed)`` gives the same frames without the latest tallies made so far.
    """

    units: pd.DataFrame
    geography: str
    inventories: Groups
    is_latest: np.ndarray
    is_register: np.ndarray
    tallies: Tallies
    _latest_tallies: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def latest_inventories(self) -> pd.DataFrame:
        """``nis_code`` and ``observed_on`` of each municipality's latest inventory of a year."""
        return self.inventories.keys[self.is_latest]

    def latest_tallies(self, by: list[str]) -> Tallies:
        """`tallies` of each municipality's latest inventory of a year, added up per ``by``
        (columns of the inventories' keys, or ``year``); made once per ``by``."""
        if tuple(by) not in self._latest_tallies:
            keys = self.inventories.keys
            year = keys["observed_on"].dt.year.fillna(0).astype("int32")  # a missing date is never latest
            self._latest_tallies[tuple(by)] = self.tallies.combine(keys.assign(year=year)[by], where=self.is_latest)
        return self._latest_tallies[tuple(by)]

    def _tallies_for(self, latest_per: list[str] | None) -> Tallies:
        return self.tallies if latest_per is None else self.latest_tallies(latest_per)

    def vacancy(self, *, scope: str = "all", latest_per: list[str] | None = None) -> pd.DataFrame:
        """`analysis.vacancy.vacancy` per inventory (``nis_code``, ``observed_on``), from the tallies,
        with ``is_register_only``: a register's inventory leaves `analysis.vacancy.NEEDS_ALL_OUTLETS`
        empty (it knows only the vacant premises).

        With ``latest_per`` (columns of the inventories' keys, or ``year``): over each
        municipality's latest inventory of a year, added up per those columns (``["year"]``: the
        province).
        """
        table = _vacancy_of_tallies(self._tallies_for(latest_per), scope=scope)
        if latest_per is not None or not self.is_register.any():
            return table.assign(is_register_only=False)
        registers = self.inventories.keys[self.is_register]
        marked = table.merge(registers.assign(is_register_only=True), on=INVENTORY_KEYS, how="left")
        table["is_register_only"] = marked["is_register_only"].fillna(False).astype(bool).to_numpy()
        table.loc[table["is_register_only"], NEEDS_ALL_OUTLETS] = np.nan
        return table

    def shop_mix(self, *, latest_per: list[str]) -> pd.DataFrame:
        """`analysis.mix.shop_mix` joined with `analysis.mix.group_share_columns` over each
        municipality's latest inventory of a year, per ``latest_per`` (as in `vacancy`)."""
        counts = _mix_counts_of_tallies(self.latest_tallies(latest_per))
        return _shop_mix(counts).join(_group_share_columns(counts), on=latest_per)

    def occupied_retail_units(self, *, latest_per: list[str] | None = None) -> pd.DataFrame:
        """`analysis.campaign.occupied_retail_units` per inventory (or per ``latest_per``, as in
        `vacancy`), from the tallies."""
        return _retail_units_of_tallies(self._tallies_for(latest_per))


def place_units(units: pd.DataFrame, crosswalk: pd.DataFrame, geography: str) -> PlacedUnits:
    """``units`` in ``geography`` with their inventories grouped (see `PlacedUnits`).

    Examples
    --------
    >>> walk = pd.DataFrame({"nis_code": ["37007", "37015"], "nis_code_2025": ["37022", "37022"]})
    >>> units = pd.DataFrame({"nis_code": ["37007", "37015", "37015"],
    ...     "observed_on": pd.to_datetime(["2024-03-01", "2024-06-01", "2023-06-01"])})
    >>> placed = place_units(units, walk, "2025")
    >>> placed.inventories.keys.assign(is_latest=placed.is_latest).values.tolist()
    [['37022', Timestamp('2023-06-01 00:00:00'), True], ['37022', Timestamp('2024-03-01 00:00:00'), False], \
['37022', Timestamp('2024-06-01 00:00:00'), True]]
    """
    placed = assign_geography(units, crosswalk, geography)
    placed = placed.assign(observed_on=pd.to_datetime(placed["observed_on"]))
    if "is_register" not in placed:
        placed["is_register"] = False
    inventories = group_ids(placed, INVENTORY_KEYS)
    is_register = inventories.count(placed["is_register"].to_numpy(dtype=bool)) > 0
    keys = inventories.keys.assign(observed_on=inventories.keys["observed_on"].where(~is_register))
    return PlacedUnits(units=placed, geography=geography, inventories=inventories,
                       is_latest=is_latest_of_year(keys), is_register=is_register, tallies=tally(placed, inventories))
