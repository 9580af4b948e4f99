"""Fuzzing the import: random bytes, random text, mutated valid CSV files, random and corrupted XLSX.

Whatever the bytes, `ingest.prepare` returns a `Prepared` (whose problems the user reads) or
raises `FileRejected` with a Dutch message; any other exception is a bug. The command line
answers 0 or 1, never with a traceback, and leaves the store alone on 1.

CI runs a fixed set of examples (derandomised, so every run tries the same inputs). For a longer
hunt, ``KERNMONITOR_FUZZ_SCALE=20`` runs twenty times as many, freshly random each time. A bug
found here gets a regression test at the end of this file, with its minimal input (hypothesis'
shrunk example, or one reduced by hand).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from dashboard import ingest
from dashboard.cli.main import main
from dashboard.ingest.columns import COLUMNS
from dashboard.ingest.templates import template_csv
from dashboard.store.database import Store
from tests import ingest_files as files
from tests.conftest import store_state

#: The latest acceptable date, fixed so a run does not depend on the day it runs.
TODAY = pd.Timestamp("2025-06-30")
_SCALE = float(os.environ.get("KERNMONITOR_FUZZ_SCALE") or 1)


def fuzz(examples: int):
    """Settings for one fuzz test: ``examples`` inputs in CI, the same ones every run."""
    return settings(max_examples=max(1, round(examples * _SCALE)), deadline=None, derandomize=_SCALE == 1,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example, HealthCheck.filter_too_much])


# --- what a good outcome is ---------------------------------------------------------------------

#: Words of which a Dutch message has at least one, and English ones it never has.
_DUTCH = frozenset({
    "de", "het", "een", "is", "geen", "van", "rij", "rijen", "kolom", "bestand", "werkblad", "dit", "niet", "moet",
    "schrijf", "controleer", "ligt", "verplicht", "veld", "datum", "tekens", "gemeente", "kies", "voeg", "heeft",
    "leeg", "onbekende", "waarde", "tekst", "onleesbare", "getal", "geheel", "jaar", "cijfers", "zijn", "staat", "al",
})
_ENGLISH = frozenset({"the", "error", "expected", "could", "unable", "invalid", "none", "nan", "traceback", "dtype",
                      "object", "line", "saw", "fields", "tokenizing", "file"})


def assert_dutch(message: str) -> None:
    words = set(re.findall(r"[a-zà-ÿ]+", message.lower()))
    assert words & _DUTCH, f"not a Dutch message: {message!r}"
    assert not words & _ENGLISH, f"English or Python in the message: {message!r}"


def outcome(raw: bytes, name: str = "bestand.csv", **options) -> ingest.Prepared | None:
    """Prepare ``raw`` and check the outcome is one of the two allowed ones (None: refused)."""
    try:
        prepared = ingest.prepare(raw, name, today=TODAY, **options)
    except ingest.FileRejected as rejected:
        assert_dutch(str(rejected))
        return None
    assert isinstance(prepared, ingest.Prepared)
    for row in prepared.problems.itertuples(index=False):
        assert_dutch(row.problem)
        ingest.problems.describe_row(row)  # every problem can be shown
    prepared.valid_rows  # noqa: B018 - what the import would store can be computed
    return prepared


# --- random bytes and text ----------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32", "cp437", "mac-roman")
#: Encodings of mutated files, mostly the ones users' files come in (UTF-16 is refused at once).
_FILE_ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "cp1252", "cp1252", "latin-1", "mac-roman", "utf-16")


@fuzz(600)
@given(st.binary(max_size=3000))
def test_random_bytes(raw):
    outcome(raw)


#: Text with many delimiters, quotes and line breaks, so the sniffer sees table-like shapes.
_TABLEISH = st.text(st.sampled_from(list(";,\t|\"'\n\r \ufeff\x00") + list("abcé1234567890-/.:")) |
                    st.characters(codec="utf-8"), max_size=400)


@fuzz(500)
@given(st.one_of(st.text(max_size=500), _TABLEISH), st.sampled_from(ENCODINGS))
def test_random_text_in_random_encodings(text, encoding):
    outcome(text.encode(encoding, errors="replace"))


# --- mutated valid CSV files --------------------------------------------------------------------

def _grid(raw: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(raw.decode(encoding)), delimiter=delimiter) if row]


VALID_CSV = {
    "kortrijk": _grid(files.KORTRIJK_CP1252, "cp1252", ";"),
    "brugge": _grid(files.BRUGGE_UTF8_BOM, "utf-8-sig", ","),
    "locatus": _grid(files.LOCATUS_EXPORT, "utf-8", ";"),
    "oude codes": _grid(files.OLD_NIS_CODES, "utf-8", ";"),
    "oostende": _grid(files.OOSTENDE_TWO_YEARS, "utf-8", ";"),
    **{f"sjabloon {kind}": _grid(template_csv(kind), "utf-8-sig", ";") for kind in ("units", "campaign", "votes")},
}
#: Cells that have tripped parsers elsewhere: each is a way a real file goes wrong.
TRICKY_CELLS = [
    "", " ", "\u00a0", "-", "+", ",", ".", "0", "-0", "00", "1e999", "-1e999", "nan", "NaN", "inf", "None", "NULL",
    "1.250,5", "1,250.5", "1.2.3", "1 250", "1'250", "٣٤٠٢٢",  # Arabic-Indic digits match \d
    "２０２４",  # full-width digits
    "²", "½", "1e5", "99999999999999999999", "-5", "100001",
    "31/02/2019", "29/02/1900", "01/01/0001", "0001", "9999", "31/12/9999", "0000-00-00", "2262-04-12",
    "1677-09-21", "1899-12-31", "2014/10/23 00:00:00+00", "2024-01-01T25:61", "43466", "-43466", "2958466",
    "bezet", "leeg", "00-Leegstand", "00", "80", "47.71", "56.10", "ja", "nee", "x",
    "34022", "8500", "Kortrijk", "Courtrai", "Gent", "B-8500", "BE 0123.456.789",
    "50,827", "3,265", "50.827", "62500", "182579", "-90", "1e308",
    "=1+1", "@SUM(A1)", "<script>alert(1)</script>", "'; DROP TABLE units; --", '"', "'", "\\",
    "a\nb", "a\rb", "\t", "\x00", "\u2028", "\ufeff", "\ud7ff", "x" * 1001,
]
CELLS = st.one_of(st.sampled_from(TRICKY_CELLS), st.text(max_size=12))
#: Headers a mutated file may bring instead of its own: every synonym, and some near misses.
HEADERS = sorted({h for specs in COLUMNS.values() for spec in specs for h in spec.headers}
                 | {"", "Gemeente", "GEMEENTE ", "ge-meen-te", "jaar (2)", "naam"})


@st.composite
def mutated_grid(draw) -> list[list[str]]:
    """A valid file's cells with some cells, headers and rows changed, dropped or repeated."""
    grid = [list(row) for row in VALID_CSV[draw(st.sampled_from(sorted(VALID_CSV)))]]
    for _ in range(draw(st.integers(0, 6))):
        row = grid[draw(st.integers(0, len(grid) - 1))]
        if row:
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(HEADERS) if row is grid[0] else CELLS)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(grid) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "shorten", "lengthen", "blank", "header again",
                                       "many rows"]))
        if action == "drop" and len(grid) > 1:
            del grid[where]
        elif action == "repeat":
            grid.insert(where, list(grid[where]))
        elif action == "shorten" and grid[where]:
            grid[where].pop()
        elif action == "lengthen":
            grid[where].append(draw(CELLS))
        elif action == "blank":
            grid.insert(where, [])
        elif action == "header again":
            grid.insert(where, list(grid[0]))
        elif action == "many rows":  # past the first 4 kB, which the reader looks at more closely
            grid[where + 1:where + 1] = [list(grid[where]) for _ in range(100)]
    return grid


@st.composite
def serialised(draw, grid: list[list[str]]) -> bytes:
    """A grid written the many ways users' programs write CSV, then maybe damaged byte by byte."""
    delimiter = draw(st.sampled_from([";", ",", "\t", "|", ":", " "]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, None]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if quoting is None:  # no quoting at all: embedded delimiters and quotes break the layout
        text = end.join(delimiter.join(row) for row in grid) + end
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=end).writerows(grid)
        text = buffer.getvalue()
    raw = text.encode(draw(st.sampled_from(_FILE_ENCODINGS)), errors="replace")
    for _ in range(draw(st.integers(0, 2))):
        raw = draw(_byte_mutation(raw))
    return raw


def _byte_mutation(raw: bytes):
    position = st.integers(0, len(raw))
    return st.one_of(
        position.map(lambda i: raw[:i]),  # truncated (a download cut short)
        st.tuples(position, st.sampled_from([b'"', b";", b"\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe",
                                             b"\xe9", b"\x81", b"PK\x03\x04"]))
        .map(lambda found: raw[:found[0]] + found[1] + raw[found[0]:]),
        st.tuples(position, st.integers(0, 255)).map(
            lambda found: raw[:found[0]] + bytes([found[1]]) + raw[found[0] + 1:]),
    )


@st.composite
def import_options(draw) -> dict:
    """What the user may choose besides the file: the kind and an inventory date for rows without one."""
    return {"kind": draw(st.sampled_from([None, "units", "campaign", "votes"])),
            "observed_on": draw(st.sampled_from([None, pd.Timestamp("2024-01-01"), date(2023, 1, 1)]))}


@fuzz(500)
@given(mutated_grid().flatmap(serialised), import_options())
def test_mutated_csv(raw, options):
    outcome(raw, **options)


@fuzz(150)
@given(mutated_grid(), st.data())
def test_mutated_csv_with_a_hand_made_mapping(grid, data):
    raw = data.draw(serialised(grid))
    kind = data.draw(st.sampled_from(["units", "campaign", "votes"]))
    names = [None] + [spec.name for spec in COLUMNS[kind]]
    headers = grid[0] if grid else []
    mapping = {header: data.draw(st.sampled_from(names)) for header in headers}
    outcome(raw, kind=kind, mapping=mapping)


@st.composite
def generated_table(draw) -> bytes:
    """A well-formed CSV of recognised headers (of one kind, or mixed) and tricky cells: what gets
    past the reader to the parsers, the municipalities and the rules."""
    kind = draw(st.sampled_from(["units", "campaign", "votes"]))
    synonyms = [spec.headers[draw(st.integers(0, len(spec.headers) - 1))] for spec in COLUMNS[kind]]
    header = draw(st.lists(st.sampled_from(synonyms + HEADERS[:5]), min_size=1, max_size=10, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), min_size=1, max_size=8))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8", errors="replace")


@fuzz(250)
@given(generated_table(), import_options())
def test_generated_tables(raw, options):
    outcome(raw, **options)


# --- XLSX: random zips, corrupted workbooks, random cell values ---------------------------------

REAL_XLSX = {"roeselare": files.zip_members(files.roeselare_lambert_xlsx()),
             "kortrijk": files.zip_members(files.xlsx(VALID_CSV["kortrijk"])),
             "twee bladen": files.zip_members(files.xlsx([["kleur"], ["rood"]],
                                                         sheets={"Data": VALID_CSV["oostende"]}))}
#: Pieces of SpreadsheetML that stress the reader: huge rows and columns, odd types, entities.
XML_SNIPPETS = [
    b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>', b'<row r="99999999">', b'<row r="-1">', b'<row r="x">',
    b'<c r="XFD1"><v>1</v></c>', b'<c r="ZZZZ1"><v>1</v></c>', b'<c r="A0"><v>1</v></c>', b'<c t="s"><v>999</v></c>',
    b'<c t="n"><v>1e999</v></c>', b'<c t="n"><v>nan</v></c>', b'<c t="b"><v>2</v></c>', b'<c t="d"><v>x</v></c>',
    b'<c t="e"><v>#DIV/0!</v></c>', b'<c t="inlineStr"><is><t>&amp;&lt;</t></is></c>', b'<c s="999"><v>1</v></c>',
    b'<c s="1"><v>-99999999</v></c>', b'<c s="1"><v>2958466</v></c>', b'<dimension ref="A1:XFD1048576"/>',
    b"&undefined;", b"<!-- -->", b"\x00", b"\xff", b"</worksheet>", b"<sheetData>",
]


@st.composite
def corrupted_xlsx(draw) -> bytes:
    """A real workbook with one or more parts cut, spliced, dropped or added, or the zip itself damaged."""
    members = dict(REAL_XLSX[draw(st.sampled_from(sorted(REAL_XLSX)))])
    names = sorted(members)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        data = members.get(name, b"")
        where = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "splice", "drop", "replace", "empty"]))
        if action == "cut":
            members[name] = data[:where]
        elif action == "splice":
            members[name] = data[:where] + draw(st.sampled_from(XML_SNIPPETS)) + data[where:]
        elif action == "drop":
            members.pop(name, None)
        elif action == "replace":
            members[name] = draw(st.binary(max_size=200))
        else:
            members[name] = b""
    raw = files.zip_bytes(members, draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))
    if draw(st.booleans()):
        raw = draw(_byte_mutation(raw))
    return raw


@fuzz(250)
@given(corrupted_xlsx())
def test_corrupted_xlsx(raw):
    outcome(raw, "bestand.xlsx")


XLSX_NAMES = ["xl/workbook.xml", "[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels",
              "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"]


@fuzz(200)
@given(st.dictionaries(st.sampled_from(XLSX_NAMES) | st.text(min_size=1, max_size=15).filter(lambda n: "\x00" not in n),
                       st.binary(max_size=200) | st.sampled_from(XML_SNIPPETS), min_size=1, max_size=8),
       st.booleans())
def test_random_zips(members, with_workbook):
    if with_workbook:  # without xl/workbook.xml a zip is not taken for Excel at all
        members.setdefault("xl/workbook.xml", b"<workbook/>")
    outcome(files.zip_bytes(members), "bestand.xlsx")


_XLSX_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.text(max_size=15).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)), st.sampled_from(TRICKY_CELLS),
)


@fuzz(100)
@given(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8), st.data())
def test_xlsx_with_random_cells(header, data):
    width = len(header)
    rows = data.draw(st.lists(st.lists(_XLSX_VALUES, min_size=width, max_size=width), max_size=6))
    rows = [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row] for row in rows]
    outcome(files.xlsx([header, *rows]), "bestand.xlsx", observed_on=data.draw(st.sampled_from([None, TODAY])))


# --- the command line ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_store():
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'fuzz.db'}"
        Store(url)
        yield url, Path(folder)


@fuzz(40)
@given(st.one_of(mutated_grid().flatmap(serialised), st.binary(max_size=500), corrupted_xlsx()), st.booleans())
def test_command_line_answers_0_or_1_and_refusals_change_nothing(cli_store, raw, partial):
    url, folder = cli_store
    path = folder / ("invoer.xlsx" if raw.startswith(b"PK") else "invoer.csv")
    path.write_bytes(raw)
    before = store_state(url)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", str(path), "--db", url, "--by", "fuzz", *(["--partial"] if partial else [])])
    assert code in (0, 1), err.getvalue()
    assert "Traceback" not in err.getvalue() and "onverwachte fout" not in err.getvalue(), err.getvalue()
    after = store_state(url)
    if code == 1:
        assert after == before
    else:
        assert after[0] == before[0] + 1 and after[1][0] == before[1][0] + 1  # one batch more


# --- regressions: each bug the fuzzing found, with its minimal input ----------------------------

def test_an_unclosed_quote_is_refused_in_dutch():
    # Found by test_random_bytes: a lone quote made pandas' English "EOF inside string" the message.
    with pytest.raises(ingest.FileRejected) as refused:
        ingest.prepare(b'"', "bestand.csv", today=TODAY)
    assert str(refused.value).startswith('Een aanhalingsteken (") in rij 1 wordt nooit gesloten')
    with pytest.raises(ingest.FileRejected, match=r"in rij 3 wordt nooit gesloten"):  # header = row 1
        ingest.prepare(b'gemeente;straat\nKortrijk;Markt\nKortrijk;"Dam\n', "bestand.csv", today=TODAY)


@pytest.mark.parametrize(("cell", "problem"), [
    ("9999", "datum in de toekomst"),  # a year pandas cannot hold in nanoseconds (after 2262)
    ("01/01/0001", "datum vóór 1900"),  # … nor before 1677
    ("0000", "geen bestaande datum"),  # there is no year 0
])
def test_dates_beyond_what_pandas_holds_are_reported_not_raised(cell, problem):
    # Found by test_mutated_csv (OutOfBoundsDatetime when the dates became datetime64[ns]).
    raw = f"gemeente;straat;status;jaar\nKortrijk;Markt;bezet;{cell}\n".encode()
    prepared = ingest.prepare(raw, "bestand.csv", today=TODAY)
    assert prepared.problems[["row_number", "column_name", "value"]].values.tolist() == [[2, "jaar", cell]]
    assert prepared.problems["problem"].iloc[0].startswith(problem)


def test_a_count_too_large_for_int64_is_unreadable_not_raised():
    # Found by test_generated_tables: 10**20 - 1 bags made pandas' Int64 cast raise TypeError.
    prepared = ingest.prepare(b"gemeente;editie;tassen\nKortrijk;2020;99999999999999999999\n", "campagne.csv",
                              today=TODAY)
    assert prepared.problems[["row_number", "problem"]].values.tolist() == [
        [2, "geen geheel getal ≥ 0: schrijf bv. 300"],  # the cell, in column tassen
        [2, "geen enkel cijfer ingevuld in deze rij"]]  # so the row has no figure at all


def test_a_repeated_header_that_looks_numbered_gets_its_own_name():
    # Found probing the reader: unique_headers turned these into two columns named "gemeente (2)",
    # and pandas then handed a DataFrame where a column was expected (AttributeError).
    raw = files.xlsx([["gemeente (2)", "gemeente", "gemeente", "status", "jaar"],
                      ["Kortrijk", "Kortrijk", "Brugge", "leeg", 2024]])
    prepared = ingest.prepare(raw, "dubbel.xlsx", today=TODAY)
    assert list(prepared.preview.columns) == ["gemeente (2)", "gemeente", "gemeente (3)", "status", "jaar"]
    assert prepared.rows["nis_code"].tolist() == ["34022"]  # the first "gemeente" column is used


SHEET = "xl/worksheets/sheet1.xml"


def _workbook_with(change) -> bytes:
    members = dict(REAL_XLSX["kortrijk"])
    change(members)
    return files.zip_bytes(members)


def _no_sheets(members: dict[str, bytes]) -> None:
    members["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", members["xl/workbook.xml"])


#: Damaged workbooks from test_corrupted_xlsx, reduced by hand; the comment names what openpyxl raised
#: (calamine, which reads them now, raises its own errors).
DAMAGED = {
    "sheet cut in half": lambda m: m.update({SHEET: m[SHEET][:300]}),  # ParseError
    "empty workbook.xml": lambda m: m.update({"xl/workbook.xml": b""}),  # ParseError
    "workbook.xml of another kind": lambda m: m.update({"xl/workbook.xml": b'<workbook s="1"/>'}),  # TypeError
    "a workbook without sheets": _no_sheets,  # IndexError in our own sheetnames[0]
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_workbook_is_refused_in_dutch(name):
    with pytest.raises(ingest.FileRejected) as refused:
        ingest.prepare(_workbook_with(DAMAGED[name]), "kapot.xlsx", today=TODAY)
    assert_dutch(str(refused.value))
    assert "Excelbestand" in str(refused.value)


def test_a_workbook_without_its_content_types_is_still_read():
    # openpyxl raised KeyError; calamine finds the sheets without [Content_Types].xml.
    prepared = ingest.prepare(_workbook_with(lambda m: m.pop("[Content_Types].xml")), "zonder.xlsx", today=TODAY)
    assert prepared.rows_read > 0


def test_a_damaged_zip_is_refused_in_dutch():
    raw = files.zip_bytes(REAL_XLSX["kortrijk"])
    sheet = raw.index(b"xl/worksheets/sheet1.xml") + len(b"xl/worksheets/sheet1.xml")
    cases = {
        "bad data": raw[:sheet + 40] + b"\xff" * 40 + raw[sheet + 80:],  # zlib.error
        # Compression method 99 (AES) in every local and central header: NotImplementedError.
        "unknown method": raw.replace(b"\x14\x00\x00\x00\x08\x00", b"\x14\x00\x00\x00\x63\x00"),
        "cut short": raw[:len(raw) // 2] + raw[-22:],  # BadZipFile
    }
    for damaged in cases.values():
        with pytest.raises(ingest.FileRejected) as refused:
            ingest.prepare(damaged, "kapot.xlsx", today=TODAY)
        assert_dutch(str(refused.value))


def test_a_zero_byte_after_the_first_4_kb_is_refused_before_the_store(store_url):
    # Found checking what PostgreSQL stores: the reader looked for zero bytes in the first 4 kB only,
    # so one further on reached a street name and PostgreSQL refused the insert (psycopg.DataError).
    rows = files.good_rows(120) + ["Kortrijk;Markt\x00straat;999;bezet;100;01/01/2024"]  # on line 122
    raw = files.units_csv(rows)
    assert raw.index(b"\x00") > 4096
    store = Store(store_url)
    with pytest.raises(ingest.FileRejected) as refused:
        ingest.import_file(store, raw, "nul.csv", imported_by="test")
    assert str(refused.value).startswith("Het bestand bevat op regel 122 een nulteken (byte 0)")
    assert store.is_empty()
