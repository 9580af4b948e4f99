"""Files as users make them, written by the tests themselves (no real-world file is needed)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import Workbook


def xlsx(rows: list[list], *, sheets: dict[str, list[list]] | None = None, first: str = "Inventaris") -> bytes:
    """An Excel workbook with ``rows`` on its first sheet (and any further sheets)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = first
    for row in rows:
        sheet.append(row)
    for name, other in (sheets or {}).items():
        extra = workbook.create_sheet(name)
        for row in other:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: Windows-1252, `;`, decimal comma, Dutch dates: what Excel in nl-BE saves as CSV.
#: By hand, Kortrijk 1/1/2024: outlets 3 (the ATM, group 80, is no outlet), vacant 1 → 1/3;
#: known floor area 1.250,5 + 85,5 + 120 = 1.456 m², vacant 85,5 m² → 0,0587.
KORTRIJK_CP1252 = (
    "Gemeente;Straat;Huisnummer;Handelsnaam;Groep;Status;WVO;Leeg sinds;Peildatum\r\n"
    "Kortrijk;Lange Steenstraat;12;Café Zoë;59-Horeca;bezet;1.250,5;;01/01/2024\r\n"
    "Kortrijk;Lange Steenstraat;14;;00-Leegstand;leeg;85,5;15/03/2021;01/01/2024\r\n"
    "Courtrai;Korte Steenstraat;3;Bakkerij Peeters;11-Dagelijks;bezet;120;;01/01/2024\r\n"
    "KORTRIJK;Grote Markt;1;Geldautomaat;80;bezet;;;01/01/2024\r\n"
).encode("cp1252")

#: UTF-8 with BOM, `,`, ISO dates, NACE codes, and a quoted name with a comma, quotes and a newline.
#: By hand, Brugge 2024-01-01: 4 outlets, 2 vacant → 0,5.
BRUGGE_UTF8_BOM = (
    "\ufeffpand_id,niscode,straat,huisnr,naam,nace,toestand,oppervlakte,leegstand_sinds,peildatum\n"
    'B1,31005,Steenstraat,1,"Mode ""Anna""\nen zonen, bv",47.71,bezet,200,,2024-01-01\n'
    "B2,31005,Steenstraat,3,,,leegstaand,150,2022-06-30,2024-01-01\n"
    "B3,31005,Steenstraat,5,Frituur 't Hoekje,56.10,bezet,60,,2024-01-01\n"
    "B4,31005,Geldmuntstraat,2,,,leegstand,,2023-12-01,2024-01-01\n"
).encode("utf-8")

#: Locatus export headers; the inventory date comes with the import (--observed-on).
LOCATUS_EXPORT = (
    b"GROEP;HOOFDBRANCHE;BRANCHE;NAAM;PLAATS;POSTCODE;WVO\n"
    b"00-Leegstand;00.000-Leegstand;00.000-Leegstand;;Roeselare;8800;150\n"
    b"22-Mode & Luxe;22.100-Kleding;22.110-Dameskleding;Modehuis X;Roeselare;8800;300\n"
    b"11-Dagelijks;11.010-Supermarkt;11.010-Supermarkt;Super Y;Rumbeke;8800;1.100\n"
)

#: Old NIS codes of the municipalities merged in 2025: Meulebeke 37007 and Tielt 37015.
#: By hand, Tielt 37022 in the 2025 geography: 4 outlets, 2 vacant → 0,5; in 2018: 37007 1/1, 37015 1/3.
OLD_NIS_CODES = (
    b"nis;straat;nr;status;datum\n"
    b"37007;Markt;1;leeg;2024-01-01\n"
    b"37015;Markt;1;leeg;2024-01-01\n"
    b"37015;Markt;2;bezet;2024-01-01\n"
    b"37015;Markt;3;bezet;2024-01-01\n"
)

#: Two inventories of Oostende in one file, a year alone as the date.
#: By hand: 2023 1 of 2 vacant (0,5); 2024 1 of 3 (0,333…).
OOSTENDE_TWO_YEARS = (
    b"gemeente;straat;huisnummer;status;jaar\n"
    b"Oostende;Kapellestraat;1;leeg;2023\n"
    b"Oostende;Kapellestraat;2;bezet;2023\n"
    b"Oostende;Kapellestraat;1;bezet;2024\n"
    b"Oostende;Kapellestraat;2;leeg;2024\n"
    b"Oostende;Kapellestraat;4;bezet;2024\n"
)


def roeselare_lambert_xlsx() -> bytes:
    """XLSX with postcodes only and Lambert 72 coordinates; dates as Excel dates and serials."""
    return xlsx([
        ["Postcode", "Straat", "Nr", "Status", "X", "Y", "Datum", "WVO"],
        [8800, "Ooststraat", 10, "bezet", 62500, 182579, datetime(2024, 1, 1), 95.5],
        [8800, "Ooststraat", 12, "leeg", 62520.5, 182590, 45292, None],  # 45292 = 1 January 2024
        [8400, "Kapellestraat", 7, "bezet", None, None, datetime(2024, 1, 1), 80],  # Oostende, no coordinates
    ])


def units_csv(rows: list[str], header: str = "gemeente;straat;huisnummer;status;wvo;peildatum") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def good_rows(count: int, *, start: int = 1) -> list[str]:
    return [f"Kortrijk;Doorniksestraat;{i};{'leeg' if i % 10 == 0 else 'bezet'};100;01/01/2024"
            for i in range(start, start + count)]


def zip_members(raw: bytes) -> dict[str, bytes]:
    """The parts of a zip (an XLSX) by name."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of these parts (to rebuild an XLSX with one part changed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
