"""Workbooks made to take a server's memory: one text in every cell, texts longer than a cell may
hold (shared, in rich-text runs, written inline), cells far apart, more texts than a workbook
holds. Each is refused with a Dutch message before calamine reads a cell, or read in pieces; a
workbook that only looks like them (long but allowed texts, rich text, inline strings, a sheet
cut in many pieces) is read with the values it holds.

The workbooks are written here part by part (a few kB each); nothing is timed or measured here:
`benchmarks/memory.py` measures the memory of an import at the limits.
"""

from __future__ import annotations

import pytest

from dashboard import settings
from dashboard.ingest import FileRejected, prepare, sheet_pieces, workbook
from dashboard.ingest.reading import read_table
from tests import ingest_files as files

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
KINDS = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHARED = "xl/sharedStrings.xml"


def workbook_bytes(rows: str, shared: list[str] | None = None, *, date1904: bool = False,
                   styles: str | None = None) -> bytes:
    """An XLSX whose one sheet ("Blad1") has ``rows`` (the XML inside ``<sheetData>``) and whose
    shared strings are ``shared`` (each the XML inside one ``<si>``)."""
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{KINDS}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{KINDS}.worksheet+xml"/></Types>'),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships {PACKAGE}><Relationship Id="rId1" '
                        f'Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook {MAIN} xmlns:r="{RELATIONS}">'
                            + ('<workbookPr date1904="1"/>' if date1904 else "")
                            + '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships {PACKAGE}>'
            f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{RELATIONS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><sheetData>{rows}'
                                     "</sheetData></worksheet>"),
    }
    if shared is not None:
        members[SHARED] = (f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN} uniqueCount="{len(shared)}">'
                           + "".join(f"<si>{item}</si>" for item in shared) + "</sst>")
    if styles is not None:
        members["xl/styles.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {MAIN}>{styles}</styleSheet>'
    return files.zip_bytes({name: text.encode() for name, text in members.items()})


def shared_cells(first_row: int, count: int, index: int, columns: str = "AB") -> str:
    """``count`` rows from ``first_row`` whose cells in ``columns`` all show shared string ``index``."""
    return "".join(f'<row r="{row}">' + "".join(f'<c r="{column}{row}" t="s"><v>{index}</v></c>' for column in columns)
                   + "</row>" for row in range(first_row, first_row + count))


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is>{text}</is></c>'


HEADER = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


@pytest.fixture
def no_calamine(monkeypatch):
    """calamine must not be reached: the file is refused before any cell is read."""
    monkeypatch.setattr(workbook, "_open", lambda path: pytest.fail("calamine opened the workbook"))


def refusal(raw: bytes) -> str:
    with pytest.raises(FileRejected) as refused:
        prepare(raw, "aanval.xlsx")
    return str(refused.value)


# --- one text in many cells -----------------------------------------------------------------

def test_one_long_shared_string_in_two_thousand_cells_is_refused_before_any_cell_is_read(no_calamine):
    # The attack: 999.001 characters written once, shown by 2.000 cells (1.000 rows × 2) - 2 GB of
    # text for a reader that copies the text into every cell, from a file of about 11 kB.
    raw = workbook_bytes(HEADER + shared_cells(2, 1000, 2), ["<t>gemeente</t>", "<t>status</t>",
                                                            f"<t>{'x' * 999_001}</t>"])
    assert len(raw) < 16_000
    assert refusal(raw) == (
        "Het Excelbestand bevat in de gedeelde teksten ('xl/sharedStrings.xml') een tekst van 999.001 tekens (die "
        "begint met 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'); de grens is 1.000 tekens per cel. Het wordt niet geopend. "
        "Kort die tekst in of verwijder ze, en bewaar het bestand opnieuw.")


@pytest.mark.parametrize("written", [
    "<t><![CDATA[{}]]></t>",  # CDATA, which may hide an end tag from a byte search
    '<t xml:space="preserve">{}</t><!-- </si> -->',  # a comment that looks like the end
])
def test_a_long_shared_string_written_otherwise_is_measured_as_well(no_calamine, written):
    raw = workbook_bytes(HEADER + shared_cells(2, 2, 2), ["<t>gemeente</t>", "<t>status</t>",
                                                         written.format("w" * 5_000)])
    assert "een tekst van 5.000 tekens (die begint met 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwww…')" in refusal(raw)


def test_a_long_shared_string_with_prefixed_names_is_measured_as_well(no_calamine):
    members = files.zip_members(workbook_bytes(HEADER + shared_cells(2, 2, 2), []))
    members[SHARED] = (f'<x:sst xmlns:x="{MAIN[7:-1]}"><x:si><x:t>gemeente</x:t></x:si><x:si><x:t>status</x:t>'
                       f"</x:si><x:si><x:t>{'p' * 3_000}</x:t></x:si></x:sst>").encode()
    assert "een tekst van 3.000 tekens (die begint met 'pppppppppppppppppppppppppppppp…')" in refusal(
        files.zip_bytes(members))


def test_many_distinct_long_shared_strings_are_refused_at_the_first(no_calamine):
    texts = [f"<t>{number:03d}{'y' * 19_997}</t>" for number in range(40)]  # 40 texts of 20.000 characters
    raw = workbook_bytes(HEADER + "".join(shared_cells(2 + n, 1, 2 + n) for n in range(40)),
                         ["<t>gemeente</t>", "<t>status</t>", *texts])
    assert "een tekst van 20.000 tekens (die begint met '000yyyyyyyyyyyyyyyyyyyyyyyyyyy…')" in refusal(raw)


def test_rich_text_runs_count_together(no_calamine):
    # Three runs of 400 characters are one text of 1.200; the phonetic run (rPh) is not shown.
    runs = "".join(f"<r><rPr><b/></rPr><t>{letter * 400}</t></r>" for letter in "abc")
    raw = workbook_bytes(HEADER + shared_cells(2, 3, 2), ["<t>gemeente</t>", "<t>status</t>", runs])
    assert "een tekst van 1.200 tekens (die begint met 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…')" in refusal(raw)


@pytest.mark.parametrize("text", [
    f"<t>{'i' * 1_001}</t>",  # one character too many
    f"<r><t>{'i' * 600}</t></r><r><t>{'i' * 401}</t></r>",  # in two runs
])
def test_an_inline_string_over_the_limit_is_refused_before_any_cell_is_read(no_calamine, text):
    rows = HEADER + f'<row r="2">{inline("A2", "<t>Kortrijk</t>")}{inline("B2", text)}</row>'
    message = refusal(workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>"]))
    assert message.startswith("Het Excelbestand bevat in werkblad 'Blad1' een tekst van 1.001 tekens (die begint met "
                              "'iiiiiiiiiiiiiiiiiiiiiiiiiiiiii…'); de grens is 1.000 tekens per cel.")


def test_more_shared_strings_than_allowed_are_refused(no_calamine, monkeypatch):
    monkeypatch.setattr(settings, "MAX_SHARED_STRINGS", 5)
    raw = workbook_bytes(HEADER, ["<t>gemeente</t>", "<t>status</t>", *(f"<t>{n}</t>" for n in range(4))])
    assert refusal(raw) == ("Het Excelbestand bevat meer dan 5 verschillende teksten (in de gedeelde teksten "
                            "('xl/sharedStrings.xml')); de grens is 5. Het wordt niet geopend. Splits het per "
                            "gemeente of per jaar, of bewaar het als CSV.")


def test_the_cells_text_is_held_to_what_a_csv_at_the_limit_holds(monkeypatch):
    # 0,01 MB is 10.485 characters; 20 cells that show a text of 1.000 characters hold 20.000.
    monkeypatch.setenv(settings.MAX_UPLOAD_MB_ENV, "0.01")
    raw = workbook_bytes(HEADER + shared_cells(2, 10, 2), ["<t>gemeente</t>", "<t>status</t>", f"<t>{'z' * 1000}</t>"])
    assert len(raw) < 10_485
    assert refusal(raw) == ("De cellen van het Excelbestand bevatten samen meer tekst dan een CSV-bestand van 0,0 MB "
                            "(de grens) kan bevatten. Het wordt niet geopend. Splits het per gemeente of per jaar en "
                            "importeer de delen apart.")


# --- cells far apart ------------------------------------------------------------------------

def test_two_cells_two_million_rows_and_a_hundred_columns_apart_are_read_in_pieces():
    # A reader that lays out every cell between A1 and CV2000000 holds 200 million of them.
    rows = HEADER + '<row r="2000000"><c r="CV2000000"><v>7</v></c></row>'
    raw = workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>"])
    with workbook._archive(raw) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        assert len(list(sheet_pieces.pieces(sheet, longest=8, where="werkblad 'Blad1'"))) == 2
    frame = read_table(raw)[0]
    assert frame.shape == (1, 100)
    assert frame.index.tolist() == [2_000_000]
    assert frame.iloc[0, 99] == 7 and frame.iloc[0, :99].isna().all()


def test_a_row_whose_cells_point_far_outside_it_is_refused(no_calamine):
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="CV2000000" t="s"><v>1</v></c></row>'
    assert refusal(workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>"])) == (
        "Het Excelbestand is verdacht: in werkblad 'Blad1' verwijst een rij naar cellen ver buiten die rij. Het "
        "wordt niet geopend. Open het in Excel en bewaar het opnieuw.")


def test_rows_out_of_order_across_pieces_are_refused(monkeypatch):
    monkeypatch.setattr(sheet_pieces, "BLOCK", 64)
    monkeypatch.setattr(sheet_pieces, "PIECE_BYTES", 64)
    rows = HEADER + shared_cells(5, 3, 1) + shared_cells(2, 1, 1)
    assert refusal(workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>"])) == (
        "Het Excelbestand is verdacht: de rijen van werkblad 'Blad1' staan niet in volgorde. Het wordt niet "
        "geopend. Open het in Excel en bewaar het opnieuw.")


def test_a_long_run_of_rows_without_numbers_is_refused(monkeypatch, no_calamine):
    # Rows without numbers can only be cut where a numbered one begins: here nowhere.
    monkeypatch.setattr(sheet_pieces, "BLOCK", 10_000)
    monkeypatch.setattr(sheet_pieces, "UNNUMBERED_BYTES", 100_000)
    rows = '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>' * 3_000  # 150 kB
    assert refusal(workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>"])) == (
        "Werkblad 'Blad1' heeft meer dan 0,1 MB aan rijen zonder rijnummer, en kan zo niet in delen gelezen worden. "
        "Open het in Excel en bewaar het opnieuw als .xlsx, of bewaar het als CSV.")


# --- what must still be read ----------------------------------------------------------------

#: A units file with texts as they come: long ones, rich text, inline strings, a phonetic run,
#: entities, spaces kept, and an Excel date in the 1904 system.
LEGITIMATE_SHARED = [
    "<t>gemeente</t>", "<t>straat</t>", "<t>huisnummer</t>", "<t>status</t>", "<t>peildatum</t>", "<t>naam</t>",
    f"<t>{'Bakkerij ' + 'a' * 991}</t>",  # 1.000 characters: the limit itself
    '<r><t xml:space="preserve">Lange </t></r><r><rPr><b/></rPr><t>Steenstraat</t></r>',  # rich text
    "<t>leeg</t><rPh><t>" + "ふ" * 2000 + "</t></rPh>",  # a phonetic run is not part of the text
    "<t>Café &amp; Zoë</t>",
]
LEGITIMATE_ROWS = (
    '<row r="1">' + "".join(f'<c r="{c}1" t="s"><v>{n}</v></c>' for n, c in enumerate("ABCDEF")) + "</row>"
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Kortrijk</t></is></c><c r="B2" t="s"><v>7</v></c>'
    '<c r="C2"><v>12</v></c><c r="D2" t="s"><v>8</v></c><c r="E2" s="1"><v>43830</v></c>'
    '<c r="F2" t="s"><v>6</v></c></row>'
    '<row r="3"><c r="A3" t="inlineStr"><is><r><t>Kort</t></r><r><t>rijk</t></r></is></c>'
    '<c r="B3" t="inlineStr"><is><t xml:space="preserve">Markt</t></is></c><c r="C3" t="str"><v>14a</v></c>'
    '<c r="D3" t="inlineStr"><is><t>bezet</t></is></c><c r="E3" s="1"><v>43830</v></c>'
    '<c r="F3" t="s"><v>9</v></c></row>'
)
#: Style 1: Excel's built-in date format 14 (d/mm/yyyy).
DATE_STYLE = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'


def test_long_but_allowed_texts_rich_text_and_inline_strings_are_read_as_they_are():
    raw = workbook_bytes(LEGITIMATE_ROWS, LEGITIMATE_SHARED, date1904=True, styles=DATE_STYLE)
    prepared = prepare(raw, "inventaris.xlsx")
    assert prepared.errors.empty, prepared.problems
    rows = prepared.rows
    assert rows.index.tolist() == [2, 3]
    assert rows["municipality"].tolist() == ["Kortrijk", "Kortrijk"]
    assert rows["street"].tolist() == ["Lange Steenstraat", "Markt"]
    assert rows["house_number"].tolist() == ["12", "14a"]
    assert rows["status"].tolist() == ["vacant", "occupied"]
    assert rows["name"].tolist() == ["Bakkerij " + "a" * 991, "Café & Zoë"]
    assert len(rows.at[2, "name"]) == 1_000
    # 43.830 days after 1 January 1904 (the 1904 system) is 1 January 2024.
    assert [day.date().isoformat() for day in rows["observed_on"]] == ["2024-01-01", "2024-01-01"]


def test_a_sheet_read_in_many_pieces_is_read_as_in_one(monkeypatch):
    rows = HEADER + shared_cells(2, 40, 2) + '<row r="45"><c r="A45" t="s"><v>3</v></c></row>' + shared_cells(46, 5, 4)
    raw = workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>", "<t>Ieper</t>", "<t>Brugge</t>", "<t>leeg</t>"])
    whole = read_table(raw)[0]
    monkeypatch.setattr(sheet_pieces, "BLOCK", 100)  # about two rows
    monkeypatch.setattr(sheet_pieces, "PIECE_BYTES", 300)
    with workbook._archive(raw) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        assert len(list(sheet_pieces.pieces(sheet, longest=8, where="werkblad 'Blad1'"))) > 10
    in_pieces = read_table(raw)[0]
    assert in_pieces.equals(whole)
    assert in_pieces.index.tolist() == [*range(2, 42), 45, *range(46, 51)]
    assert in_pieces.loc[45].tolist() == ["Brugge", None]
    assert in_pieces.loc[50].tolist() == ["leeg", "leeg"]


def test_rows_without_numbers_are_numbered_as_excel_counts_them():
    rows = ("<row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c></row><row/>"
            '<row><c t="s"><v>2</v></c><c r="D3" t="s"><v>3</v></c><c t="s"><v>4</v></c></row>')
    frame = read_table(workbook_bytes(rows, ["<t>gemeente</t>", "<t>status</t>", "<t>Ieper</t>", "<t>x</t>",
                                             "<t>y</t>"]))[0]
    assert frame.index.tolist() == [3]  # row 2 is blank
    assert frame.loc[3].tolist() == ["Ieper", None, None, "x", "y"]  # C3 empty; after D3 comes E3
