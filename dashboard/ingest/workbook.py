"""An Excel worksheet's cells, read so that the file cannot decide how much memory that takes.

calamine (a Rust reader: ten times openpyxl's speed) never opens the user's file. It opens a copy
written to a temporary file: the workbook's shared strings (measured first,
`dashboard.ingest.limits.measure_texts`) and styles, and the chosen sheet cut into pieces of
bounded size (`dashboard.ingest.sheet_pieces`), each a sheet of its own. The pieces are read one
at a time into columns of Python objects, each distinct text once per piece; blank rows are left
out as they come. The rows, the columns and the text the cells hold are checked against the
limits as each piece arrives, so a refusal comes after at most one piece.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import xml.parsers.expat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import settings
from dashboard.ingest import limits, sheet_pieces
from dashboard.ingest.problems import FileRejected

#: Largest part that describes the workbook (its relationships, its list of sheets).
_SMALL_PART = 16 * 1024 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_KINDS = ("worksheet", "chartsheet", "dialogsheet")


@dataclass(frozen=True)
class Sheet:
    name: str
    part: zipfile.ZipInfo | None
    is_worksheet: bool


@dataclass(frozen=True)
class Package:
    """What calamine reads of a workbook besides its sheets, found as calamine finds it."""

    sheets: tuple[Sheet, ...]
    date1904: bool
    styles: zipfile.ZipInfo | None
    shared: zipfile.ZipInfo | None


@dataclass
class Cells:
    """A sheet's rows that hold anything: their numbers (from 0) and their cells column by
    column (None where empty), up to the last column that holds anything."""

    rows: np.ndarray
    columns: list[np.ndarray]


def package(archive: zipfile.ZipFile) -> Package:
    """The sheets, the date system and the parts of the workbook in ``archive``."""
    parts = {info.filename.replace("\\", "/").lower(): info for info in archive.infolist()}
    found = _elements(archive, parts.get("_rels/.rels"), {"Relationship"})
    if found is None:
        raise FileRejected(limits.DAMAGED_XLSX)
    target = next((attributes.get("Target", "") for _, attributes in found
                   if attributes.get("Type", "").endswith("/relationships/officeDocument")), None)
    if target is None:
        raise FileRejected(limits.DAMAGED_XLSX)
    folder = target[:target.rfind("/") + 1].removeprefix("/")
    listed = _elements(archive, parts.get(f"{folder}workbook.xml".lower()), {"sheet", "workbookPr"}) or []
    relations = {attributes.get("Id"): attributes for _, attributes in
                 _elements(archive, parts.get(f"{folder}_rels/workbook.xml.rels".lower()), {"Relationship"}) or []}
    sheets, date1904 = [], False
    for name, attributes in listed:
        if name == "workbookPr":
            date1904 = attributes.get("date1904") in ("1", "true")
            continue
        relation = relations.get(next((v for k, v in attributes.items() if k.rpartition(":")[2] == "id"), None))
        kind = (relation or {}).get("Type", "").rpartition("/")[2]
        if relation is None or kind not in _KINDS:
            raise FileRejected(limits.DAMAGED_XLSX)
        path = relation.get("Target", "")
        path = path[1:] if path.startswith("/") else folder + path
        sheets.append(Sheet(attributes.get("name", ""), parts.get(path.replace("\\", "/").lower()),
                            kind == "worksheet"))
    return Package(tuple(sheets), date1904, parts.get(f"{folder}styles.xml".lower()),
                   parts.get(f"{folder}sharedStrings.xml".lower()))


def _elements(archive: zipfile.ZipFile, part: zipfile.ZipInfo | None,
              wanted: set[str]) -> list[tuple[str, dict[str, str]]] | None:
    """The elements named ``wanted`` (by local name) of a small part, with their attributes."""
    if part is None:
        return None
    if part.file_size > _SMALL_PART:
        raise FileRejected(f"Het Excelbestand is verdacht: het deel '{part.filename}' is "
                           f"{part.file_size // 1024 // 1024} MB, waar een werkboek enkele kB heeft. Het wordt "
                           "niet geopend.")
    found = []
    parser = xml.parsers.expat.ParserCreate()

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rpartition(":")[2] in wanted:
            found.append((name.rpartition(":")[2], attributes))

    parser.StartElementHandler = start
    try:
        with archive.open(part) as stream:
            parser.ParseFile(stream)
    except (xml.parsers.expat.ExpatError, *limits.ZIP_ERRORS) as error:
        raise FileRejected(limits.DAMAGED_XLSX) from error
    return found


def sheet_names(raw: bytes) -> list[str]:
    """The workbook's sheets in order (after the archive's own checks)."""
    limits.check_archive(raw)
    with _archive(raw) as archive:
        return [sheet.name for sheet in package(archive).sheets]


def sheet_cells(raw: bytes, sheet: str | None) -> tuple[Cells, str]:
    """The cells of ``sheet`` (the first when None) and the sheet's name."""
    limits.check_archive(raw)
    with _archive(raw) as archive:
        found = package(archive)
        names = [each.name for each in found.sheets]
        if not names:
            raise FileRejected("Het Excelbestand heeft geen werkbladen.")
        if sheet is not None and sheet not in names:
            raise FileRejected(f"Het werkblad '{sheet}' bestaat niet; dit bestand heeft: " + ", ".join(names) + ".")
        used = sheet or names[0]
        chosen = found.sheets[names.index(used)]
        if chosen.part is None:
            raise FileRejected(limits.DAMAGED_XLSX)
        longest = 0
        if found.shared is not None:
            longest = limits.measure_texts(lambda: archive.open(found.shared), "si",
                                           where=f"de gedeelde teksten ('{found.shared.filename}')").longest
        with tempfile.TemporaryDirectory(prefix="kernmonitor-") as folder:
            path = Path(folder) / "werkblad.xlsx"
            count = _copy(archive, found, chosen, path, longest) if chosen.is_worksheet else 0
            cells = _read_pieces(path, count, f"werkblad '{used}'")
    if not len(cells.rows):
        raise FileRejected(f"Het werkblad '{used}' is leeg.")
    return cells, used


def _archive(raw: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except limits.ZIP_ERRORS as error:
        raise FileRejected(limits.DAMAGED_XLSX) from error


def _copy(archive: zipfile.ZipFile, found: Package, chosen: Sheet, path: Path, longest: int) -> int:
    """Write the workbook calamine reads to ``path``; how many pieces the sheet became."""
    count = 0
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
            with archive.open(chosen.part) as stream:
                for count, piece in enumerate(sheet_pieces.pieces(stream, longest=longest,
                                                                  where=f"werkblad '{chosen.name}'"), 1):
                    copy.writestr(f"xl/worksheets/{count}.xml", piece)
            for name, part in (("xl/sharedStrings.xml", found.shared), ("xl/styles.xml", found.styles)):
                if part is not None:
                    with archive.open(part) as source, copy.open(name, "w", force_zip64=True) as target:
                        shutil.copyfileobj(source, target, 1024 * 1024)
            for name, text in _workbook_parts(count, found.date1904).items():
                copy.writestr(name, text)
    except FileRejected:  # a ValueError too: it must not become "damaged"
        raise
    except limits.ZIP_ERRORS as error:
        raise FileRejected(limits.DAMAGED_XLSX) from error
    return count


def _workbook_parts(count: int, date1904: bool) -> dict[str, str]:
    sheets = "".join(f'<sheet name="{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, count + 1))
    links = "".join(f'<Relationship Id="rId{n}" Type="{_RELATIONS}/worksheet" Target="worksheets/{n}.xml"/>'
                    for n in range(1, count + 1))
    return {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": (f'<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
                        f'Type="{_RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONS}"><workbookPr date1904="'
                            f'{int(date1904)}"/><sheets>{sheets}</sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PACKAGE}">{links}</Relationships>',
    }


def _open(path: Path):
    """calamine's workbook for the copy (it reads the file as it needs it)."""
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path))


def from_reader(call: Callable):
    """What ``call`` returns; whatever the reader raises on a damaged file becomes a `FileRejected`."""
    try:
        return call()
    except FileRejected:
        raise
    except Exception as error:  # noqa: BLE001 - calamine raises its own errors, and ValueError, OSError…
        raise FileRejected(limits.DAMAGED_XLSX) from error


def _read_pieces(path: Path, count: int, where: str) -> Cells:
    table = _Table()
    if count:
        workbook = from_reader(lambda: _open(path))
        try:
            for number in range(1, count + 1):
                sheet = from_reader(lambda number=number: workbook.get_sheet_by_name(str(number)))
                if sheet.start is not None:
                    table.add(from_reader(lambda sheet=sheet: sheet.to_python(skip_empty_area=True)), sheet.start)
                del sheet
        finally:
            workbook.close()
    return table.cells(where)


@dataclass
class _Table:
    """Pieces of a sheet as they are read: per piece its row numbers and its columns."""

    rows: list[np.ndarray] = field(default_factory=list)
    pieces: list[dict[int, np.ndarray]] = field(default_factory=list)
    text: int = 0

    def add(self, grid: list[list], start: tuple[int, int]) -> None:
        values = _grid(grid)
        del grid
        filled = values != ""
        keep = filled.any(axis=1)
        if not keep.any():
            return
        values, filled = values[keep], filled[keep]
        rows = start[0] + np.flatnonzero(keep)
        if rows[-1] > settings.max_rows():
            raise limits.too_many_rows()
        width = int(np.flatnonzero(filled.any(axis=0))[-1]) + 1
        limits.check_columns(start[1] + width)
        values[~filled] = None
        columns = {}
        for number in range(width):
            columns[start[1] + number], text = _column(values[:, number])
            self.text += text
            if self.text > settings.max_upload_bytes():
                raise limits.too_much_text()
        self.rows.append(rows)
        self.pieces.append(columns)

    def cells(self, where: str) -> Cells:
        rows = np.concatenate(self.rows) if self.rows else np.empty(0, dtype=np.int64)
        if (np.diff(rows) <= 0).any():
            raise FileRejected(f"Het Excelbestand is verdacht: de rijen van {where} staan niet in volgorde. Het "
                               "wordt niet geopend. Open het in Excel en bewaar het opnieuw.")
        width = max((max(piece) + 1 for piece in self.pieces if piece), default=0)
        sizes = [len(part) for part in self.rows]
        columns = []
        for number in range(width):
            columns.append(np.concatenate([piece.pop(number, None) if number in piece
                                           else np.full(size, None, dtype=object)
                                           for piece, size in zip(self.pieces, sizes, strict=True)]))
        return Cells(rows, columns)


def _grid(rows: list[list]) -> np.ndarray:
    """calamine's rows (all of one length) as a two-dimensional array of objects."""
    try:
        values = np.array(rows, dtype=object)
        if values.ndim == 2:
            return values
    except ValueError:  # rows of different lengths
        pass
    values = np.empty((len(rows), max(map(len, rows), default=0)), dtype=object)
    for number, row in enumerate(rows):
        values[number, :len(row)] = row
    return values


def _column(values: np.ndarray) -> tuple[np.ndarray, int]:
    """A piece's column with each distinct text (and number) once, whole numbers as ints (Excel
    stores every number as a float, but a house number 12 is not "12.0"), texts of spaces only as
    None (empty, as in a CSV), and its characters."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "floating", "integer"):  # one type: equal values are the same value
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        shared = np.empty(len(distinct) + 1, dtype=object)  # the last: empty cells (code -1)
        shared[:-1] = distinct
        text = 0
        if kind == "string":
            lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
            text = int(lengths[codes[codes >= 0]].sum())
            shared[:-1][np.fromiter((not value.strip() for value in distinct), dtype=bool, count=len(distinct))] = None
        elif kind == "floating":
            numbers = np.asarray(distinct, dtype=np.float64)
            whole = np.flatnonzero(np.isfinite(numbers) & (numbers == np.floor(numbers)))
            shared[whole] = [int(number) for number in numbers[whole]]
        return shared[codes], text
    if kind == "empty":
        return values, 0
    text = sum(len(v) for v in values if type(v) is str)
    cells = np.empty(len(values), dtype=object)
    cells[:] = [int(v) if type(v) is float and v.is_integer() else None if type(v) is str and not v.strip() else v
                for v in values]
    return cells, text
