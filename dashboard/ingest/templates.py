"""Empty files with Dutch headers (and one example row) that import as they are."""

from __future__ import annotations

TEMPLATES = {
    "units": (
        ["pand_id", "nis_code", "gemeente", "postcode", "straat", "huisnummer", "handelsnaam", "groep", "status",
         "wvo", "leeg_sinds", "peildatum", "breedtegraad", "lengtegraad", "filiaal", "winkelgebied"],
        ["KOR-0001", "34022", "Kortrijk", "8500", "Lange Steenstraat", "12", "Voorbeeldzaak", "22-Mode & Luxe",
         "bezet", "125,5", "", "01/01/2024", "50,8270", "3,2650", "nee", "Kernwinkelgebied"],
    ),
    "campaign": (
        ["nis_code", "gemeente", "editie", "deelnemende_winkels", "tassen", "kandidaten", "stemmen", "ambassadeurs",
         "acties", "bereik", "budget"],
        ["34022", "Kortrijk", "2024", "120", "10.000", "15", "5.400", "6", "3", "25.000", "1.250,50"],
    ),
    "votes": (
        ["nis_code", "gemeente", "editie", "winkel", "ondernemingsnummer", "stemmen", "winnaar"],
        ["34022", "Kortrijk", "2024", "Voorbeeldzaak", "0123.456.749", "812", "ja"],
    ),
    "areas": (
        ["winkelgebied_id", "naam", "nis_code", "gemeente", "typering", "breedtegraad", "lengtegraad", "geometrie"],
        ["KOR-1", "Centrum Kortrijk", "34022", "Kortrijk", "Binnenstad", "50,8275", "3,2650", ""],
    ),
}
FILE_NAMES = {"units": "sjabloon_verkooppunten.csv", "campaign": "sjabloon_campagne.csv",
              "votes": "sjabloon_stemmen.csv", "areas": "sjabloon_winkelgebieden.csv"}


def template_csv(kind: str) -> bytes:
    """A `;`-separated UTF-8 file with BOM (Excel in nl-BE opens it as it is)."""
    header, example = TEMPLATES[kind]
    return ("\ufeff" + ";".join(header) + "\r\n" + ";".join(example) + "\r\n").encode("utf-8")
