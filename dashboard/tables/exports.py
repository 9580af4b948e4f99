"""Tables as files for spreadsheets, safe against formula injection.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read
as a formula by Excel or LibreOffice; it gets a leading apostrophe (OWASP's advice). Workbooks
also lose the control characters an Excel cell cannot hold, which openpyxl refuses outright.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
from openpyxl.utils import get_column_letter

from dashboard import settings
from dashboard.i18n import DATE_FORMAT, SUPPRESSED, suppressed_note
from dashboard.registry import DECIMALS, blanked, by_label, suppressed

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
    """CSV as Belgian Excel opens it directly: ``;`` separated, decimal comma, UTF-8 with BOM, and the
    values as the screen shows them (`dutch_values`: 8,6 under "Leegstand (panden) (%)", 25/06/2009, ja).

    Rows end in CR LF, so the writer quotes every cell that holds a CR or LF: a bare CR inside a
    cell would otherwise end the row, and whatever followed it (``=HYPERLINK(…)``) would start one.

    >>> to_csv_bytes(pd.DataFrame({"naam": ["Bakkerij\\r=1+1"]}))
    b'\\xef\\xbb\\xbfnaam\\r\\n"Bakkerij\\r=1+1"\\r\\n'
    >>> to_csv_bytes(pd.DataFrame({"Leegstand (panden)": [0.0862], "Jaar": [2024]})).decode("utf-8-sig")
    'Leegstand (panden) (%);Jaar\\r\\n8,6;2024\\r\\n'

    Values the small-numbers rule leaves out are "x"; a line after the table says what "x" means.
    """
    hidden = suppressed(frame)
    safe = neutralise_formulas(_with_x(dutch_values(blanked(frame, hidden)), hidden, decimal=","))
    text = safe.to_csv(index=False, sep=";", decimal=",", date_format=DATE_FORMAT, lineterminator="\r\n")
    return (text + small_numbers_lines(hidden, "\r\n")).encode("utf-8-sig")


def small_numbers_lines(hidden: pd.DataFrame, end: str) -> str:
    """An empty line and what "x" means, after a table for people that has an "x" (else nothing).

    The note holds no separator, quote or formula start, so it is one cell of the file's first column.
    """
    return f"{end}{suppressed_note(settings.disclosure_min())}{end}" if hidden.to_numpy().any() else ""


def _with_x(shown: pd.DataFrame, hidden: pd.DataFrame, *, decimal: str = ".") -> pd.DataFrame:
    """``shown`` (a copy of the table, its columns in the same order) with `SUPPRESSED` where ``hidden``.

    Such a column holds text and numbers; ``to_csv`` writes its decimals with a point whatever its
    ``decimal``, so they are written here with ``decimal``.
    """
    result = shown.copy()
    for position in range(result.shape[1]):
        mask = hidden.iloc[:, position].to_numpy()
        if mask.any():
            column = result.iloc[:, position].astype(object)
            if decimal != ".":
                column = column.map(lambda v: str(v).replace(".", decimal) if isinstance(v, float) and v == v else v)
            result.isetitem(position, column.where(~mask, SUPPRESSED))
    return result


def to_script_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for scripts: the canonical column names (`dashboard.registry`), ``,`` separated, decimal
    point, fractions as fractions, ISO dates, UTF-8 without BOM; still no cell can start a formula.

    >>> to_script_csv_bytes(pd.DataFrame({"Leegstand (panden)": [0.0862], "Peildatum": [pd.Timestamp("2024-01-01")]}))
    b'vacancy_rate_units,observed_on\\n0.0862,2024-01-01\\n'
    """
    named = frame.rename(columns=lambda header: entry.column if (entry := by_label(header)) else header)
    named = _with_x(named, suppressed(frame))  # "x" as on screen; no note line, so scripts read every row
    return neutralise_formulas(named).to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n").encode()


def dutch_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as the screen shows them, as numbers where they are numbers: a fraction in percent
    (header + " (%)"), percentage points ×100 (header + " (pp)"), a year without a thousands point,
    a flag as ja/nee, decimals as the registry shows them; other columns as they are."""
    shown = frame.copy()
    headers = []
    for position, header in enumerate(frame.columns):
        entry = by_label(header)
        unit = entry.unit if entry is not None else None
        values = frame.iloc[:, position]
        if unit in ("fraction", "pp") and pd.api.types.is_numeric_dtype(values):
            shown.isetitem(position, (values.astype(float) * 100).round(entry.shown_decimals))
            suffix = " (%)" if unit == "fraction" else " (pp)"
            header = header if str(header).endswith(suffix) else f"{header}{suffix}"
        elif unit == "flag":
            shown.isetitem(position, _yes_no(values))
        elif unit == "year" and pd.api.types.is_numeric_dtype(values):
            shown.isetitem(position, values.astype("Int64"))
        elif unit in DECIMALS and pd.api.types.is_float_dtype(values):
            rounded = values.round(entry.shown_decimals)
            shown.isetitem(position, rounded.astype("Int64") if entry.shown_decimals == 0 else rounded)
        headers.append(header)
    shown.columns = headers
    return shown


def _yes_no(values: pd.Series) -> pd.Series:
    """A flag as people write it: ja/nee; unknown stays empty."""
    return values.map(lambda v: None if pd.isna(v) else ("ja" if bool(v) else "nee"))


#: Excel number formats per unit (Excel shows them with the reader's own separators).
EXCEL_FORMATS = {"fraction": "0.0%", "pp": '+0.0" pp";-0.0" pp";0.0" pp"', "count": "#,##0", "m2": '#,##0" m²"',
                 "days": "#,##0", "years": "0.0", "per_1000": "0.0", "index": "0.0", "ratio": "0.00",
                 "eur": '"€ "#,##0.00', "date": "DD/MM/YYYY", "year": "0"}


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "Kernmonitor") -> bytes:
    """An Excel workbook of the table as the screen shows it: Dutch headers, numbers and dates in their
    formats (`EXCEL_FORMATS`), columns as wide as their contents, the header frozen; text cells safe
    against formulas, dates without time zone."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        if write_sheet(writer, frame, sheet):
            write_sheet(writer, pd.DataFrame({"Toelichting": [suppressed_note(settings.disclosure_min())]}),
                        "Toelichting")
    return buffer.getvalue()


def write_sheet(writer: pd.ExcelWriter, frame: pd.DataFrame, name: str) -> bool:
    """One formatted sheet (see `to_xlsx_bytes`) in an open workbook; whether it has an "x" (a value
    the small-numbers rule leaves out)."""
    hidden = suppressed(frame)
    safe = excel_safe(blanked(frame, hidden))
    units = []
    for position, header in enumerate(frame.columns):
        values = safe.iloc[:, position]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            safe.isetitem(position, values.dt.tz_localize(None))
        entry = by_label(header)
        unit = entry.unit if entry is not None else None
        if unit == "pp" and pd.api.types.is_numeric_dtype(values):
            safe.isetitem(position, values.astype(float) * 100)
        elif unit == "flag":
            safe.isetitem(position, _yes_no(values))
        if unit is None and pd.api.types.is_datetime64_any_dtype(values):
            unit = "date"
        units.append(unit)
    safe = _with_x(safe, hidden)
    safe.to_excel(writer, index=False, sheet_name=name[:31])
    _format(writer.sheets[name[:31]], safe, units)
    return bool(hidden.to_numpy().any())


def _format(sheet, table: pd.DataFrame, units: list[str | None]) -> None:
    sheet.freeze_panes = "A2"
    for number, unit in enumerate(units, start=1):
        letter = get_column_letter(number)
        values = [str(table.columns[number - 1]), *(str(v) for v in table.iloc[:200, number - 1])]
        sheet.column_dimensions[letter].width = min(max(len(v) for v in values) + 2, 60)
        style = EXCEL_FORMATS.get(unit)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, datetime | date):  # also a date among other values ("Waarde")
                cell.number_format = EXCEL_FORMATS["date"]
            elif style and not isinstance(cell.value, str):
                cell.number_format = style
