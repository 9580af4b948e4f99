"""A large file's rows and cells held compactly once they are parsed (`dashboard.ingest.pipeline`).

Two million rows of Python objects cost most of their memory in the objects, and files repeat
their values: each distinct text of a column is held once, and the cells that are only shown
once the rows hold their values (numbers, dates) are kept in pandas' own types.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.ingest.columns import specs


def shown_only(cells: pd.DataFrame, mapping: dict[str, str | None], kind: str) -> pd.DataFrame:
    """The cells once parsed, from then on only shown (a preview, the values in a report): the
    columns read as numbers or dates (the rows hold their values) as pandas' text type or as
    floats, not a Python object per cell.

    >>> cells = pd.DataFrame({"lat": ["50,8", None], "naam": ["Bakker", None]}, dtype=object)
    >>> shown_only(cells, {"lat": "lat", "naam": "name"}, "units").dtypes.astype(str).tolist()
    ['str', 'object']
    """
    known = specs(kind)
    shown = cells.copy(deep=False)
    for header, canonical in mapping.items():
        if canonical is None or known[canonical].type not in ("number", "date"):
            continue
        held = pd.api.types.infer_dtype(cells[header], skipna=True)
        if held in ("string", "floating"):
            shown[header] = cells[header].astype("str" if held == "string" else "float64")
    return shown


def each_value_once(rows: pd.DataFrame) -> None:
    """Hold each distinct text of a column of ``rows`` once: a column of two million towns or
    statuses then costs its pointers, not two million strings.

    The columns are replaced in ``rows`` itself, one at a time, so each old column can go before
    the next is made (new columns beside all the old ones would be 0,2 GB at the row limit).

    >>> rows = pd.DataFrame({"status": ["".join(["vac", "ant"]) for _ in range(3)], "n": [1.0, 2.0, 3.0]}, dtype=object)
    >>> each_value_once(rows)
    >>> rows["status"].tolist(), rows.at[0, "status"] is rows.at[2, "status"], rows["n"].tolist()
    (['vacant', 'vacant', 'vacant'], True, [1.0, 2.0, 3.0])
    """
    for name in rows.columns:
        column = rows[name]
        if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string":
            codes, distinct = pd.factorize(column, use_na_sentinel=True)
            values = np.empty(len(distinct) + 1, dtype=object)  # the last: missing cells (code -1)
            values[:-1] = distinct
            rows[name] = pd.Series(values[codes], index=rows.index, dtype=object)
