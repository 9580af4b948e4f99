"""A worksheet's XML cut into pieces that calamine can read one at a time with bounded memory.

calamine lays a sheet's cells out as a dense grid from the first to the last cell and copies a
shared string into every cell that refers to it, so what it holds depends on where the cells say
they are and on which texts they use, not on the file's size: two cells a million rows and five
hundred columns apart fill gigabytes. Each piece here is whole rows, cut before a row that states
its number, and is small enough by a conservative count made before calamine sees it: the grid
its cell references can span, and the text its cells can hold (each at most the longest shared
string, plus the text written in the piece itself). A piece that cannot be made small enough is
a file no spreadsheet program writes, and is refused.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from dashboard.i18n import format_number
from dashboard.ingest import limits
from dashboard.ingest.problems import FileRejected

#: Bytes of XML read at a time, and the size a piece grows to before it is handed over.
BLOCK = 4 * 1024 * 1024
PIECE_BYTES = 16 * 1024 * 1024
#: Most cells a piece's grid may span (calamine holds 32 bytes each, twice while it builds it).
PIECE_GRID = 4_000_000
#: Most characters of text a piece's cells may hold, counted as above.
PIECE_TEXT = 32_000_000
#: Longest run of rows without a row number that is read as one piece.
UNNUMBERED_BYTES = 64 * 1024 * 1024
#: How far into a sheet its rows must have begun.
_HEAD_BYTES = 16 * 1024 * 1024
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_NUMBERED = re.compile(rb"\sr\s*=")
_CELL = re.compile(rb"<c|:c")
_REFERENCE = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]*)(\d*)")
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 13, 32]] = True
#: How many row ends back a cut before a numbered row is looked for.
_TRIES = 64
#: A reference beyond every limit (more than three letters or ten digits).
_FAR = 1 << 40


@dataclass(frozen=True)
class _Span:
    """What a run of rows can make calamine hold: the rows and columns its references name, the
    rows without a number (each one further down), the most cells in one row when some cells have
    no reference (each one further right; 0 when all have one), its cells and its size."""

    first: int
    last: int
    column: int
    unnumbered_rows: int
    row_cells: int
    cells: int
    size: int

    def __add__(self, other: _Span) -> _Span:
        return _Span(min(self.first, other.first), max(self.last, other.last), max(self.column, other.column),
                     self.unnumbered_rows + other.unnumbered_rows, max(self.row_cells, other.row_cells),
                     self.cells + other.cells, self.size + other.size)

    def fits(self, longest: int) -> bool:
        """Whether calamine reading these rows holds a bounded grid and bounded text."""
        rows = max(self.last, self.first) + self.unnumbered_rows - self.first + 1
        columns = max(self.column, -1) + 1 + self.row_cells
        return rows * columns <= PIECE_GRID and self.cells * longest + self.size <= PIECE_TEXT


def pieces(stream, *, longest: int, where: str) -> Iterator[bytes]:
    """The sheet streamed by ``stream`` as whole worksheets of a piece of its rows each (none for
    a sheet without rows); ``longest`` is the longest shared string, ``where`` names the sheet."""
    head, rest = _head(stream, where)
    if head is None:
        return
    prefix = _SHEET_DATA.search(head)[1]
    tail = b"</" + prefix + b"sheetData></" + _ROOT.search(head)[1] + b">"
    close, end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
    piece: list[bytes] = []
    span = None
    for number, segment in enumerate(_segments(stream, rest, close, end, prefix, where)):
        start = 0 if number == 0 and _starts_unnumbered(segment, prefix) else None
        for part, part_span in _fitting(segment, longest, start, close, prefix, where):
            start = None
            joined = span + part_span if span is not None else None
            if joined is not None and joined.fits(longest) and joined.size <= PIECE_BYTES:
                piece.append(part)
                span = joined
                continue
            if piece:
                yield _whole(head, piece, tail, where)
            piece, span = [part], part_span
    if piece:
        yield _whole(head, piece, tail, where)


def _head(stream, where: str) -> tuple[bytes | None, bytes]:
    """The sheet up to its ``<sheetData>`` tag and what was read after it (None: no rows)."""
    data = b""
    while (found := _SHEET_DATA.search(data)) is None:
        block = stream.read(BLOCK)
        if not block:  # a worksheet always has its sheetData; also UTF-16, which Excel never writes
            raise FileRejected(limits.DAMAGED_XLSX)
        data += block
        if len(data) > _HEAD_BYTES:
            raise FileRejected(f"Het Excelbestand is verdacht: {where} begint met meer dan "
                               f"{_HEAD_BYTES // 1024 // 1024} MB zonder rijen. Het wordt niet geopend.")
    if found[2]:  # <sheetData/>
        return None, b""
    return data[:found.end()], data[found.end():]


def _starts_unnumbered(segment: bytes, prefix: bytes) -> bool:
    """Whether the first row has no number (calamine then counts from row 1)."""
    at = segment.find(b"<" + prefix + b"row")
    tag_end = segment.find(b">", at)
    return at < 0 or not _NUMBERED.search(segment, at, tag_end if tag_end >= 0 else len(segment))


def _segments(stream, data: bytes, close: bytes, end: bytes, prefix: bytes, where: str) -> Iterator[bytes]:
    """Runs of whole rows of about `BLOCK` bytes, each ending before a numbered row (or at the
    end of the sheet's rows)."""
    while True:
        finish = data.find(end)
        if finish >= 0:
            if finish:
                yield data[:finish]
            return
        cut = _cut_before(data, len(data), close, prefix)
        if cut > 0:
            yield data[:cut]
            data = data[cut:]
        elif len(data) > UNNUMBERED_BYTES:
            size = format_number(UNNUMBERED_BYTES / 1024 / 1024, 1)
            raise FileRejected(f"{where[:1].upper()}{where[1:]} heeft meer dan {size} MB aan rijen zonder rijnummer, "
                               "en kan zo niet in delen gelezen worden. Open het in Excel en bewaar het opnieuw als "
                               ".xlsx, of bewaar het als CSV.")
        block = stream.read(BLOCK)
        if not block:
            raise FileRejected(limits.DAMAGED_XLSX)  # the rows never end
        data += block


def _cut_before(data: bytes, before: int, close: bytes, prefix: bytes) -> int:
    """The last place before ``before`` where a row ends and a numbered one begins (0: none)."""
    at = data.rfind(close, 0, before)
    for _ in range(_TRIES):
        if at <= 0:
            break
        if _numbered_after(data, at + len(close), prefix):
            return at + len(close)
        at = data.rfind(close, 0, at)
    return 0


def _cut_after(data: bytes, after: int, close: bytes, prefix: bytes) -> int:
    """The first place after ``after`` where a row ends and a numbered one begins (0: none)."""
    at = data.find(close, after)
    for _ in range(_TRIES):
        if at < 0:
            break
        if _numbered_after(data, at + len(close), prefix):
            return at + len(close)
        at = data.find(close, at + 1)
    return 0


def _numbered_after(data: bytes, cut: int, prefix: bytes) -> bool:
    """Whether the row that begins at ``cut`` (after spaces) states its number."""
    begin = cut
    while begin < len(data) and _SPACE[data[begin]]:
        begin += 1
    tag_end = data.find(b">", begin)
    return tag_end >= 0 and data.startswith(b"<" + prefix + b"row", begin) and bool(
        _NUMBERED.search(data, begin, tag_end))


def _fitting(segment: bytes, longest: int, start: int | None, close: bytes, prefix: bytes,
             where: str) -> Iterator[tuple[bytes, _Span]]:
    """``segment`` in parts that each fit a piece on their own, halved where needed."""
    waiting = [(segment, start)]
    while waiting:
        part, first = waiting.pop()
        span = _span(part, first, close)
        if span.fits(longest):
            yield part, span
            continue
        middle = (_cut_before(part, len(part) // 2, close, prefix)
                  or _cut_after(part, len(part) // 2, close, prefix))
        if not middle:
            raise FileRejected(f"Het Excelbestand is verdacht: in {where} verwijst een rij naar cellen ver buiten "
                               "die rij. Het wordt niet geopend. Open het in Excel en bewaar het opnieuw.")
        waiting += [(part[middle:], None), (part[:middle], first)]


def _span(segment: bytes, start: int | None, close: bytes) -> _Span:
    """The `_Span` of a run of rows; ``start`` is the row calamine counts from when the run
    begins without a row number (None: it begins with one)."""
    rows, columns = _references(segment)
    row_numbers, named = rows[columns < 0], columns >= 0
    cells = segment.count(b"<c") + segment.count(b":c")  # every cell, and perhaps a few more
    row_tags = segment.count(b"<row") + segment.count(b":row")
    first, last = int(rows.min(initial=_FAR)), int(rows.max(initial=-1))
    if start is not None:
        first, last = min(first, start), max(last, start)
    if last < 0:
        first = last = 0
    return _Span(first=first, last=last, column=int(columns.max(initial=-1)),
                 unnumbered_rows=max(0, row_tags - len(row_numbers)),
                 row_cells=_widest_row(segment, close) if cells > named.sum() else 0, cells=cells, size=len(segment))


def _widest_row(segment: bytes, close: bytes) -> int:
    """The most cells (and perhaps a few more) between two row ends.

    >>> _widest_row(b"<row><c/><c/></row><row><c/><c/><c/></row>", b"</row>")
    3
    """
    ends = np.array([found.end() for found in re.finditer(re.escape(close), segment)], dtype=np.int64)
    cells = np.array([found.start() for found in _CELL.finditer(segment)], dtype=np.int64)
    return int(np.bincount(np.searchsorted(ends, cells), minlength=1).max(initial=0))


def _references(segment: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The row (from 0) and column (from 0; -1 for a row's own number) of every ``r="…"``
    attribute, read by numpy a character at a time for all of them at once; spaces around an
    ``=`` anywhere send it to a regular expression.

    >>> _references(b'<row r="12"><c r="B12" t="s"><v>3</v></c><c r=\\'aa12\\'/></row>')
    (array([11, 11, 11]), array([-1,  1, 26]))
    """
    data = np.frombuffer(segment + b"\0" * 24, dtype=np.uint8)
    equals = np.flatnonzero(data[2:len(segment)] == 61) + 2
    if (_SPACE[data[equals - 1]] | _SPACE[data[equals + 1]]).any() or b"=" in segment[:2]:
        return _references_by_pattern(segment)
    quote = (data[equals + 1] == 34) | (data[equals + 1] == 39)
    at = equals[quote & (data[equals - 1] == 114) & _SPACE[data[equals - 2]]] + 2
    column, letters = _count_in(data, at, 4, 65, 90, 26, fold=0xDF)
    rows, digits = _count_in(data, at + letters, 11, 48, 57, 10)
    far = (letters > 3) | (digits > 10)
    rows, column = np.where(far, _FAR, rows - 1), np.where(far & (letters > 0), _FAR, column - 1)
    keep = digits > 0  # a reference without a row number is refused by calamine itself
    return rows[keep], column[keep]


def _count_in(data: np.ndarray, at: np.ndarray, most: int, low: int, high: int, base: int,
              fold: int = 0xFF) -> tuple[np.ndarray, np.ndarray]:
    """The number written from each of ``at`` in characters ``low``…``high`` (letters: A is 1,
    base 26; digits: base 10) and how many characters it has, up to ``most``."""
    value = np.zeros(len(at), dtype=np.int64)
    length = np.zeros(len(at), dtype=np.int64)
    going = np.ones(len(at), dtype=bool)
    for _ in range(most):
        byte = data[at + length] & fold
        going &= (byte >= low) & (byte <= high)
        if not going.any():
            break
        value = np.where(going, value * base + (byte.astype(np.int64) - low + (base == 26)), value)
        length += going
    return value, length


def _references_by_pattern(segment: bytes) -> tuple[np.ndarray, np.ndarray]:
    rows, columns = [], []
    for letters, digits in _REFERENCE.findall(segment):
        if not digits:
            continue
        rows.append(int(digits) - 1 if len(digits) <= 10 else _FAR)
        column = -1
        for letter in letters.upper()[:4]:
            column = (column + 1) * 26 + letter - 64 - 1
        columns.append(_FAR if len(letters) > 3 else column)
    return np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)


def _whole(head: bytes, piece: list[bytes], tail: bytes, where: str) -> bytes:
    """A worksheet of the piece's rows, its inline strings measured first."""
    document = b"".join([head, *piece, tail])
    if b"<is" in document or b":is" in document:
        limits.measure_texts(lambda: io.BytesIO(document), "is", where=where)
    return document
