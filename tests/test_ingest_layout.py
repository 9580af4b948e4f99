"""Files as towns make them: a title above the header, totals and notes under the data, an
explanation sheet first (dashboard.ingest.layout and reading)."""

from __future__ import annotations

import pytest

from dashboard import ingest
from dashboard.ingest import FileRejected
from tests import ingest_files as files

#: Ieper's register as a town writes it: a title, a date line and a blank line above the header,
#: then 3 vacant premises, a total and a source note.
REGISTER_ROWS = [
    ["Leegstandsregister Stad Ieper"],
    ["Toestand op 31/12/2023"],
    [],
    ["Gemeente", "Straat", "Huisnummer", "Status", "Peildatum"],
    ["Ieper", "Boterstraat", "1", "leeg", "31/12/2023"],
    ["Ieper", "Boterstraat", "5", "leeg", "31/12/2023"],
    ["Ieper", "Meensestraat", "12", "leeg", "31/12/2023"],
    ["Totaal", None, None, "3", None],
    ["Bron: dienst Economie, stad Ieper"],
]


def _csv(rows: list[list]) -> bytes:
    return "\n".join(";".join("" if cell is None else str(cell) for cell in row) for row in rows).encode() + b"\n"


@pytest.mark.parametrize("make", [_csv, files.xlsx], ids=["csv", "xlsx"])
def test_title_rows_above_and_totals_below_are_found_and_named(make):
    prepared = ingest.prepare(make(REGISTER_ROWS), "register")
    assert prepared.errors.empty, prepared.errors
    # The header is row 4 as Excel numbers it; the premises are rows 5–7.
    assert prepared.valid_rows.index.tolist() == [5, 6, 7]
    assert prepared.valid_rows["street"].tolist() == ["Boterstraat", "Boterstraat", "Meensestraat"]
    assert "kopregel op rij 4" in prepared.description
    warnings = prepared.problems.set_index("row_number")
    assert warnings.loc[8, "value"] == "Totaal 3" and warnings.loc[9, "value"] == "Bron: dienst Economie, stad Ieper"
    assert warnings.loc[8, "problem"].startswith("geen verkooppunt of gegevensrij (een totaal, opmerking")
    assert set(warnings["severity"]) == {"waarschuwing"}


def test_an_explanation_sheet_first_names_the_sheet_that_holds_the_data():
    raw = files.xlsx([["Uitleg bij dit bestand"], ["Vul één rij per pand in."]], first="Uitleg",
                     sheets={"Register": REGISTER_ROWS[3:7]})
    with pytest.raises(FileRejected, match="Het eerste werkblad 'Uitleg' bevat geen gegevenstabel; de gegevens "
                                           "lijken op werkblad 'Register' te staan \\(werkbladen: Uitleg, Register\\)"):
        ingest.prepare(raw, "register.xlsx")
    chosen = ingest.prepare(raw, "register.xlsx", sheet="Register")
    assert len(chosen.valid_rows) == 3


def test_a_workbook_without_known_headers_speaks_of_its_sheet_not_of_delimiters():
    prepared = ingest.prepare(files.xlsx([["a", "b"], ["1", "2"]]), "raar.xlsx")
    problem = prepared.file_errors["problem"].iloc[0]
    assert "Controleer de kopregel van het werkblad" in problem and "scheidingsteken" not in problem


def test_a_shop_called_totaal_is_no_total():
    rows = [["Gemeente", "Straat", "Huisnummer", "Naam", "Status", "Peildatum"],
            ["Ieper", "Markt", "1", "Totaalmarkt", "bezet", "31/12/2023"],
            ["Ieper", "Markt", "2", "Totaal Interieur", "bezet", "31/12/2023"]]
    prepared = ingest.prepare(_csv([[row[3], *row[:3], *row[4:]] for row in rows]), "namen.csv")  # name first
    assert prepared.valid_rows["name"].tolist() == ["Totaalmarkt", "Totaal Interieur"]
    assert prepared.problems.empty
