"""Reading a user's file into a table of raw cells, whatever its encoding, delimiter or format.

Nothing is interpreted here except the layout: every CSV cell stays text (an empty cell is
None), XLSX cells keep the type Excel gave them. Interpreting values is `dashboard.ingest.values`.
The limits of `dashboard.ingest.limits` are checked first, and whatever a damaged file makes the
readers raise becomes a `FileRejected` with a Dutch message.

Memory follows the rows: a CSV is parsed from its bytes in slices of rows (never decoded whole),
an Excel sheet in pieces (`dashboard.ingest.workbook`), and each column is kept as Python objects
with each distinct text once.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import settings
from dashboard.ingest import layout, limits, workbook
from dashboard.ingest.problems import FileRejected

DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}
_SNIFF_RECORDS = 50
#: How much of a CSV is decoded to find its delimiter and header, and rows parsed at a time.
_SAMPLE_CHARS = 200_000
_SLICE = 8 * 1024 * 1024
_ROWS_AT_A_TIME = 250_000


def encoding(raw: bytes) -> str:
    """How a CSV file is written: ``utf-8-sig`` when all of it is UTF-8 (a BOM or not), else
    ``cp1252``; refused when empty or not text. The file is checked a slice at a time, never
    decoded whole.

    >>> encoding("café".encode("cp1252")), encoding("café".encode())
    ('cp1252', 'utf-8-sig')
    """
    if not raw or raw.isspace():  # not raw.strip(): a copy of the whole file
        raise FileRejected("Het bestand is leeg. Kies een CSV- of Excelbestand met een kopregel en gegevens.")
    zero = raw.find(b"\x00")
    if 0 <= zero < 4096:
        raise FileRejected("Dit is geen tekstbestand (CSV) of Excelbestand (XLSX). Bewaar het in Excel als "
                           "'CSV (gescheiden door lijstscheidingsteken)' of als .xlsx en probeer opnieuw.")
    if zero >= 0:  # text never holds a zero byte, and PostgreSQL refuses to store one
        line = raw.count(b"\n", 0, zero) + 1
        raise FileRejected(f"Het bestand bevat op regel {line} een nulteken (byte 0), dat "
                           "in tekst niet voorkomt: het is beschadigd. Bewaar het opnieuw als CSV of als .xlsx.")
    check = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for at in range(0, len(raw), _SLICE):
            check.decode(view[at:at + _SLICE], final=at + _SLICE >= len(raw))
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into the most columns, consistently over the first rows.

    >>> sniff_delimiter("gemeente;wvo;status\\nKortrijk;1.250,5;leeg\\n")
    ';'
    >>> sniff_delimiter('naam,adres\\n"Bakkerij; Peeters","Markt 1"\\n')
    ','
    """
    sample = text[:_SAMPLE_CHARS]
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
            frame, used, header_row = _read_xlsx(raw, sheet)
        except FileRejected:
            if sheet is None:  # an empty first sheet: perhaps another holds the table
                _refuse_for_another_sheet(raw, next(iter(sheet_names(raw)), ""))
            raise
        if sheet is None and (len(frame) == 0 or layout.known_count(frame.columns) < 2):
            _refuse_for_another_sheet(raw, used)
        description = f"Excelbestand, werkblad '{used}'"
        where = f"werkblad '{used}'"
    else:
        if sheet:
            raise FileRejected("Een werkblad kiezen kan alleen bij een Excelbestand (.xlsx).")
        frame, header_row, delimiter = _read_csv(raw)
        description = f"CSV, gescheiden door {delimiter_name(delimiter)}"
        where = "het bestand"
    frame.columns = unique_headers([str(column).strip() for column in frame.columns])
    frame = frame.dropna(how="all")
    if frame.empty:
        raise FileRejected(f"De kopregel (rij {header_row}) van {where} heeft geen gegevensrijen eronder.")
    after = layout.rows_after_data(frame)
    left_out = {row: " ".join(str(v) for v in frame.loc[row] if v is not None) for row in after}
    if header_row > 1:
        description += f"; kopregel op rij {header_row}"
    # drop copies every column even when nothing goes (0,2 GB of pointers at the row limit)
    return Read(frame.drop(index=after) if after else frame, description, left_out, header_row)


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


def _read_csv(raw: bytes) -> tuple[pd.DataFrame, int, str]:
    """The cells of a CSV file under its header (indexed by row number, blank cells None), the
    header's row number and the delimiter. pandas parses the bytes a slice of rows at a time;
    reading stops at the first row past the row limit."""
    written = encoding(raw)
    sample = _sample(raw, written)
    delimiter = sniff_delimiter(sample)
    skipped = _lines_above_header(sample, delimiter)
    limits.check_columns(_header_width(sample, delimiter))
    limit = settings.max_rows()
    try:
        slices = pd.read_csv(io.BytesIO(raw), sep=delimiter, dtype=str, keep_default_na=False,
                             skip_blank_lines=False, on_bad_lines="error", engine="c", nrows=limit + 1,
                             skiprows=skipped, encoding=written, encoding_errors="replace",
                             chunksize=_ROWS_AT_A_TIME)
        parts = [_objects(part) for part in slices]
    except pd.errors.EmptyDataError as error:
        raise FileRejected("Het bestand bevat geen kopregel.") from error
    except pd.errors.ParserError as error:
        raise _layout_problem(str(error), delimiter, skipped) from error
    header = list(parts[0].columns) if parts else []
    limits.check_columns(len(header))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    del parts
    if len(frame) > limit:
        raise limits.too_many_rows()
    frame.index = pd.RangeIndex(skipped + 2, len(frame) + skipped + 2, name="row_number")
    return frame, skipped + 1, delimiter


def _sample(raw: bytes, written: str) -> str:
    """The start of a CSV file as text, enough to find its delimiter and header."""
    text = codecs.getincrementaldecoder(written)(errors="replace").decode(raw[:_SAMPLE_CHARS * 4])
    return text[:_SAMPLE_CHARS]


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV cells as Python objects: each distinct text once, blank ones (spaces only) None."""
    columns = {}
    for number in range(frame.shape[1]):
        codes, distinct = pd.factorize(frame.iloc[:, number], use_na_sentinel=True)
        texts = np.empty(len(distinct) + 1, dtype=object)  # the last: missing cells (code -1)
        texts[:-1] = [text if text.strip() else None for text in distinct.tolist()]
        columns[number] = texts[codes]
    result = pd.DataFrame(columns, dtype=object, copy=False)  # not inferred as pandas' text type
    result.columns = frame.columns
    return result


def _lines_above_header(text: str, delimiter: str) -> int:
    """How many lines stand above the header (`dashboard.ingest.layout.header_index`)."""
    reader = csv.reader(io.StringIO(text[:_SAMPLE_CHARS]), delimiter=delimiter)
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
        return workbook.sheet_names(raw)
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
    """The sheet's cells under its header (indexed by row number as Excel shows them, blank cells
    None), the sheet's name and the header's row number."""
    cells, used = workbook.sheet_cells(raw, sheet)
    first = int(cells.rows[0])
    # The header is found among the top rows as they stand, blank ones included.
    top = [[] for _ in range(layout.HEADER_SEARCH_ROWS)]
    for position in range(int(np.searchsorted(cells.rows, first + layout.HEADER_SEARCH_ROWS))):
        top[int(cells.rows[position]) - first] = [column[position] for column in cells.columns]
    header_at = int(np.searchsorted(cells.rows, first + layout.header_index(top)))
    header = ["" if column[header_at] is None else str(column[header_at]) for column in cells.columns]
    frame = pd.DataFrame({number: column[header_at + 1:]
                          for number, column in enumerate(cells.columns)}, dtype=object, copy=False)
    frame.columns = header
    frame.index = pd.Index(cells.rows[header_at + 1:] + 1, name="row_number")
    return frame, used, int(cells.rows[header_at]) + 1
