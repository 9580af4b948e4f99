"""Tables as files for spreadsheets, safe against formula injection.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by Excel or LibreOffice; it gets a leading apostrophe (OWASP's advice).
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell or header can start a formula; numbers stay numbers.

    Text may sit in object, string or category columns (the store returns categorical text).

    >>> neutralise_formulas(pd.DataFrame({"naam": ["=1+1", "Bakkerij"], "n": [-1, 2]})).to_dict("list")
    {'naam': ["'=1+1", 'Bakkerij'], 'n': [-1, 2]}
    >>> street = pd.Series(["@Markt", "Markt", "@Markt"], dtype="category")
    >>> neutralise_formulas(pd.DataFrame({"straat": street}))["straat"].tolist()
    ["'@Markt", 'Markt', "'@Markt"]
    """
    result = frame.copy()
    if not isinstance(result.columns, pd.MultiIndex):
        result.columns = [_neutral(column) for column in result.columns]
    for position in range(result.shape[1]):  # by position: two columns may share a name
        result.isetitem(position, _neutral_column(result.iloc[:, position]))
    return result


def _neutral(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _neutral_column(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = list(series.cat.categories)
        renamed = [_neutral(category) for category in categories]
        if renamed == categories:
            return series
        if len(set(renamed)) == len(renamed):  # each text once, so only the categories change
            return series.cat.rename_categories(renamed)
        return _neutral_column(series.astype(object))  # "=x" and "'=x" both present: merge them
    if not (pd.api.types.is_string_dtype(series) or series.dtype == object):
        return series
    risky = series.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).astype(bool)
    return series.where(~risky, "'" + series.astype(str)) if risky.any() else series


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as Belgian Excel opens it directly: ``;`` separated, decimal comma, UTF-8 with BOM."""
    safe = neutralise_formulas(frame)
    return safe.to_csv(index=False, sep=";", decimal=",", date_format="%d/%m/%Y").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "Kernmonitor") -> bytes:
    """An Excel workbook of the table, text cells safe against formulas, dates without time zone."""
    import io

    safe = neutralise_formulas(frame)
    for column in safe.columns:
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
