"""The columns each kind of file can bring, with the header spellings users write, defined once.

Header matching ignores case, accents, spaces and punctuation (``Leegstand sinds`` matches
``leegstand_sinds``). The first synonym of a column that appears in the file wins; a second
header for the same column is left unused and reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from dashboard.registry import LABELS

KINDS = ("units", "campaign", "votes", "areas")
#: The columns that place a row in a municipality; a row needs one of them.
PLACE_COLUMNS = ("nis_code", "postcode", "municipality")
KIND_LABELS = {"units": "verkooppunten (leegstandsinventaris)", "campaign": "campagnecijfers",
               "votes": "stemmen per winkel", "areas": "winkelgebieden (Locatus-types)"}


@dataclass(frozen=True)
class ColumnSpec:
    """A canonical column: its name, Dutch label, value type and accepted headers."""

    name: str
    label: str
    type: str  # text, code, number, integer, date, bool, status, category
    headers: tuple[str, ...]


_PLACE = (
    ColumnSpec("nis_code", "NIS-code", "code",
               ("nis_code", "nis", "niscode", "refnis", "gemeentecode", "code_ins", "ins")),
    ColumnSpec("municipality", "gemeente", "text",
               ("municipality", "gemeente", "stad", "commune", "plaats", "gemeentenaam", "woonplaats", "ville",
                "localite")),
    ColumnSpec("postcode", "postcode", "code", ("postcode", "postal_code", "zip", "pva_postcode", "code_postal", "cp")),
)

COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "units": (
        ColumnSpec("unit_id", "pand-id", "text",
                   ("unit_id", "pand_id", "pnd_id", "vkp_id", "verkooppunt_id", "id", "pandnummer")),
        *_PLACE,
        ColumnSpec("street", "straat", "text", ("street", "straat", "straatnaam", "pva_straat", "rue", "straat_naam")),
        # Street and number in one cell ("Markt 12 bus 3"): split when there is no street column.
        ColumnSpec("address", "adres (straat en nummer)", "text", ("address", "adres", "adresse", "ligging")),
        ColumnSpec("house_number", "huisnummer", "text",
                   ("house_number", "huisnummer", "huisnr", "nr", "pva_huisnr1", "nummer", "numero", "no", "num")),
        ColumnSpec("name", "handelsnaam", "text",
                   ("name", "naam", "handelsnaam", "zaak", "naam_zaak", "enseigne", "nom", "uithangbord")),
        ColumnSpec("category", "categorie", "category",
                   ("category", "groep", "hoofdbranche", "branche", "sector", "nace", "categorie", "activiteit",
                    "soort_zaak", "activite")),
        ColumnSpec("status", "status", "status",
                   ("status", "toestand", "leegstand", "statut", "situatie", "bezetting")),
        ColumnSpec("floor_area_m2", "winkelvloeroppervlakte (m²)", "number",
                   ("floor_area_m2", "wvo", "winkelvloeroppervlakte", "oppervlakte", "floor_area", "m2", "opp",
                    "vloeroppervlakte", "surface", "superficie", "oppervlakte_m2")),
        ColumnSpec("vacant_since", "leeg sinds", "date",
                   ("vacant_since", "leeg_sinds", "leegstand_sinds", "datum_opname", "reg_opnamedatum",
                    "leegstaand_sinds", "leeg_sinds_datum", "sinds", "datum_leegstand", "vide_depuis")),
        ColumnSpec("observed_on", "peildatum", "date",
                   ("observed_on", "peildatum", "datum", "date", "jaar", "inventarisdatum", "datum_inventaris",
                    "opnamedatum", "date_inventaire")),
        ColumnSpec("lat", "breedtegraad", "number", ("lat", "latitude", "breedtegraad", "breedte")),
        ColumnSpec("lon", "lengtegraad", "number", ("lon", "lng", "longitude", "lengtegraad", "long", "lengte")),
        ColumnSpec("x", "x (Lambert 72)", "number", ("x", "x_lambert72")),
        ColumnSpec("y", "y (Lambert 72)", "number", ("y", "y_lambert72")),
        ColumnSpec("chain", "filiaal van een keten", "bool",
                   ("chain", "filiaal", "keten", "ketenzaak", "filiaalbedrijf")),
        ColumnSpec("shopping_area", "winkelgebied", "text", ("shopping_area", "winkelgebied", "kern")),
    ),
    "campaign": (
        *_PLACE,
        ColumnSpec("edition", "editie", "integer", ("edition", "editie", "jaar", "year")),
        ColumnSpec("participating_shops", "deelnemende winkels", "integer",
                   ("participating_shops", "deelnemende_winkels", "deelnemers")),
        ColumnSpec("bags_distributed", "uitgedeelde tassen", "integer",
                   ("bags_distributed", "tassen", "uitgedeelde_tassen", "bags")),
        ColumnSpec("ambassador_candidates", "kandidaat-ambassadeurs", "integer",
                   ("ambassador_candidates", "kandidaten", "candidates", "kandidaat_ambassadeurs")),
        ColumnSpec("votes_cast", "uitgebrachte stemmen", "integer", ("votes_cast", "stemmen", "votes")),
        ColumnSpec("ambassadors", "ambassadeurs", "integer", ("ambassadors", "ambassadeurs")),
        ColumnSpec("events", "acties", "integer", ("events", "acties", "evenementen")),
        ColumnSpec("social_reach", "bereik sociale media", "integer", ("social_reach", "bereik")),
        ColumnSpec("budget_eur", "budget (EUR)", "number", ("budget_eur", "budget")),
    ),
    "votes": (
        *_PLACE,
        ColumnSpec("edition", "editie", "integer", ("edition", "editie", "jaar", "year")),
        ColumnSpec("shop_name", "winkel", "text", ("shop_name", "winkel", "zaak", "naam")),
        ColumnSpec("kbo_number", "ondernemingsnummer", "code", ("kbo_number", "ondernemingsnummer", "kbo")),
        ColumnSpec("votes", "stemmen", "integer", ("votes", "stemmen")),
        ColumnSpec("winner", "ambassadeur (ja/nee)", "bool", ("winner", "winnaar", "ambassadeur")),
    ),
    # A list of shopping areas as Provincies in Cijfers gives Locatus' (`dashboard.ingest.areas`).
    "areas": (
        ColumnSpec("area_id", "winkelgebied-id", "text",
                   ("area_id", "winkelgebied_id", "gebied_id", "geoitem_code", "id", "winkelgebiedcode")),
        ColumnSpec("name", "naam winkelgebied", "text",
                   ("name", "naam", "winkelgebied_naam", "winkelgebied", "short_name", "naam_winkelgebied", "gebied")),
        ColumnSpec("nis_code", "NIS-code", "code", (*_PLACE[0].headers, "nis_code_2025", "nis_code_2018")),
        *_PLACE[1:],
        ColumnSpec("area_type", "type winkelgebied", "text",
                   ("area_type", "typering", "type", "type_winkelgebied", "winkelgebiedtype", "locatus_type",
                    "soort_winkelgebied")),
        ColumnSpec("main_type", "hoofdtype", "text", ("main_type", "hoofdtype")),
        ColumnSpec("lat", "breedtegraad", "number", ("lat", "latitude", "breedtegraad", "breedte", "rep_point_lat")),
        ColumnSpec("lon", "lengtegraad", "number",
                   ("lon", "lng", "longitude", "lengtegraad", "long", "lengte", "rep_point_lon")),
        ColumnSpec("x", "x (Lambert 72)", "number", ("x", "x_lambert72")),
        ColumnSpec("y", "y (Lambert 72)", "number", ("y", "y_lambert72")),
        ColumnSpec("geometry", "geometrie (WKT of GeoJSON)", "text",
                   ("geometry", "geometrie", "geom", "wkt", "geojson", "polygoon", "polygon", "vorm")),
        ColumnSpec("area_ha", "oppervlakte gebied (ha)", "number", ("area_ha", "oppervlakte_ha", "hectare", "ha")),
    ),
}

#: Campaign figures: a campaign row needs at least one of them.
CAMPAIGN_FIGURES = tuple(spec.name for spec in COLUMNS["campaign"][4:])
#: Columns that need a value in every row of a kind; (a place: one of nis_code, municipality, postcode).
REQUIRED = {"units": ("observed_on",), "campaign": ("edition",), "votes": ("edition", "shop_name", "votes"),
            "areas": ("name", "area_type")}


_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]")


@lru_cache(maxsize=50_000)
def normalise_header(text: str) -> str:
    """A header as matched: lower case, no accents, only letters and digits; a unit or note in
    brackets (``(m²)``, ``(€)``, ``(ja/nee)``) does not count.

    >>> normalise_header(" Leegstand-sinds "), normalise_header("Winkelvloeroppervlakte (m²)")
    ('leegstandsinds', 'winkelvloeroppervlakte')
    >>> normalise_header("Opp."), normalise_header("(m²)")
    ('opp', 'm2')
    """
    stripped = _BRACKETS.sub("", str(text)).strip() or str(text)  # a header that is only a unit keeps it
    plain = unicodedata.normalize("NFKD", stripped).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


_PER_GROUP = re.compile(r"^(?:locationquotient|sharefloor|shareunits)\d+$")


def _full_key(text: str) -> str:
    """A header as matched, brackets included ("Leegstand (panden)" is not "Leegstand")."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@cache
def _computed() -> dict[str, str]:
    """Key (`_full_key`) → Dutch label of every figure Kernmonitor computes, under its column
    name and its label, except where a file column is spelt alike (``Winkelvloeroppervlakte (m²)``
    is a unit's floor area, ``Jaar`` a date or an edition)."""
    found = {_full_key(name): label for name, label in LABELS.items()}  # `dashboard.registry`
    found |= {_full_key(label): label for label in LABELS.values()}
    inputs = {_full_key(spelling) for specs_ in COLUMNS.values() for spec in specs_
              for spelling in (spec.name, spec.label, *spec.headers)}
    return {key: label for key, label in found.items() if key not in inputs}


def computed_label(header: str) -> str | None:
    """The label of the figure a header names when Kernmonitor computes it (a column of its own
    downloads and report): such a column is never read as data; None for anything else.

    >>> computed_label("Leegstand (panden)"), computed_label("vacancy_rate_floor"), computed_label("Status")
    ('Leegstand (panden)', 'Leegstand (oppervlakte)', None)
    >>> computed_label("location_quotient_11"), computed_label("Winkelvloeroppervlakte (m²)")
    ('location_quotient_11', None)
    """
    key = _full_key(header)
    if _PER_GROUP.match(key):
        return str(header)
    return _computed().get(key)


def specs(kind: str) -> dict[str, ColumnSpec]:
    return {spec.name: spec for spec in COLUMNS[kind]}


def map_headers(headers: list[str], kind: str) -> dict[str, str | None]:
    """Which canonical column each header of the file fills (None: not used).

    >>> map_headers(["GROEP", "BRANCHE", "NAAM", "PLAATS", "WVO", "Opmerking"], "units")
    {'GROEP': 'category', 'BRANCHE': None, 'NAAM': 'name', 'PLAATS': 'municipality', 'WVO': 'floor_area_m2', \
'Opmerking': None}
    """
    # The first of equal headers wins; a figure Kernmonitor computes is never read as data.
    by_header = {normalise_header(h): h for h in reversed(headers) if computed_label(h) is None}
    mapping: dict[str, str | None] = dict.fromkeys(headers)
    for spec in COLUMNS[kind]:
        for synonym in (*spec.headers, spec.label):  # the app's own label too (its downloads write it)
            header = by_header.get(normalise_header(synonym))
            if header is not None and mapping[header] is None and header in by_header.values():
                mapping[header] = spec.name
                break
    return mapping


#: How alike a header and a known spelling must be (rapidfuzz's ratio, 0–100) to be suggested.
SUGGESTION_SCORE = 75


def nearest_column(header: str, kind: str) -> str | None:
    """The canonical column of ``kind`` whose known spelling (or label) is nearest to ``header``,
    when it is near enough to suggest (`SUGGESTION_SCORE`); None otherwise.

    >>> nearest_column("Oppervlak", "units"), nearest_column("Leegstand sind", "units"), nearest_column("x1", "units")
    ('floor_area_m2', 'vacant_since', None)
    """
    from rapidfuzz import fuzz, process

    spellings = {normalise_header(name): spec.name for spec in COLUMNS[kind]
                 for name in (*spec.headers, spec.label)}
    wanted = normalise_header(header)
    if len(wanted) < 3:  # two letters are like too many things
        return None
    found = process.extractOne(wanted, list(spellings), scorer=fuzz.ratio, score_cutoff=SUGGESTION_SCORE)
    return spellings[found[0]] if found else None


def detect_kind(headers: list[str]) -> str:
    """Tell units, campaign, votes and areas files apart by their headers.

    >>> detect_kind(["gemeente", "editie", "winkel", "stemmen"]), detect_kind(["gemeente", "jaar", "tassen"])
    ('votes', 'campaign')
    >>> detect_kind(["GROEP", "NAAM", "PLAATS", "WVO"]), detect_kind(["winkelgebied_id", "typering", "gemeente"])
    ('units', 'areas')
    """
    found = {kind: {name for name in map_headers(headers, kind).values() if name} for kind in KINDS}
    if {"edition", "shop_name", "votes"} <= found["votes"] and not found["units"] & {"status", "category"}:
        return "votes"
    if "edition" in found["campaign"] and found["campaign"] & set(CAMPAIGN_FIGURES):
        return "campaign"
    if "area_type" in found["areas"] and not found["units"] & {"status", "category", "street", "address"}:
        return "areas"
    return "units"
