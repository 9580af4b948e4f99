"""Tables as files for spreadsheets, safe against formula injection.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by Excel or LibreOffice; it gets a leading apostrophe (OWASP's advice).
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell can start a formula; numbers stay numbers.

    >>> neutralise_formulas(pd.DataFrame({"naam": ["=1+1", "Bakkerij"], "n": [-1, 2]})).to_dict("list")
    {'naam': ["'=1+1", 'Bakkerij'], 'n': [-1, 2]}
    """
    result = frame.copy()
    for column in result.columns:
        series = result[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            risky = series.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).astype(bool)
            if risky.any():
                result[column] = series.where(~risky, "'" + series.astype(str))
    return result


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
