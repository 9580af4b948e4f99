"""Limits on what an import reads, checked before the expensive (or dangerous) work starts.

A file larger than the upload limit, with more rows or columns than the settings allow, or an
XLSX that would unpack to far more than it weighs (a zip bomb) or that declares a DTD (the door
to external entities, which Office files never use) is refused with a Dutch message that says
what is wrong. The XLSX checks read only the zip's directory and the first bytes of each part,
so a refused file costs milliseconds and almost no memory.

An XLSX's shared strings are measured as they stream by, before any cell is read: one text is
written once and may fill any number of cells, so a text over the field limit (or a table of
more texts than a workbook of the largest allowed size holds) refuses the file.
"""

from __future__ import annotations

import io
import re
import struct
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass

from dashboard import settings
from dashboard.i18n import format_number
from dashboard.ingest.problems import FileRejected

#: What zipfile raises on a damaged, encrypted or exotic archive (it names no common base class).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, ValueError, OSError, EOFError, RuntimeError)
DAMAGED_XLSX = ("Het Excelbestand is beschadigd of onvolledig en kan niet gelezen worden. Open het in Excel en "
                "bewaar het opnieuw als .xlsx, of bewaar het als CSV.")
#: The zip's end record: signature, disk numbers, entries on this disk, entries, directory size and
#: offset, comment length (APPNOTE.TXT 4.3.16).
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
#: How far from the end the end record can be: itself plus the longest comment.
_END_SEARCH = _END_RECORD.size + 0xFFFF
#: How much of a part's start is searched for a DTD; a longer prolog is refused as suspect.
_PROLOG_BYTES = 64 * 1024
#: What may come before a document's root element besides a DTD: spaces, the XML declaration,
#: processing instructions and comments.
_PROLOG_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _megabytes(size: int) -> str:
    return format_number(size / 1024 / 1024, 1)


def check_size(raw: bytes | int) -> None:
    """Refuse a file over the upload limit (the page's limit, also on the command line), given
    its bytes or only its size (the command line checks a file's size before reading it).

    >>> check_size(b"gemeente;status\\nKortrijk;leeg\\n")
    """
    size = raw if isinstance(raw, int) else len(raw)
    limit = settings.max_upload_bytes()
    if size > limit:
        raise FileRejected(f"Het bestand is {_megabytes(size)} MB; de grens is {_megabytes(limit)} MB. Splits "
                           "het per gemeente of per jaar en importeer de delen apart.")


def too_many_rows() -> FileRejected:
    """The refusal of a file with more rows under its header than ``settings.max_rows()``."""
    limit = format_number(settings.max_rows())
    return FileRejected(f"Het bestand heeft meer dan {limit} rijen onder de kopregel (lege rijen tellen mee); de "
                        f"grens is {limit}. Splits het per gemeente of per jaar en importeer de delen apart.")


def check_columns(width: int) -> None:
    """Refuse a table wider than ``settings.MAX_COLUMNS``.

    >>> check_columns(16)
    """
    if width > settings.MAX_COLUMNS:
        raise FileRejected(f"Het bestand heeft meer dan {settings.MAX_COLUMNS} kolommen; de grens is "
                           f"{settings.MAX_COLUMNS}. Controleer het scheidingsteken, of verwijder de kolommen die "
                           "niet nodig zijn.")


def declared_parts(raw: bytes) -> int | None:
    """How many parts a zip says it holds, read from its end record before ``zipfile`` builds an
    object for every one of them (None when there is no end record).

    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("a.xml", "<a/>"), archive.writestr("b.xml", "<b/>")
    (None, None)
    >>> declared_parts(buffer.getvalue())
    2
    """
    found = raw.rfind(_END_SIGNATURE, max(0, len(raw) - _END_SEARCH))
    if found < 0 or found + _END_RECORD.size > len(raw):
        return None
    return _END_RECORD.unpack_from(raw, found)[4]


def check_archive(raw: bytes) -> None:
    """Refuse an XLSX before it is read: too many parts, too large or too tightly packed
    once unpacked (sizes from the zip's directory), or a part that declares a DTD.

    Raises
    ------
    FileRejected
        Naming the limit or the part; a zip that cannot be read at all is a damaged file.
    """
    if (declared_parts(raw) or 0) > settings.MAX_XLSX_PARTS:
        _too_many_parts()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
            if len(parts) > settings.MAX_XLSX_PARTS:
                _too_many_parts()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > settings.MAX_XLSX_UNPACKED_MB * 1024 * 1024:
                raise FileRejected(f"Het Excelbestand zou uitgepakt {_megabytes(unpacked)} MB worden; de grens is "
                                   f"{format_number(settings.MAX_XLSX_UNPACKED_MB)} MB. Splits het, of bewaar het als "
                                   "CSV.")
            for part in parts:
                _check_ratio(part)
            for part in parts:
                _check_prolog(archive, part)
    except FileRejected:  # a ValueError too: it must not become "damaged"
        raise
    except ZIP_ERRORS as error:
        raise FileRejected(DAMAGED_XLSX) from error


def _too_many_parts():
    raise FileRejected(f"Het Excelbestand bestaat uit meer dan {format_number(settings.MAX_XLSX_PARTS)} delen; een "
                       "werkboek heeft er hooguit enkele tientallen. Het wordt niet geopend.")


def _check_ratio(part: zipfile.ZipInfo) -> None:
    if part.file_size <= settings.COMPRESSION_GRACE_BYTES:
        return
    ratio = part.file_size / max(part.compress_size, 1)
    if ratio > settings.MAX_COMPRESSION_RATIO:
        raise FileRejected(f"Het Excelbestand is verdacht: het deel '{part.filename}' is {format_number(ratio)} keer "
                           f"samengeperst ({_megabytes(part.file_size)} MB uitgepakt), zoals bij een zipbom; "
                           f"echte werkbladen hooguit {settings.MAX_COMPRESSION_RATIO} keer. Het wordt niet "
                           "geopend.")


def _check_prolog(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse a part whose XML declares a DTD (``<!DOCTYPE``): it can define entities that read
    files or URLs (XXE) or expand without end. A DTD can only stand before the root element."""
    with archive.open(part) as stream:
        head = stream.read(_PROLOG_BYTES)
    text = _as_text(head)
    position = 0
    while found := _PROLOG_ITEM.match(text, position):
        position = found.end()
    rest = text[position:]
    if rest.startswith(("<!DOCTYPE", "<!ENTITY")):
        raise FileRejected(f"Het Excelbestand bevat een DTD (<!DOCTYPE …>) in het deel '{part.filename}'. "
                           "Excel schrijft die nooit; ze kan verwijzen naar andere bestanden (externe entiteiten). "
                           "Het wordt niet geopend. Bewaar het opnieuw in Excel, of als CSV.")
    # A prolog that does not end in what was read (endless spaces, a comment left open) could
    # hide a DTD further on; anything else there is broken XML, which the readers refuse themselves.
    if len(head) == _PROLOG_BYTES and (not rest or rest.startswith(("<!--", "<?"))):
        raise FileRejected(f"Het Excelbestand is verdacht: het deel '{part.filename}' begint met meer dan "
                           f"{_PROLOG_BYTES // 1024} kB zonder inhoud. Het wordt niet geopend.")


def _as_text(head: bytes) -> str:
    """A part's first bytes as text, enough to see its markup: UTF-16 by its byte order mark or its
    zero bytes, else byte for byte (markup is ASCII in UTF-8 and every 8-bit encoding)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head.startswith((b"<\x00", b"\x00<")):
        return head.decode("utf-16-le" if head[0] else "utf-16-be", errors="replace")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


# --- the texts of a workbook ---------------------------------------------------------------------

#: How much of a part is measured at a time.
_BLOCK = 4 * 1024 * 1024
#: Markup that can hold an end tag a byte search would take for a real one.
_HIDING = (b"<![CDATA[", b"<!--")


@dataclass(frozen=True)
class Texts:
    """What the texts of one kind in a part add up to: how many (at most) and how many characters
    the longest has (at most)."""

    count: int
    longest: int


def measure_texts(open_part, element: str, *, where: str) -> Texts:
    """Count and measure the texts in ``element`` (``si``: the shared strings; ``is``: a sheet's
    inline strings) of the part ``open_part()`` streams, refusing one over ``MAX_FIELD_CHARS`` and
    more shared strings than ``MAX_SHARED_STRINGS``.

    A text is never longer than the bytes between its start and end tags, so a search for the
    end tags settles a common file; one with longer elements (rich text), with markup that could
    hide an end tag, or in UTF-16 is parsed (expat; the DTD check came first, so no entities).
    """
    found = _by_bytes(open_part(), element.encode())
    if found is None:
        found = _by_parser(open_part(), element, where)
    if element == "si" and found.count > settings.MAX_SHARED_STRINGS:
        raise FileRejected(f"Het Excelbestand bevat meer dan {format_number(settings.MAX_SHARED_STRINGS)} "
                           f"verschillende teksten (in {where}); de grens is "
                           f"{format_number(settings.MAX_SHARED_STRINGS)}. Het wordt niet geopend. Splits het per "
                           "gemeente of per jaar, of bewaar het als CSV.")
    return found


def _by_bytes(stream, element: bytes) -> Texts | None:
    """`Texts` from the distances between end tags, or None when they cannot settle it."""
    limit = settings.MAX_FIELD_CHARS
    start, close = b"<" + element, b"</" + element + b">"
    carry, count, longest, offset = b"", 0, 0, 10  # the XML declaration is the one instruction allowed
    while block := stream.read(_BLOCK):
        data = carry + block
        if any(mark in data for mark in _HIDING) or b":" + element in data or data.find(b"<?", offset) >= 0:
            return None
        offset = 0
        end = data.rfind(close)
        if end >= 0:
            count += data.count(start, 0, end)
            pieces = data[:end].split(close)
            widest = max(map(len, pieces))
            if widest > limit:  # a long element, or a short one after other markup: from its start
                widest = max(_from_start(piece, start) for piece in pieces)
            longest = max(longest, widest)
            carry = data[end + len(close):]
        else:
            carry = data
        if longest > limit or _from_start(carry, start) > limit:
            return None
    return Texts(count + carry.count(start), longest)


def _from_start(piece: bytes, start: bytes) -> int:
    """How many bytes ``piece`` has from its first start tag on (a piece ends where an element ends).

    >>> _from_start(b'</c><c r="B2" t="inlineStr"><is><t>Markt', b"<is")
    12
    """
    at = piece.find(start)
    return len(piece) - max(at, 0)


def _by_parser(stream, element: str, where: str) -> Texts:
    """`Texts` by parsing, as calamine reads them: the ``t`` elements of each ``element``, phonetic
    runs (``rPh``) left out."""
    measure = _Measure(element, where)
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = measure.start, measure.end
    parser.CharacterDataHandler = measure.text
    try:
        while block := stream.read(_BLOCK // 4):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as error:
        raise FileRejected(DAMAGED_XLSX) from error
    return Texts(measure.count, measure.longest)


class _Measure:
    """expat's handlers that measure each text as it streams by; one over the limit is refused
    when it ends (so the message gives its length)."""

    def __init__(self, element: str, where: str):
        self.element, self.where = element, where
        self.count = self.longest = self.length = self.in_text = 0
        self.inside = self.phonetic = False
        self.begins = ""

    def start(self, name: str, _attributes) -> None:
        local = name.rpartition(":")[2]
        if local == self.element and not self.inside:
            self.inside, self.count, self.length, self.in_text, self.begins = True, self.count + 1, 0, 0, ""
        elif self.inside and local == "rPh":
            self.phonetic = True
        elif self.inside and local == "t":
            self.in_text += 1

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == self.element and self.inside:
            self.inside, self.phonetic = False, False
            self.longest = max(self.longest, self.length)
            if self.length > settings.MAX_FIELD_CHARS:
                raise text_too_long(self.length, self.begins, self.where)
        elif self.inside and local == "rPh":
            self.phonetic = False
        elif self.inside and local == "t":
            self.in_text = max(0, self.in_text - 1)

    def text(self, data: str) -> None:
        if self.inside and self.in_text and not self.phonetic:
            self.length += len(data)
            if len(self.begins) < 40:
                self.begins = (self.begins + data)[:40]


def text_too_long(length: int, begins: str, where: str) -> FileRejected:
    """The refusal of a workbook with a text over the field limit."""
    limit = format_number(settings.MAX_FIELD_CHARS)
    start = " ".join(begins.split())[:30]
    return FileRejected(f"Het Excelbestand bevat in {where} een tekst van {format_number(length)} tekens (die begint "
                        f"met '{start}…'); de grens is {limit} tekens per cel. Het wordt niet geopend. Kort die tekst "
                        "in of verwijder ze, en bewaar het bestand opnieuw.")


def too_much_text() -> FileRejected:
    """The refusal of a workbook whose cells hold more text than a CSV file at the upload limit
    (``settings.max_upload_bytes()`` characters)."""
    limit = _megabytes(settings.max_upload_bytes())
    return FileRejected(f"De cellen van het Excelbestand bevatten samen meer tekst dan een CSV-bestand van {limit} MB "
                        f"(de grens) kan bevatten. Het wordt niet geopend. Splits het per gemeente of per jaar en "
                        "importeer de delen apart.")
