"""Limits on imports (dashboard.ingest.limits): upload size, rows, columns, zip bombs and DTDs.

Each refusal is a `FileRejected` with a Dutch message that names the problem; the XLSX ones
come before openpyxl opens the file, so they cost little time and memory.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboard import settings
from dashboard.cli.main import main
from dashboard.ingest import FileRejected, limits, prepare
from dashboard.ingest.reading import is_xlsx, read_table, sheet_names
from dashboard.store.database import Store
from tests import ingest_files as files

MB = 1024 * 1024


KORTRIJK = [["gemeente", "straat", "huisnummer", "status", "peildatum"],
            ["Kortrijk", "Markt", "1", "bezet", "01/01/2024"],
            ["Kortrijk", "Markt", "2", "leeg", "01/01/2024"]]
WORKBOOK = files.zip_members(files.xlsx(KORTRIJK))
SHEET = "xl/worksheets/sheet1.xml"


def _measured(call) -> tuple[float, int, Exception | None]:
    """Seconds, peak bytes allocated by Python (zlib included) and what ``call`` raised."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call()
        raised = None
    except Exception as error:  # noqa: BLE001 - the test looks at it
        raised = error
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, raised


# --- upload size --------------------------------------------------------------------------------

def test_a_file_over_the_upload_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, "1")
    at_limit = b"gemeente;status;jaar\n" + b"x" * (MB - 21)  # exactly 1 MB: read (one very long cell)
    assert len(read_table(at_limit)[0]) == 1
    with pytest.raises(FileRejected) as refused:
        prepare(at_limit + b"x" * (MB // 2), "groot.csv")  # 1,5 MB
    assert str(refused.value) == ("Het bestand is 1,5 MB; de grens is 1,0 MB. Splits het per gemeente of per jaar "
                                  "en importeer de delen apart.")


def test_the_command_line_checks_a_files_size_before_reading_it(tmp_path, capsys):
    path = tmp_path / "groot.csv"
    with path.open("wb") as file:
        file.truncate(3 * 1024 * MB)  # 3 GB that take no room on disk (a sparse file)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    assert main(["import", str(path), "--db", url]) == 1
    # The size in the message is the file's own: read, it could only have been the first 200 MB.
    assert capsys.readouterr().err == ("Geweigerd: Het bestand is 3.072,0 MB; de grens is 200,0 MB. Splits het per "
                                       "gemeente of per jaar en importeer de delen apart.\n")
    assert not (tmp_path / "k.db").exists()


def test_the_upload_limit_defaults_to_the_pages_limit(monkeypatch):
    monkeypatch.delenv(settings.MAX_UPLOAD_MB_ENV, raising=False)
    assert settings.max_upload_bytes() == 200 * MB == settings.MAX_UPLOAD_MB * MB


def test_the_command_line_refuses_a_large_file_and_stores_nothing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, "0.5")
    url = f"sqlite:///{tmp_path / 'k.db'}"
    path = tmp_path / "groot.csv"
    path.write_bytes(files.units_csv(files.good_rows(12_000)))  # about 0,6 MB of good rows
    assert main(["import", str(path), "--db", url]) == 1
    assert "de grens is 0,5 MB" in capsys.readouterr().err
    assert Store(url).is_empty()


# --- rows and columns ---------------------------------------------------------------------------

def test_a_csv_over_the_row_limit_is_refused_without_reading_on(monkeypatch):
    monkeypatch.setenv(settings.MAX_ROWS_ENV, "100")
    assert len(read_table(files.units_csv(files.good_rows(100)))[0]) == 100  # exactly at the limit
    # Row 103 (header = 1) has a field too many: a reader that went past row 102 would complain of it.
    rows = files.good_rows(101) + ["Kortrijk;Markt;1;bezet;100;01/01/2024;te veel"] + files.good_rows(500)
    with pytest.raises(FileRejected) as refused:
        read_table(files.units_csv(rows))
    assert str(refused.value) == ("Het bestand heeft meer dan 100 rijen onder de kopregel (lege rijen tellen mee); "
                                  "de grens is 100. Splits het per gemeente of per jaar en importeer de delen apart.")


def test_an_xlsx_over_the_row_limit_is_refused_before_its_cells_are_taken(monkeypatch):
    monkeypatch.setenv(settings.MAX_ROWS_ENV, "100")
    with pytest.raises(FileRejected, match="meer dan 100 rijen onder de kopregel"):
        read_table(files.xlsx([KORTRIJK[0], *[KORTRIJK[1]] * 2000]))
    # A sheet cut off halfway is damaged, whatever its length (calamine reads a sheet whole).
    members = files.zip_members(files.xlsx([KORTRIJK[0], *[KORTRIJK[1]] * 2000]))
    members[SHEET] = members[SHEET][:-200]
    with pytest.raises(FileRejected, match="Het Excelbestand is beschadigd"):
        read_table(files.zip_bytes(members))


def test_the_row_limit_defaults_to_two_million(monkeypatch):
    monkeypatch.delenv(settings.MAX_ROWS_ENV, raising=False)
    assert settings.max_rows() == 2_000_000


def test_a_csv_with_too_many_columns_is_refused():
    header = ";".join(f"k{i}" for i in range(501))
    with pytest.raises(FileRejected, match="meer dan 500 kolommen; de grens is 500"):
        read_table(f"{header}\n{';' * 500}1\n".encode())
    # Delimiters inside quotes do not count: 500 columns, one of them with 100 semicolons in its name.
    quoted = ";".join([f'"a{";" * 100}"', *(f"k{i}" for i in range(499))])
    assert read_table(f"{quoted}\n{'1;' * 499}1\n".encode())[0].shape == (1, 500)


def test_an_xlsx_with_a_value_past_the_last_allowed_column_is_refused():
    workbook = Workbook()
    workbook.active.append(KORTRIJK[0])
    workbook.active.append(KORTRIJK[1])
    workbook.active.cell(row=2, column=501, value="verdwaald")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRejected, match="meer dan 500 kolommen"):
        read_table(buffer.getvalue())


def test_formatted_empty_cells_far_to_the_right_do_not_count():
    workbook = Workbook()
    for row in KORTRIJK:
        workbook.active.append(row)
    workbook.active.cell(row=3, column=5000).font = Font(bold=True)  # styled, no value: written as <c r="GJH3" s="1"/>
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue())[0].shape == (2, 5)


def test_a_wrong_sheet_dimension_adds_no_rows_or_columns():
    members = dict(WORKBOOK)
    members[SHEET] = members[SHEET].replace(b'<dimension ref="A1:E3"', b'<dimension ref="A1:XFD1048576"')
    assert b"XFD1048576" in members[SHEET]
    seconds, peak, raised = _measured(lambda: read_table(files.zip_bytes(members)))
    assert raised is None
    assert read_table(files.zip_bytes(members))[0].shape == (2, 5)
    assert seconds < 5 and peak < 50 * MB


def test_many_blank_rows_before_the_header_are_skipped_quickly():
    members = dict(WORKBOOK)
    # The header moves to row 200.000: 199.999 blank rows that openpyxl fills in one by one.
    sheet = members[SHEET]
    for old, new in ((b'r="3"', b'r="200002"'), (b'r="2"', b'r="200001"'), (b'r="1"', b'r="200000"')):
        sheet = sheet.replace(old, new)
    for column in "ABCDE":
        for old, new in ((3, 200002), (2, 200001), (1, 200000)):
            sheet = sheet.replace(f'r="{column}{old}"'.encode(), f'r="{column}{new}"'.encode())
    members[SHEET] = sheet
    started = time.perf_counter()
    frame = read_table(files.zip_bytes(members))[0]
    assert time.perf_counter() - started < 10  # about 1 s; dropping them one by one from the front took minutes
    assert frame.index.tolist() == [200001, 200002]  # the rows as Excel numbers them


# --- zip bombs ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """A workbook whose sheet is 500 MB of zeros packed to about 0,5 MB, streamed to disk by zipfile."""
    path = tmp_path_factory.mktemp("bom") / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in WORKBOOK.items():
            if name != SHEET:
                archive.writestr(name, data)
        with archive.open(SHEET, "w") as part:
            part.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            zeros = b"0" * MB
            for _ in range(500):
                part.write(zeros)
    assert path.stat().st_size < MB
    return path


def test_a_zip_bomb_is_refused_quickly_with_little_memory(zip_bomb):
    raw = zip_bomb.read_bytes()
    assert is_xlsx(raw)
    seconds, peak, raised = _measured(lambda: prepare(raw, "bom.xlsx"))
    assert isinstance(raised, FileRejected)
    assert str(raised).startswith(f"Het Excelbestand is verdacht: het deel '{SHEET}' is ")
    assert "keer samengeperst (500,0 MB uitgepakt), zoals bij een zipbom" in str(raised)
    assert seconds < 2 and peak < 10 * MB
    assert sheet_names(raw) == []  # the page's sheet list does not open it either


def test_a_zip_bomb_on_the_command_line(zip_bomb, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    assert main(["import", str(zip_bomb), "--db", url]) == 1
    assert "zipbom" in capsys.readouterr().err
    assert Store(url).is_empty()


def test_a_zip_bomb_that_understates_its_size_is_read_no_further_than_stated(zip_bomb):
    # The zip's directory says the sheet is 1.000 bytes: zipfile stops there (and finds the checksum
    # wrong), so the 500 MB are never unpacked.
    raw = bytearray(zip_bomb.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info, central = archive.getinfo(SHEET), archive.start_dir
    while raw[central + 46:central + 46 + len(SHEET)] != SHEET.encode():
        central = raw.index(b"PK\x01\x02", central + 4)
    for at in (central + 24, info.header_offset + 22):  # uncompressed size: central and local header
        raw[at:at + 4] = (1000).to_bytes(4, "little")
    seconds, peak, raised = _measured(lambda: prepare(bytes(raw), "bom.xlsx"))
    assert isinstance(raised, FileRejected) and "beschadigd" in str(raised)
    assert seconds < 2 and peak < 10 * MB


def test_an_xlsx_too_large_once_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(settings, "MAX_XLSX_UNPACKED_MB", 1)
    members = dict(WORKBOOK)
    members["xl/media/foto.bin"] = bytes(range(256)) * 8192  # 2 MB stored as they are: packed 1 time
    with pytest.raises(FileRejected) as refused:
        read_table(files.zip_bytes(members, zipfile.ZIP_STORED))
    assert str(refused.value).startswith("Het Excelbestand zou uitgepakt 2,0 MB worden; de grens is 1 MB.")


def test_an_xlsx_with_too_many_parts_is_refused_before_they_are_listed(monkeypatch):
    monkeypatch.setattr(settings, "MAX_XLSX_PARTS", 5)
    raw = files.zip_bytes(WORKBOOK)
    assert limits.declared_parts(raw) == len(WORKBOOK) == 9
    assert is_xlsx(raw)
    with pytest.raises(FileRejected, match="bestaat uit meer dan 5 delen"):
        read_table(raw)


def test_a_small_part_may_be_packed_tightly():
    members = dict(WORKBOOK)
    members["xl/printerSettings/leeg.bin"] = b"\x00" * 500_000  # 500 kB of zeros packs 1.000 times: allowed
    assert read_table(files.zip_bytes(members))[0].shape == (2, 5)


# --- DTDs and external entities -----------------------------------------------------------------

SECRET = "GEHEIM-7d3f"


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "geheim.txt"
    path.write_text(SECRET)
    return path


def _with_dtd(part: str, dtd: str, *, encoding: str = "utf-8", prefix: bytes = b"") -> bytes:
    """The Kortrijk workbook with ``dtd`` put before the root element of ``part``; a sheet cell
    refers to the entity &e;."""
    members = dict(WORKBOOK)
    text = members[part].decode()
    body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
    if part == SHEET:
        body = body.replace("<t>Markt</t>", "<t>&e;</t>", 1)
    members[part] = prefix + (dtd + body).encode(encoding)
    return files.zip_bytes(members)


@pytest.mark.parametrize(("part", "dtd", "encoding", "prefix"), [
    (SHEET, '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret}">]>', "utf-8", b""),
    (SHEET, '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret}">]>', "utf-16", b""),  # with its BOM
    (SHEET, '<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret}">]>', "utf-8",
     b'<?xml version="1.0"?>\n<!-- opmerking -->\n  '),  # after a declaration, a comment and spaces
    ("xl/workbook.xml", '<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
     "utf-8", b""),  # entities that expand (billion laughs)
    ("[Content_Types].xml", '<!DOCTYPE Types SYSTEM "http://voorbeeld.invalid/x.dtd">', "utf-8", b""),
])
def test_an_xlsx_with_a_dtd_is_refused_before_openpyxl_reads_it(part, dtd, encoding, prefix, secret_file):
    raw = _with_dtd(part, dtd.replace("{secret}", str(secret_file)), encoding=encoding, prefix=prefix)
    seconds, _, raised = _measured(lambda: prepare(raw, "xxe.xlsx"))
    assert isinstance(raised, FileRejected), raised
    assert str(raised) == (f"Het Excelbestand bevat een DTD (<!DOCTYPE …>) in het deel '{part}'. Excel schrijft "
                           "die nooit; ze kan verwijzen naar andere bestanden (externe entiteiten). Het wordt niet "
                           "geopend. Bewaar het opnieuw in Excel, of als CSV.")
    assert seconds < 2


def test_a_dtd_behind_a_long_prolog_is_refused_as_suspect(secret_file):
    raw = _with_dtd(SHEET, f'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret_file}">]>',
                    prefix=b" " * 70_000)  # more spaces than the check reads
    with pytest.raises(FileRejected, match=f"het deel '{SHEET}' begint met meer dan 64 kB zonder inhoud"):
        prepare(raw, "xxe.xlsx")


def test_openpyxl_itself_refuses_entities_as_a_second_line(monkeypatch, secret_file):
    """defusedxml (pinned in requirements.txt) makes openpyxl refuse entity declarations, should
    the check before it ever miss one; the secret never reaches a cell."""
    assert openpyxl.DEFUSEDXML
    monkeypatch.setattr(limits, "_check_prolog", lambda archive, part: None)
    raw = _with_dtd(SHEET, f'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret_file}">]>')
    with pytest.raises(FileRejected, match="beschadigd") as refused:
        read_table(raw)
    assert SECRET not in str(refused.value)


def test_the_gegevens_page_shows_the_refusal(monkeypatch, tmp_path, secret_file, coordinator):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import sign_in

    monkeypatch.setenv("KERNMONITOR_DB", f"sqlite:///{tmp_path / 'k.db'}")
    page = str(Path(__file__).resolve().parent.parent / "pages" / "gegevens.py")
    at = sign_in(AppTest.from_file(page, default_timeout=60).run())
    raw = _with_dtd(SHEET, f'<!DOCTYPE worksheet [<!ENTITY e SYSTEM "file://{secret_file}">]>')
    at.file_uploader(key="upload").upload("xxe.xlsx", raw, "application/vnd.ms-excel")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Dit bestand kan niet gelezen worden: Het Excelbestand bevat een DTD (\\<!DOCTYPE …\\>) in het deel "
        f"'{SHEET}'. Excel schrijft die nooit; ze kan verwijzen naar andere bestanden (externe entiteiten). Het "
        "wordt niet geopend. Bewaar het opnieuw in Excel, of als CSV."]
