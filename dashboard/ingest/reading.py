"""Reading a user's file into a table of raw cells, whatever its encoding, delimiter or format.

Nothing is interpreted here except the layout: every CSV cell stays text (an empty cell is
None), XLSX cells keep the type Excel gave them. Interpreting values is `dashboard.ingest.values`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd

from dashboard.ingest.problems import FileRejected

DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}
_SNIFF_RECORDS = 50


def decode(raw: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else Windows-1252.

    >>> decode("café".encode("cp1252")), decode(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9")
    ('café', 'café')
    """
    if not raw.strip():
        raise FileRejected("Het bestand is leeg. Kies een CSV- of Excelbestand met een kopregel en gegevens.")
    if b"\x00" in raw[:4096]:
        raise FileRejected("Dit is geen tekstbestand (CSV) of Excelbestand (XLSX). Bewaar het in Excel als "
                           "'CSV (gescheiden door lijstscheidingsteken)' of als .xlsx en probeer opnieuw.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most columns, consistently over the first rows.

    >>> sniff_delimiter("gemeente;wvo;status\\nKortrijk;1.250,5;leeg\\n")
    ';'
    >>> sniff_delimiter('naam,adres\\n"Bakkerij; Peeters","Markt 1"\\n')
    ','
    """
    sample = text[:200_000]
    csv.field_size_limit(len(sample) + 1)  # a huge field must not hide the delimiter
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
        try:
            widths = [len(record) for _, record in zip(range(_SNIFF_RECORDS), reader, strict=False) if record]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(width == widths[0] for width in widths[:-1] or widths)
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def is_xlsx(raw: bytes) -> bool:
    """Whether the bytes are an Excel workbook (a zip with ``xl/workbook.xml``)."""
    if not raw.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_table(raw: bytes, *, sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """The file's cells as a DataFrame (object dtype, header as columns) and a description.

    The index is the row number as Excel shows it (the header is row 1); wholly blank rows are
    left out without renumbering the others.
    """
    first_row = 2  # the row under the header, as Excel numbers it
    if is_xlsx(raw):
        frame, used, first_row = _read_xlsx(raw, sheet)
        description = f"Excelbestand, werkblad '{used}'"
    else:
        if sheet:
            raise FileRejected("Een werkblad kiezen kan alleen bij een Excelbestand (.xlsx).")
        text = decode(raw)
        delimiter = sniff_delimiter(text)
        frame = _read_csv(text, delimiter)
        description = f"CSV, gescheiden door {delimiter_name(delimiter)}"
    frame.columns = unique_headers([str(column).strip() for column in frame.columns])
    frame = frame.astype(object).where(_filled(frame), None)
    frame.index = pd.RangeIndex(first_row, len(frame) + first_row, name="row_number")
    frame = frame.dropna(how="all")
    if frame.empty:
        raise FileRejected("Het bestand heeft een kopregel maar geen gegevensrijen (vanaf rij 2).")
    return frame, description


def _read_csv(text: str, delimiter: str) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                           skip_blank_lines=False, on_bad_lines="error", engine="c")
    except pd.errors.EmptyDataError as error:
        raise FileRejected("Het bestand bevat geen kopregel.") from error
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if not found:
            raise FileRejected(f"Het bestand is geen geldige CSV: {error}") from error
        expected, line, seen = found.groups()
        raise FileRejected(
            f"Rij {line} heeft {seen} velden, de kopregel {expected} (gescheiden door {delimiter_name(delimiter)}). "
            "Zet tekst met een scheidingsteken tussen aanhalingstekens, of verwijder het overtollige veld."
        ) from error


def sheet_names(raw: bytes) -> list[str]:
    """The worksheets of an Excel workbook, in order."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(raw), read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def unique_headers(headers: list[str]) -> list[str]:
    """Headers that can name columns: a blank one becomes ``kolom <letter>``, a repeated one gets
    `` (2)``, `` (3)``…

    >>> unique_headers(["gemeente", "", "gemeente", "2020", "2020"])
    ['gemeente', 'kolom B', 'gemeente (2)', '2020', '2020 (2)']
    """
    result, seen = [], {}
    for number, header in enumerate(headers):
        name = header or f"kolom {_column_letter(number)}"
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _column_letter(number: int) -> str:
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(raw: bytes, sheet: str | None) -> tuple[pd.DataFrame, str, int]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise FileRejected(f"Het werkblad '{sheet}' bestaat niet; dit bestand heeft: "
                               + ", ".join(workbook.sheetnames) + ".")
        used = sheet or workbook.sheetnames[0]
        rows = [list(row) for row in workbook[used].iter_rows(values_only=True)]
    finally:
        workbook.close()
    skipped = 0
    while rows and all(not _has_value(cell) for cell in rows[0]):
        rows.pop(0)
        skipped += 1
    if not rows:
        raise FileRejected(f"Het werkblad '{used}' is leeg.")
    # Up to the last column that holds anything (formatted but empty cells do not count).
    width = max((i + 1 for row in rows for i, cell in enumerate(row) if _has_value(cell)), default=0)
    header = [("" if cell is None else str(cell)) for cell in rows[0][:width]] + [""] * (width - len(rows[0]))
    body = [list(row[:width]) + [None] * (width - len(row)) for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object), used, skipped + 2


def _filled(frame: pd.DataFrame) -> pd.DataFrame:
    """Which cells hold something (text cells that are not only spaces)."""
    return pd.DataFrame({i: _column_filled(frame.iloc[:, i]) for i in range(frame.shape[1])},
                        index=frame.index).set_axis(frame.columns, axis=1) if len(frame.columns) else frame.notna()


def _column_filled(column: pd.Series) -> pd.Series:
    from dashboard.ingest.values import text_only

    return column.notna() & ~text_only(column).str.strip().eq("").fillna(False).astype(bool)


def _has_value(cell) -> bool:
    if cell is None:
        return False
    if isinstance(cell, str):
        return bool(cell.strip())
    return not (isinstance(cell, float) and cell != cell)

