"""Reading a user's file into a table of raw cells, whatever its encoding, delimiter or format.

Nothing is interpreted here except the layout: every CSV cell stays text (an empty cell is
None), XLSX cells keep the type Excel gave them. Interpreting values is `dashboard.ingest.values`.
The limits of `dashboard.ingest.limits` are checked first, and whatever a damaged file makes the
readers raise becomes a `FileRejected` with a Dutch message.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import settings
from dashboard.ingest import layout, limits
from dashboard.ingest.problems import FileRejected
from dashboard.ingest.values import text_only

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
    zero = raw.find(b"\x00")
    if 0 <= zero < 4096:
        raise FileRejected("Dit is geen tekstbestand (CSV) of Excelbestand (XLSX). Bewaar het in Excel als "
                           "'CSV (gescheiden door lijstscheidingsteken)' of als .xlsx en probeer opnieuw.")
    if zero >= 0:  # text never holds a zero byte, and PostgreSQL refuses to store one
        line = raw.count(b"\n", 0, zero) + 1
        raise FileRejected(f"Het bestand bevat op regel {line} een nulteken (byte 0), dat "
                           "in tekst niet voorkomt: het is beschadigd. Bewaar het opnieuw als CSV of als .xlsx.")
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
        # The header is the first record of two fields or more (a title line above it has one).
        start = next((at for at, width in enumerate(widths) if width >= 2), None)
        if start is None:
            continue
        rest = widths[start:-1] or widths[start:]
        consistent = sum(width == widths[start] for width in rest)
        score = (consistent, widths[start])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def is_xlsx(raw: bytes) -> bool:
    """Whether the bytes are an Excel workbook (a zip with ``xl/workbook.xml``).

    A zip that declares more parts than a workbook may have counts as one without being listed
    (listing millions of parts takes gigabytes), so that reading it refuses it by that limit.
    """
    if not raw.startswith(b"PK\x03\x04"):
        return False
    if (limits.declared_parts(raw) or 0) > settings.MAX_XLSX_PARTS:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except limits.ZIP_ERRORS:
        return False


@dataclass(frozen=True)
class Read:
    """A file's table: its cells (object dtype, header as columns, the index the row number as
    Excel shows it), a description, the row numbers of totals and notes after the data that were
    left out, and the header's row number."""

    cells: pd.DataFrame
    description: str
    left_out: dict[int, str]
    header_row: int


def read_table(raw: bytes, *, sheet: str | None = None) -> tuple[pd.DataFrame, str]:
    """`read_file`'s cells and description."""
    read = read_file(raw, sheet=sheet)
    return read.cells, read.description


def read_file(raw: bytes, *, sheet: str | None = None) -> Read:
    """The file's table, found where it is (`dashboard.ingest.layout`): title and blank rows above
    the header are skipped, totals and notes after the data left out; wholly blank rows are left
    out without renumbering the others.
    """
    limits.check_size(raw)
    if is_xlsx(raw):
        try:
            frame, used, first_row = _read_xlsx(raw, sheet)
        except FileRejected:
            if sheet is None:  # an empty first sheet: perhaps another holds the table
                _refuse_for_another_sheet(raw, next(iter(sheet_names(raw)), ""))
            raise
        if sheet is None and (len(frame) == 0 or layout.known_count(frame.columns) < 2):
            _refuse_for_another_sheet(raw, used)
        description = f"Excelbestand, werkblad '{used}'"
    else:
        if sheet:
            raise FileRejected("Een werkblad kiezen kan alleen bij een Excelbestand (.xlsx).")
        text = decode(raw)
        delimiter = sniff_delimiter(text)
        frame, first_row = _read_csv(text, delimiter)
        description = f"CSV, gescheiden door {delimiter_name(delimiter)}"
    frame.columns = unique_headers([str(column).strip() for column in frame.columns])
    frame = frame.astype(object).where(_filled(frame), None)
    frame.index = pd.RangeIndex(first_row, len(frame) + first_row, name="row_number")
    frame = frame.dropna(how="all")
    if frame.empty:
        where = f"werkblad '{used}'" if is_xlsx(raw) else "het bestand"
        raise FileRejected(f"De kopregel (rij {first_row - 1}) van {where} heeft geen gegevensrijen eronder.")
    after = layout.rows_after_data(frame)
    left_out = {row: " ".join(str(v) for v in frame.loc[row] if v is not None) for row in after}
    if first_row > 2:
        description += f"; kopregel op rij {first_row - 1}"
    return Read(frame.drop(index=after), description, left_out, first_row - 1)


def _refuse_for_another_sheet(raw: bytes, first: str) -> None:
    """When the first sheet holds no table (an explanation, a cover) but another does, say which."""
    names = sheet_names(raw)
    for name in names[1:]:
        try:
            frame, _, _ = _read_xlsx(raw, name)
        except FileRejected:
            continue
        if len(frame) and layout.known_count(frame.columns) >= 2:
            raise FileRejected(
                f"Het eerste werkblad '{first}' bevat geen gegevenstabel; de gegevens lijken op werkblad '{name}' "
                f"te staan (werkbladen: {', '.join(names)}). Kies dat werkblad (op de pagina, of --sheet \"{name}\").")


def _read_csv(text: str, delimiter: str) -> tuple[pd.DataFrame, int]:
    """The cells of a CSV text from its header row on, and the row number of the first row under
    the header; reading stops at the first row past the row limit."""
    skipped = _lines_above_header(text, delimiter)
    limits.check_columns(_header_width(text, delimiter))
    limit = settings.max_rows()
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, on_bad_lines="error", engine="c", nrows=limit + 1,
                            skiprows=skipped)
    except pd.errors.EmptyDataError as error:
        raise FileRejected("Het bestand bevat geen kopregel.") from error
    except pd.errors.ParserError as error:
        raise _layout_problem(str(error), delimiter, skipped) from error
    if len(frame) > limit:
        raise limits.too_many_rows()
    return frame, skipped + 2


def _lines_above_header(text: str, delimiter: str) -> int:
    """How many lines stand above the header (`dashboard.ingest.layout.header_index`)."""
    reader = csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)
    records, lines = [], [0]
    try:
        for record in reader:
            records.append(record)
            lines.append(reader.line_num)
            if len(records) == layout.HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return lines[layout.header_index(records)] if records else 0


def _header_width(text: str, delimiter: str) -> int:
    """How many fields the first line has; delimiters inside quotes do not count.

    >>> _header_width('naam;"straat; nr";x\\r\\n1;2;3', ";")
    3
    """
    end = re.search(r"\r\n|\r|\n", text)
    line = text[:end.start()] if end else text
    return re.sub(r'"[^"]*"', "", line).count(delimiter) + 1


def _layout_problem(message: str, delimiter: str, skipped: int = 0) -> FileRejected:
    """pandas' complaint about a CSV layout, in Dutch with the row as Excel numbers it (pandas
    counts from the header: ``skipped`` lines stand above it)."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, seen = found.groups()
        line = int(line) + skipped
        return FileRejected(
            f"Rij {line} heeft {seen} velden, de kopregel {expected} (gescheiden door {delimiter_name(delimiter)}). "
            "Zet tekst met een scheidingsteken tussen aanhalingstekens, of verwijder het overtollige veld.")
    found = re.search(r"EOF inside string starting at row (\d+)", message)
    if found:  # pandas counts from 0 with the header
        return FileRejected(f"Een aanhalingsteken (\") in rij {int(found[1]) + 1 + skipped} wordt nooit gesloten, "
                            "zodat de rest van het bestand één veld wordt. Sluit het aanhalingsteken of verwijder het.")
    return FileRejected("Het bestand is geen geldige CSV: de scheidingstekens of aanhalingstekens kloppen niet. "
                        "Bewaar het in Excel opnieuw als 'CSV (gescheiden door lijstscheidingsteken)' of als .xlsx.")


def sheet_names(raw: bytes) -> list[str]:
    """The worksheets of an Excel workbook, in order; none when it cannot be opened (reading it
    then says why)."""
    try:
        limits.check_size(raw)
        with _workbook(raw) as workbook:
            return list(workbook.sheet_names)
    except FileRejected:
        return []


def unique_headers(headers: list[str]) -> list[str]:
    """Headers that can name columns: a blank one becomes ``kolom <letter>``, a repeated one gets
    `` (2)``, `` (3)``… (the first number no other header has).

    >>> unique_headers(["gemeente", "", "gemeente", "2020", "2020"])
    ['gemeente', 'kolom B', 'gemeente (2)', '2020', '2020 (2)']
    >>> unique_headers(["gemeente (2)", "gemeente", "gemeente"])
    ['gemeente (2)', 'gemeente', 'gemeente (3)']
    """
    result, taken = [], set()
    for number, header in enumerate(headers):
        name = candidate = header or f"kolom {_column_letter(number)}"
        repeat = 1
        while candidate in taken:
            repeat += 1
            candidate = f"{name} ({repeat})"
        taken.add(candidate)
        result.append(candidate)
    return result


def _column_letter(number: int) -> str:
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(raw: bytes, sheet: str | None) -> tuple[pd.DataFrame, str, int]:
    cells, used = _sheet_cells(raw, sheet)
    filled = cells != None  # noqa: E711 - elementwise; text of spaces only is left to `_filled`
    rows_filled = filled.any(axis=1)
    if not rows_filled.any():
        raise FileRejected(f"Het werkblad '{used}' is leeg.")
    # Leading blank rows are skipped (their number keeps the row numbers as Excel shows them), and
    # columns after the last that holds anything dropped (formatted but empty cells do not count).
    skipped = int(np.argmax(rows_filled))
    width = int(np.flatnonzero(filled.any(axis=0))[-1]) + 1
    top = [list(row) for row in cells[skipped:skipped + layout.HEADER_SEARCH_ROWS, :width]]
    skipped += layout.header_index(top)
    cells = cells[skipped:, :width]
    header = ["" if cell is None else str(cell) for cell in cells[0]]
    frame = pd.DataFrame(cells[1:], columns=header, dtype=object) if len(cells) > 1 else \
        pd.DataFrame(columns=header, dtype=object)
    return _typed_columns(frame), used, skipped + 2


def _typed_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as a CSV gives them where they hold only text (pandas' text type, whose string
    operations run in Arrow), and whole numbers as ints: Excel stores every number as a float,
    but a house number 12 is not "12.0"."""
    for column in frame.columns:
        values = frame[column]
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind in ("string", "empty"):
            frame[column] = values.astype("str")
        elif kind in ("floating", "mixed-integer-float", "mixed"):
            frame[column] = values.map(lambda cell: int(cell) if type(cell) is float and cell.is_integer() else cell)
    return frame


@contextmanager
def _workbook(raw: bytes):
    """The workbook opened by calamine (a Rust reader: ten times openpyxl's speed) once the
    limits' checks passed; closed afterwards."""
    import python_calamine

    limits.check_archive(raw)
    workbook = _from_reader(lambda: python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw)))
    try:
        yield workbook
    finally:
        workbook.close()


def _sheet_cells(raw: bytes, sheet: str | None) -> tuple[np.ndarray, str]:
    """The sheet's cells from A1 (so that row numbers stay those Excel shows), empty ones None."""
    with _workbook(raw) as workbook:
        names = _from_reader(lambda: list(workbook.sheet_names))
        if not names:
            raise FileRejected("Het Excelbestand heeft geen werkbladen.")
        if sheet is not None and sheet not in names:
            raise FileRejected(f"Het werkblad '{sheet}' bestaat niet; dit bestand heeft: " + ", ".join(names) + ".")
        used = sheet or names[0]
        worksheet = _from_reader(lambda: workbook.get_sheet_by_name(used))
        if worksheet.end is None:
            raise FileRejected(f"Het werkblad '{used}' is leeg.")
        # The extent of the cells that hold something is known before they are taken.
        last_row, last_column = worksheet.end
        if last_row + 1 > settings.max_rows() + 1:
            raise limits.too_many_rows()
        limits.check_columns(last_column + 1)
        rows = _from_reader(lambda: worksheet.to_python(skip_empty_area=False))
    width = max((len(row) for row in rows), default=0)
    cells = np.empty((len(rows), width), dtype=object)
    for number, row in enumerate(rows):  # a row at a time: numpy would split a row of one text
        cells[number, :len(row)] = row
    cells[cells == ""] = None
    return cells, used


def _from_reader(call: Callable):
    """What ``call`` returns; whatever the reader raises on a damaged file becomes a `FileRejected`."""
    try:
        return call()
    except FileRejected:
        raise
    except Exception as error:  # noqa: BLE001 - calamine raises its own errors, and ValueError, OSError…
        raise FileRejected(limits.DAMAGED_XLSX) from error


def _filled(frame: pd.DataFrame) -> pd.DataFrame:
    """Which cells hold something (text cells that are not only spaces)."""
    return pd.DataFrame({i: _column_filled(frame.iloc[:, i]) for i in range(frame.shape[1])},
                        index=frame.index).set_axis(frame.columns, axis=1) if len(frame.columns) else frame.notna()


def _column_filled(column: pd.Series) -> pd.Series:
    return column.notna() & ~text_only(column).str.strip().eq("").fillna(False).astype(bool)
