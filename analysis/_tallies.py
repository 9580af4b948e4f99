"""Tallies: units and floor area per inventory, split by Locatus group, status and chain flag.

Almost every indicator of an inventory is a sum over its units of what each unit is (its group,
its status, whether it is a chain's branch) and of its floor area. One pass over the units puts
those sums in a cube of a few hundred cells per inventory; the vacancy, mix and campaign tables
then add up cells instead of 1.5 million rows. Only the duration and the size of vacant units
(medians, the largest three) need rows: `Tallies` keeps the vacant ones (about a tenth).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis._grouping import Groups, group_ids, sorted_codes

#: Status slots of the cube; a third slot holds any other or missing status.
STATUSES = ("occupied", "vacant")
#: Chain slots: not a chain, a chain's branch; a third slot holds an unknown flag.
CHAIN_FLAGS = (False, True)
MEASURES = ("units", "units_area_known", "floor_area_m2")
#: The columns a tally reads; a frame without one counts it as unknown for every unit.
_TALLIED = ("group_code", "status", "chain", "floor_area_m2", "vacant_since")


@dataclass(frozen=True)
class VacantRows:
    """The vacant units of the tallied inventories, each with its cell and inventory."""

    inventory: np.ndarray  # position in `Tallies.keys`
    cell: np.ndarray  # position in `Tallies.cells`
    floor_area_m2: np.ndarray  # NaN: unknown
    vacancy_days: np.ndarray  # NaN: unknown (see `analysis.vacancy.vacancy_days`)


@dataclass(frozen=True)
class Tallies:
    """Sums per key (an inventory, or inventories taken together) and cell.

    Attributes
    ----------
    keys : DataFrame
        One row per key, in the order of `analysis._grouping.group_ids`.
    group_codes : Index
        The sorted Locatus group codes of the cells (and one cell for a missing code).
    units, units_area_known, floor_area_m2 : ndarray, shape (len(keys), len(cells()))
        Units, units with a known floor area and their floor area (m²) per key and cell.
    vacant : VacantRows
        The units with status ``vacant``.
    """

    keys: pd.DataFrame
    group_codes: pd.Index
    units: np.ndarray
    units_area_known: np.ndarray
    floor_area_m2: np.ndarray
    vacant: VacantRows

    @property
    def cells(self) -> pd.DataFrame:
        """``group_code``, ``status`` and ``chain`` of each cell, so that the indicators' own
        row tests (`analysis.vacancy.in_scope`, …) pick cells as they would pick rows. Shared by
        every tallies of the same group codes: read it, do not change it."""
        return _cells(tuple(self.group_codes))

    def total(self, measure: str, cells: np.ndarray) -> np.ndarray:
        """``measure`` per key, summed over the ``cells`` (a boolean per cell)."""
        return getattr(self, measure)[:, cells].sum(axis=1)

    def per_group(self, measure: str, cells: np.ndarray) -> np.ndarray:
        """``measure`` per key (rows) and group code (columns, `group_codes`), over the ``cells``."""
        values = np.where(cells, getattr(self, measure), 0).reshape(len(self.keys), len(self.group_codes) + 1, -1)
        return values.sum(axis=2)[:, :-1]

    def vacant_groups(self, cells: np.ndarray) -> tuple[Groups, np.ndarray]:
        """The vacant units in the ``cells`` grouped by key, and which of the vacant rows they are."""
        rows = cells[self.vacant.cell]
        return Groups(ids=self.vacant.inventory[rows], keys=self.keys), rows

    def combine(self, keys: pd.DataFrame, *, where: np.ndarray | None = None) -> Tallies:
        """The tallies per new key: ``keys`` gives each current key its new key columns; with
        ``where``, only those current keys count."""
        outer = group_ids(keys, list(keys.columns), where=where)
        kept = np.flatnonzero(np.ones(len(keys), bool) if where is None else where)
        new_id = np.full(len(keys), -1)
        new_id[kept] = outer.ids
        rows = new_id[self.vacant.inventory] >= 0
        vacant = VacantRows(inventory=new_id[self.vacant.inventory][rows], cell=self.vacant.cell[rows],
                            floor_area_m2=self.vacant.floor_area_m2[rows],
                            vacancy_days=self.vacant.vacancy_days[rows])
        # Counts stay exact in the floats of the sums below 2**53.
        sums = {measure: outer.sum_rows(getattr(self, measure)[kept]).astype(getattr(self, measure).dtype)
                for measure in MEASURES}
        return Tallies(keys=outer.keys, group_codes=self.group_codes, vacant=vacant, **sums)


def tally(units: pd.DataFrame, groups: Groups) -> Tallies:
    """Sum ``units`` per group of ``groups`` (one per row of ``units``) and cell (see `Tallies`).

    A column that ``units`` lacks (``group_code``, ``status``, ``chain``, ``floor_area_m2``,
    ``vacant_since``) counts as unknown for every unit.

    Examples
    --------
    >>> units = pd.DataFrame({"status": ["occupied", "vacant", "occupied"], "group_code": ["11", None, "11"],
    ...     "chain": [True, None, False], "floor_area_m2": [100.0, 40.0, None],
    ...     "observed_on": pd.to_datetime(["2024-01-01"] * 3),
    ...     "vacant_since": pd.to_datetime([None, "2023-01-01", None])})
    >>> tallies = tally(units, group_ids(units, ["observed_on"]))
    >>> cells = tallies.cells
    >>> shops = (cells["group_code"] == "11").to_numpy()
    >>> tallies.total("units", shops), tallies.total("floor_area_m2", shops), tallies.vacant.vacancy_days
    (array([2]), array([100.]), array([365.]))
    """
    units = units.reindex(columns=[*units.columns, *(c for c in _TALLIED if c not in units)])
    group, group_codes = sorted_codes(units["group_code"])
    size = len(group_codes) + 1
    group = np.where(group < 0, size - 1, group)  # a missing code: the cell after the codes
    status = _slots(units["status"], STATUSES)
    chain = _chain_slots(units["chain"])
    cell = (group.astype(np.int32) * (len(STATUSES) + 1) + status) * (len(CHAIN_FLAGS) + 1) + chain
    cells = size * (len(STATUSES) + 1) * (len(CHAIN_FLAGS) + 1)
    shape = (len(groups), cells)
    place = groups.ids * cells + cell
    area = pd.to_numeric(units["floor_area_m2"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(area)
    vacant = np.flatnonzero(status == STATUSES.index("vacant"))
    days = days_between(units["vacant_since"].take(vacant), units["observed_on"].take(vacant))
    units_known = np.bincount(place, weights=known, minlength=shape[0] * cells).reshape(shape)
    return Tallies(
        keys=groups.keys, group_codes=group_codes,
        units=np.bincount(place, minlength=shape[0] * cells).reshape(shape),
        units_area_known=units_known.astype(np.int64),  # counts are exact in floats below 2**53
        floor_area_m2=np.bincount(place, weights=np.where(known, area, 0.0), minlength=shape[0] * cells)
        .reshape(shape),
        vacant=VacantRows(inventory=groups.ids[vacant], cell=cell[vacant], floor_area_m2=area[vacant],
                          vacancy_days=days))


@lru_cache(maxsize=8)
def _cells(group_codes: tuple) -> pd.DataFrame:
    groups = pd.Index([*group_codes, None], dtype=object)
    grid = pd.MultiIndex.from_product([groups, [*STATUSES, None], [*CHAIN_FLAGS, None]],
                                      names=["group_code", "status", "chain"])
    return grid.to_frame(index=False).astype({"chain": "boolean"})


def _slots(values: pd.Series, labels: tuple) -> np.ndarray:
    """Position of each value in ``labels``; ``len(labels)`` for anything else or missing."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # a lookup per category, not per row
        lookup = [labels.index(value) if value in labels else len(labels) for value in values.cat.categories]
        return np.array([*lookup, len(labels)], dtype=np.int32)[values.cat.codes.to_numpy()]
    codes = pd.Categorical(values, categories=list(labels)).codes.astype(np.int32)
    return np.where(codes < 0, len(labels), codes)


def _chain_slots(chain: pd.Series) -> np.ndarray:
    return chain.astype("boolean").to_numpy(dtype=np.int32, na_value=len(CHAIN_FLAGS))


def days_between(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Whole days (rounded down) from ``start`` to ``end`` as floats; NaN where either is
    missing or ``start`` comes after ``end`` (a vacancy cannot begin after it was seen)."""
    end, start = pd.to_datetime(end), pd.to_datetime(start)
    if isinstance(end.dtype, np.dtype) and end.dtype == start.dtype:  # naive, one unit: in numpy
        delta = end.to_numpy() - start.to_numpy()
        per_day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(delta.dtype)[0])
        days = np.where(np.isnat(delta), np.nan, delta.view(np.int64) // per_day)  # whole days, exactly
    else:
        days = (end - start).dt.days.to_numpy(dtype=float, na_value=np.nan)
    return np.where(days >= 0, days, np.nan)
