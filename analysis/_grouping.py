"""Group ids for the indicator functions: every unit's group as an integer, once per call.

A pandas group-by factorises its keys again for every aggregation. The indicators sum a dozen
columns over the same groups of 1.5 million units, so they factorise once (`group_ids`) and
count with `numpy.bincount`. Groups come in the order ``groupby(by, sort=True, dropna=False)``
gives them: sorted by each key in turn, a missing key last (categoricals by value, not by the
order of their categories).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Above this many possible key combinations the ids are made compact by sorting (np.unique).
_DENSE_LIMIT = 1 << 22


@dataclass(frozen=True)
class Groups:
    """The group of each row (``ids``, 0 … ``len(keys)`` − 1) and the key values of each group."""

    ids: np.ndarray
    keys: pd.DataFrame

    def __len__(self) -> int:
        return len(self.keys)

    def cross(self, codes: np.ndarray, size: int) -> np.ndarray:
        """Rows per group (rows of the matrix) and code 0 … ``size`` − 1 (columns)."""
        cells = np.bincount(self.ids * size + codes, minlength=len(self) * size)
        return cells.reshape(len(self), size)

    def cross_sum(self, codes: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (NaN left out) per group and code, as `cross` lays them out."""
        known = ~np.isnan(values)
        cells = np.bincount(self.ids[known] * size + codes[known], weights=values[known],
                            minlength=len(self) * size)
        return cells.reshape(len(self), size).astype(float, copy=False)  # as in `sum`

    def sum_rows(self, matrix: np.ndarray) -> np.ndarray:
        """The rows of ``matrix`` (one per row of the groups) added up per group, as floats."""
        width = matrix.shape[1]
        place = (self.ids[:, None] * width + np.arange(width)).ravel()
        return np.bincount(place, weights=matrix.ravel(), minlength=len(self) * width).reshape(len(self), width)

    def select(self, where: np.ndarray) -> Groups:
        """The rows where ``where`` is true, and only the groups they fall in."""
        present, ids = _renumber(self.ids[where], len(self))
        return Groups(ids=ids, keys=self.keys.iloc[present].reset_index(drop=True))

    def subset(self, where: np.ndarray) -> Groups:
        """The same groups over the rows where ``where`` is true (arrays then go with those rows)."""
        return Groups(ids=self.ids[where], keys=self.keys)

    def count(self, where: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (only rows where ``where`` is true)."""
        ids = self.ids if where is None else self.ids[where]
        return np.bincount(ids, minlength=len(self))

    def sum(self, values: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        """Sum of ``values`` per group, over rows where ``where`` is true (0.0 for none)."""
        ids, values = (self.ids, values) if where is None else (self.ids[where], values[where])
        # float even when no row is left: bincount then gives integers
        return np.bincount(ids, weights=values, minlength=len(self)).astype(float, copy=False)

    def median(self, values: np.ndarray) -> np.ndarray:
        """Median of ``values`` per group, NaN left out (NaN for a group without values)."""
        _, ordered, starts, sizes = self._sorted(values)
        median = np.full(len(self), np.nan)
        some = sizes > 0
        low, high = starts[some] + (sizes[some] - 1) // 2, starts[some] + sizes[some] // 2
        median[some] = (ordered[low] + ordered[high]) / 2
        return median

    def top_sum(self, values: np.ndarray, *, top: int) -> np.ndarray:
        """Sum of the ``top`` largest ``values`` per group, NaN left out (added largest first)."""
        ids, ordered, starts, sizes = self._sorted(values)
        last = np.arange(len(ids)) >= (starts + sizes - top)[ids]
        # Reversed: each group's largest value first, so the sum rounds the same whatever the sort.
        return np.bincount(ids[last][::-1], weights=ordered[last][::-1], minlength=len(self)).astype(float, copy=False)

    def _sorted(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rows with a value, sorted by group and value: ids, values, group starts and sizes."""
        known = ~np.isnan(values)
        ids, values = self.ids[known], values[known]
        sizes = np.bincount(ids, minlength=len(self))
        starts = np.cumsum(sizes) - sizes
        if _small_whole_numbers(values) and len(self) <= 1 << 16:
            # Whole days and m² (the usual values): group and value packed in 32 bits, one sort.
            packed = np.sort((ids.astype(np.uint32) << 16) | values.astype(np.uint32))
            return (packed >> 16).astype(np.intp), (packed & 0xFFFF).astype(float), starts, sizes
        order = np.argsort(values)
        narrow = ids[order].astype(np.int16 if len(self) < 2**15 else np.int64)
        order = order[np.argsort(narrow, kind="stable")]  # by group, values sorted within: radix sort
        return ids[order], values[order], starts, sizes


def _small_whole_numbers(values: np.ndarray) -> bool:
    """Whether every value is a whole number from 0 to 65,535 (and none is −0.0)."""
    return bool(len(values) and values.min() >= 0 and values.max() <= 65535
                and np.array_equal(values, np.floor(values)) and not np.signbit(values).any())


def group_ids(frame: pd.DataFrame, by: list[str], *, where: np.ndarray | None = None) -> Groups:
    """The groups of ``frame`` by the columns ``by``, only those that occur.

    With ``where`` (a boolean array), only those rows count: ``ids`` has one entry per selected
    row. Selecting integer codes rather than the frame's rows saves copying every column.

    Examples
    --------
    >>> frame = pd.DataFrame({"nis_code": ["2", "1", "2", None], "year": [2024, 2024, 2023, 2024]})
    >>> groups = group_ids(frame, ["nis_code", "year"])
    >>> groups.ids.tolist(), groups.keys.values.tolist()
    ([2, 0, 1, 3], [['1', 2024], ['2', 2023], ['2', 2024], [nan, 2024]])
    """
    if not by:
        raise ValueError("Geef minstens één kolom om op te groeperen.")
    starts = _run_starts(frame, by)
    if starts is not None:  # rows come in runs of one key (an inventory's units): group the runs
        runs = group_ids(frame[by].take(starts), by)
        rows = Groups(ids=_spread(runs.ids, starts, len(frame)), keys=runs.keys)
        return rows if where is None else rows.select(where)
    codes, uniques = zip(*(sorted_codes(frame[column]) for column in by), strict=True)
    sizes = [len(values) + 1 for values in uniques]  # + 1: a slot for a missing key
    combined = np.zeros(len(frame), dtype=np.int64)
    for code, size in zip(codes, sizes, strict=True):
        combined = combined * size + (np.where(code < 0, size - 1, code) if code.min(initial=0) < 0 else code)
    if where is not None:
        combined = combined[where]
    if np.prod(sizes, dtype=float) <= _DENSE_LIMIT:
        present, ids = _renumber(combined, int(np.prod(sizes)))
    else:
        present, ids = np.unique(combined, return_inverse=True)
    keys = {}
    for column, values, size in zip(reversed(by), reversed(uniques), reversed(sizes), strict=True):
        position = present % size
        present = present // size
        missing = position == size - 1
        keys[column] = (values.take(np.where(missing, -1, position), allow_fill=True, fill_value=np.nan)
                        if missing.any() else values.take(position))
    return Groups(ids=ids.astype(np.intp, copy=False), keys=pd.DataFrame({column: keys[column] for column in by}))


def _run_starts(frame: pd.DataFrame, by: list[str]) -> np.ndarray | None:
    """The first row of each run of equal keys, when there are few runs (a quarter of the rows
    at most) and the keys can be compared as numbers; None otherwise. A run may end between
    equal keys (two missing floats): the runs' keys are grouped again, so this only costs time."""
    if len(frame) < 1024:
        return None
    changes = np.zeros(len(frame) - 1, dtype=bool)
    for column in by:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            numbers = values.cat.codes.to_numpy()
        elif isinstance(values.dtype, np.dtype) and values.dtype.kind in "iufMmb":
            numbers = values.to_numpy()
            numbers = numbers.view(np.int64) if numbers.dtype.kind in "Mm" else numbers
        else:
            return None
        changes |= numbers[1:] != numbers[:-1]
    return _few_runs(changes, len(frame))


def _few_runs(changes: np.ndarray, size: int) -> np.ndarray | None:
    """The first row of each run, from where each row differs from the one before (``changes``,
    ``size`` − 1 of them); None when the runs are more than a quarter of the rows."""
    starts = np.flatnonzero(np.concatenate([[True], changes])) if size else np.zeros(0, dtype=np.intp)
    return starts if len(starts) <= size // 4 else None


def _spread(per_run: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """Each run's value on every row of the run."""
    return np.repeat(per_run, np.diff(np.append(starts, size)))


def _renumber(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes (0 … size − 1) that occur, in order, and each row's position among them: a
    lookup table instead of a sort of the rows."""
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    if len(present) == size:  # every code occurs: they are their own positions
        return present, codes
    lookup = np.zeros(size, dtype=np.intp)
    lookup[present] = np.arange(len(present))
    return present, lookup[codes]


def sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``values`` in sorted order of the values (−1: missing) and the sorted values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories, codes = values.cat.categories, values.cat.codes.to_numpy().astype(np.int64)
        if categories.is_monotonic_increasing:
            return codes, categories
        order = categories.argsort()
        rank = np.full(len(order) + 1, -1, dtype=np.int64)  # a missing value's code −1 picks the last: −1
        rank[order] = np.arange(len(order))
        return rank[codes], categories[order]
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":  # naive dates: factorise their integers
        stamps = values.to_numpy()
        codes, uniques = _factorize_runs(stamps.view(np.int64))
        uniques = pd.Index(uniques.view(stamps.dtype))
        if len(uniques) and pd.isna(uniques[0]):  # NaT is the smallest integer: first, not missing
            codes, uniques = codes - 1, uniques[1:]
        return codes.astype(np.int64), uniques
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _factorize_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`pandas.factorize` (sorted) of integers that come in long runs of equal values, as the
    dates of units do (an inventory's rows are stored together): only the runs are factorised."""
    starts = _few_runs(values[1:] != values[:-1], len(values))
    if starts is None:
        return pd.factorize(values, sort=True)
    codes, uniques = pd.factorize(values[starts], sort=True)
    return _spread(codes, starts, len(values)), uniques


def previous_values(frame: pd.DataFrame, columns: list[str], *, by: str, order: str) -> pd.DataFrame:
    """Per row, the values of ``columns`` in the row before it (by ``order``) with the same ``by``
    value, as floats; missing for the first row of each ``by`` value and where ``by`` is missing.

    What ``frame.sort_values([by, order]).groupby(by)[columns].shift()`` gives, without pandas'
    overhead on the small indicator tables (ties in ``order`` keep their row order).

    Examples
    --------
    >>> frame = pd.DataFrame({"nis_code": ["2", "1", "2", "1"], "year": [2024, 2024, 2023, 2023],
    ...                       "units": [5, 7, 4, 6]})
    >>> previous_values(frame, ["units"], by="nis_code", order="year")["units"].tolist()
    [4.0, 6.0, nan, nan]
    """
    group, _ = sorted_codes(frame[by])
    rank, _ = sorted_codes(frame[order])
    last = np.iinfo(np.int64).max  # a missing value sorts last, as in sort_values
    rows = np.lexsort((np.where(rank < 0, last, rank), np.where(group < 0, last, group)))
    group = group[rows]
    follows = np.zeros(len(group), dtype=bool)  # an empty frame has no first row
    follows[1:] = (group[1:] == group[:-1]) & (group[1:] >= 0)
    values = frame[columns].to_numpy(dtype=float, na_value=np.nan)[rows]
    before = np.full_like(values, np.nan)
    before[follows] = values[np.flatnonzero(follows) - 1]
    result = np.empty_like(before)
    result[rows] = before
    return pd.DataFrame(result, index=frame.index, columns=columns)
