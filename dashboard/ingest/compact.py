"""A large file's rows and cells held compactly once they are parsed (`dashboard.ingest.pipeline`),
and its rows compared without a hash-table entry for every row.

Two million rows of Python objects cost most of their memory in the objects, and files repeat
their values: each distinct text of a column is held once, and the cells that are only shown
once the rows hold their values (numbers, dates) are kept in pandas' own types. pandas' own
``duplicated`` and ``groupby`` size a hash table for every row of every column they compare;
`combinations` and `repeats` do not.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pandas as pd

from dashboard.ingest.columns import specs


def shown_only(cells: pd.DataFrame, mapping: dict[str, str | None], kind: str) -> pd.DataFrame:
    """The cells once parsed, from then on only shown (a preview, the values in a report), held
    in pandas' own types where that keeps every value as it was read: the text of a column read as
    numbers or dates (the rows hold their values; other text the rows share), and whole numbers
    or decimals from Excel (the rows hold text or floats made of them), not a Python object each.

    >>> cells = pd.DataFrame({"lat": ["50,8", None], "naam": ["Bakker", None], "nr": [12, None]}, dtype=object)
    >>> shown_only(cells, {"lat": "lat", "naam": "name", "nr": "house_number"}, "units").dtypes.astype(str).tolist()
    ['str', 'object', 'Int64']
    """
    known = specs(kind)
    shown = cells.copy(deep=False)
    for header, canonical in mapping.items():
        if canonical is None:
            continue
        held = pd.api.types.infer_dtype(cells[header], skipna=True)
        if held == "string" and known[canonical].type in ("number", "date"):
            shown[header] = cells[header].astype("str")
        elif held == "floating":  # a mix of whole numbers and decimals stays: 12 would show as 12.0
            shown[header] = cells[header].astype("float64")
        elif held == "integer":
            with contextlib.suppress(OverflowError):  # a number past 64 bits stays as it was read
                shown[header] = cells[header].astype("Int64")
    return shown


def shared_objects(series: pd.Series) -> pd.Series:
    """``series`` as Python objects, one per distinct value (missing values None): pandas' text
    type, mixed with objects (``where``, ``astype(object)``), makes a new one for every row.

    >>> codes = shared_objects(pd.Series(["34022", None, "34022"], dtype="str"))
    >>> codes.tolist(), codes.dtype, codes[0] is codes[2]
    (['34022', None, '34022'], dtype('O'), True)
    """
    codes, distinct = pd.factorize(series, use_na_sentinel=True)
    objects = np.empty(len(distinct) + 1, dtype=object)  # the last: missing values (code -1)
    objects[:-1] = np.asarray(distinct, dtype=object)
    return pd.Series(objects[codes], index=series.index, dtype=object)


#: Rows a hash table is made for at a time (`each_value_once`, `combinations`): its size then
#: follows this, not the file (a table of two million texts is 0,17 GB).
SLICE_ROWS = 250_000


def each_value_once(rows: pd.DataFrame) -> None:
    """Hold each distinct text of a column of ``rows`` once per `SLICE_ROWS` rows: a column of two
    million towns or statuses then costs its pointers, not two million strings.

    The columns are replaced in ``rows`` itself, one at a time, so each old column can go before
    the next is made (new columns beside all the old ones would be 0,2 GB at the row limit).

    >>> rows = pd.DataFrame({"status": ["".join(["vac", "ant"]) for _ in range(3)], "n": [1.0, 2.0, 3.0]}, dtype=object)
    >>> each_value_once(rows)
    >>> rows["status"].tolist(), rows.at[0, "status"] is rows.at[2, "status"], rows["n"].tolist()
    (['vacant', 'vacant', 'vacant'], True, [1.0, 2.0, 3.0])
    """
    for name in rows.columns:
        column = rows[name].to_numpy()
        if column.dtype != object or pd.api.types.infer_dtype(column, skipna=True) != "string":
            continue
        shared = np.empty(len(column), dtype=object)
        for start in range(0, len(column), SLICE_ROWS):
            codes, distinct = pd.factorize(column[start:start + SLICE_ROWS], use_na_sentinel=True)
            texts = np.empty(len(distinct) + 1, dtype=object)  # the last: missing cells (code -1)
            texts[:-1] = distinct
            shared[start:start + len(codes)] = texts[codes]
        rows[name] = pd.Series(shared, index=rows.index, dtype=object)


def combinations(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Number each row's combination of values in ``columns`` (missing values equal each other)
    in order of first appearance: the number of each row, and the position of the first row of
    each combination (a row whose first row is another is a repeat). For columns with few
    combinations (the distinct ones are kept in a dict); `repeats` finds repeated rows of any.

    The rows are numbered `SLICE_ROWS` at a time, so the hash tables hold a slice's values only.

    >>> numbers, first = combinations(pd.Series(["a", "b", "a", None, None]), pd.Series([1, 1, 1, 2, 2]))
    >>> numbers.tolist(), first.tolist()
    ([0, 1, 0, 2, 2], [0, 1, 3])
    """
    numbers = np.empty(len(columns[0]), dtype=np.int64)
    known: dict[tuple, int] = {}  # each combination (missing values as None) → its number
    first = []
    for start in range(0, len(numbers), SLICE_ROWS):
        local, local_first = _combinations([column.iloc[start:start + SLICE_ROWS] for column in columns])
        values = zip(*(column.iloc[start + local_first] for column in columns), strict=True)
        found = []
        for position, combination in zip(start + local_first, values, strict=True):
            key = tuple(None if pd.isna(value) else value for value in combination)
            if key not in known:
                known[key] = len(known)
                first.append(position)
            found.append(known[key])
        numbers[start:start + len(local)] = np.asarray(found, dtype=np.int64)[local]
    return numbers, np.asarray(first, dtype=np.int64)


def _combinations(columns: list[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """`combinations` of one slice, with pandas' factorize."""
    numbers = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, distinct = pd.factorize(column, use_na_sentinel=False)
        numbers, _ = pd.factorize(numbers * len(distinct) + codes)  # below rows², far from overflowing
    # Numbers are given in order of first appearance: a combination's first row is where the
    # running largest number grows.
    grown = np.diff(np.maximum.accumulate(numbers), prepend=-1) > 0
    return numbers, np.flatnonzero(grown)


def repeats(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the rows whose values in ``columns`` an earlier row has (missing values
    equal each other), and the position of the first row with those values, for each.

    The rows are first told apart by a 64-bit hash of their values, sorted; only rows whose hash
    comes more than once are compared by their values. A hash table of two million unit ids
    takes 0,17 GB; their hashes take 16 MB.

    >>> repeats(pd.Series(["a", "b", "a", None, None, "a"]), pd.Series([1, 1, 1, 2, 2, 3]))
    (array([2, 4]), array([0, 3]))
    """
    mixed = np.zeros(len(columns[0]), dtype=np.uint64)
    for column in columns:
        mixed *= np.uint64(1_000_003)  # wraps around at 2**64, as a hash may
        mixed += _hashes(column)
    order = np.argsort(mixed, kind="stable")
    mixed = mixed[order]
    twice = np.flatnonzero(mixed[1:] == mixed[:-1])
    candidates = np.unique(np.concatenate([order[twice], order[twice + 1]]))  # in the file's order
    numbers, first = _combinations([column.iloc[candidates] for column in columns])
    again = np.flatnonzero(first[numbers] != np.arange(len(numbers)))
    return candidates[again], candidates[first[numbers[again]]]


def _hashes(column: pd.Series) -> np.ndarray:
    """A 64-bit hash of each value, the same for equal values and for every missing one: Python's
    own for objects (a text keeps its hash), a number of each distinct value otherwise."""
    if column.dtype != object:
        return pd.factorize(column, use_na_sentinel=False)[0].astype(np.uint64)
    values = column.to_numpy()
    missing = pd.isna(values)
    hashes = (0 if gone else hash(value) for value, gone in zip(values, missing, strict=True))
    return np.fromiter(hashes, dtype=np.int64, count=len(values)).view(np.uint64)
