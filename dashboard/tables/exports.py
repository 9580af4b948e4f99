"""Tables as files for spreadsheets, safe against formula injection.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by Excel or LibreOffice; it gets a leading apostrophe (OWASP's advice). Workbooks
also lose the control characters an Excel cell cannot hold, which openpyxl refuses outright.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pandas as pd

from dashboard.i18n import DATE_FORMAT

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Control characters other than tab, LF and CR: XML 1.0, and so an Excel cell, cannot hold them.
EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell or header can start a formula; numbers stay numbers.

    Text may sit in object, string or category columns (the store returns categorical text).

    >>> neutralise_formulas(pd.DataFrame({"naam": ["=1+1", "Bakkerij"], "n": [-1, 2]})).to_dict("list")
    {'naam': ["'=1+1", 'Bakkerij'], 'n': [-1, 2]}
    >>> street = pd.Series(["@Markt", "Markt", "@Markt"], dtype="category")
    >>> neutralise_formulas(pd.DataFrame({"straat": street}))["straat"].tolist()
    ["'@Markt", 'Markt', "'@Markt"]
    """
    return _each_text(frame, _neutral)


def excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`neutralise_formulas`, and control characters Excel cannot hold shown as ``�``.

    >>> excel_safe(pd.DataFrame({"naam": ["Bakkerij\\x0bPeeters", "=1"]}))["naam"].tolist()
    ['Bakkerij�Peeters', "'=1"]
    """
    return _each_text(frame, lambda text: _neutral(EXCEL_ILLEGAL.sub("\ufffd", text)))


def _neutral(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _each_text(frame: pd.DataFrame, change: Callable[[str], str]) -> pd.DataFrame:
    """A copy with ``change`` applied to every text cell and header; other values as they were."""
    result = frame.copy()
    if not isinstance(result.columns, pd.MultiIndex):
        result.columns = [change(c) if isinstance(c, str) else c for c in result.columns]
    for position in range(result.shape[1]):  # by position: two columns may share a name
        result.isetitem(position, _text_column(result.iloc[:, position], change))
    return result


def _text_column(series: pd.Series, change: Callable[[str], str]) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = list(series.cat.categories)
        renamed = [change(c) if isinstance(c, str) else c for c in categories]
        if renamed == categories:
            return series
        if len(set(renamed)) == len(renamed):  # each text once, so only the categories change
            return series.cat.rename_categories(renamed)
        return _text_column(series.astype(object), change)  # "=x" and "'=x" both present: merge them
    if not (pd.api.types.is_string_dtype(series) or series.dtype == object):
        return series
    changed = series.map(lambda v: change(v) if isinstance(v, str) else v)
    differs = series.map(lambda v: isinstance(v, str) and change(v) != v).astype(bool)
    return series.where(~differs, changed) if differs.any() else series


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as Belgian Excel opens it directly: ``;`` separated, decimal comma, UTF-8 with BOM.

    Rows end in CR LF, so the writer quotes every cell that holds a CR or LF: a bare CR inside a
    cell would otherwise end the row, and whatever followed it (``=HYPERLINK(…)``) would start one.

    >>> to_csv_bytes(pd.DataFrame({"naam": ["Bakkerij\\r=1+1"]}))
    b'\\xef\\xbb\\xbfnaam\\r\\n"Bakkerij\\r=1+1"\\r\\n'
    """
    safe = neutralise_formulas(frame)
    return safe.to_csv(index=False, sep=";", decimal=",", date_format=DATE_FORMAT,
                       lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "Kernmonitor") -> bytes:
    """An Excel workbook of the table, text cells safe against formulas, dates without time zone."""
    safe = excel_safe(frame)
    for position in range(safe.shape[1]):
        if isinstance(safe.iloc[:, position].dtype, pd.DatetimeTZDtype):
            safe.isetitem(position, safe.iloc[:, position].dt.tz_localize(None))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
