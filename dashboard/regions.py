"""The region the dashboard shows: one Flemish province or all of Flanders.

One place resolves a region's REFNIS code (``10000``, ``20001``, ``30000``, ``40000``, ``70000`` or
``02000`` for Flanders) to its name, its municipalities in either geography, its map bounds and its
boundaries. West-Vlaanderen keeps its own, richer reference file (``data/municipalities.csv``: the
campaign flags and the coast); the other provinces and Flanders come from
``data/municipalities_flanders.csv``, where West-Vlaanderen's rows carry the same names, codes and
figures (`tests/test_reference_flanders.py`).

``KERNMONITOR_PROVINCE`` (`dashboard.settings.province_nis_code`) chooses the region imports accept and
the app opens on; the sidebar and ``--province`` choose what is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from analysis.geography import assign_geography
from dashboard import reference, settings

FLANDERS_NIS_CODE = reference.FLANDERS_NIS_CODE
#: What the app calls the Flemish Region (the reference file says "Vlaams Gewest").
FLANDERS_NAME = "Vlaanderen"
#: The regions in the order the sidebar offers them: Flanders, then the provinces by name.
REGION_CODES = ("02000", "10000", "70000", "40000", "20001", "30000")
#: Bounding boxes (WGS84: west, south, east, north) plus 5 km on every side, from the boundaries of
#: both geographies in EPSG:31370, rounded outwards. Coordinates outside are refused on import.
#: West-Vlaanderen's is `dashboard.settings.PROVINCE_BOUNDS`, as it always was.
REGION_BOUNDS = {
    "02000": (2.46, 50.62, 6.00, 51.54),
    "10000": (4.09, 50.94, 5.36, 51.55),
    "20001": (3.80, 50.63, 5.27, 51.10),
    "30000": settings.PROVINCE_BOUNDS,
    "40000": (3.26, 50.67, 4.43, 51.41),
    "70000": (4.91, 50.63, 5.99, 51.35),
}
#: Flags only West-Vlaanderen's file has; false for every other municipality.
WEST_FLEMISH_FLAGS = ("is_krakwest_partner", "is_campaign_2018", "is_coastal")
#: The Gemeente page opens on Kortrijk in West-Vlaanderen, elsewhere on the region's largest town.
DEFAULT_TOWN = "34022"


class UnknownRegion(LookupError):
    """A code that names no Flemish province and not Flanders (the message is Dutch)."""


@dataclass(frozen=True)
class Region:
    """One province or all of Flanders."""

    nis_code: str
    name: str
    bounds: tuple[float, float, float, float]

    @property
    def is_flanders(self) -> bool:
        return self.nis_code == FLANDERS_NIS_CODE

    @property
    def is_reference_province(self) -> bool:
        """West-Vlaanderen: the province with its own reference file."""
        return self.nis_code == reference.REFERENCE_PROVINCE_NIS_CODE

    @property
    def the_region(self) -> str:
        """The region in a sentence: "de provincie" or "Vlaanderen" ("+1,7 pp boven de provincie")."""
        return FLANDERS_NAME if self.is_flanders else "de provincie"

    @property
    def kind(self) -> str:
        """What a card calls the region: "Provincie" or "Vlaanderen"."""
        return FLANDERS_NAME if self.is_flanders else "Provincie"

    def municipalities(self, geography: str = "2025") -> pd.DataFrame:
        """The region's municipalities in ``geography`` (see `dashboard.reference.municipalities`), with
        ``province_nis_code`` and the flags ``is_centrumstad``, ``is_krakwest_partner``,
        ``is_campaign_2018`` and ``is_coastal`` (the last three false outside West-Vlaanderen)."""
        return _municipalities(self.nis_code, geography).copy()

    def codes(self, geography: str = "2025") -> frozenset[str]:
        """The NIS codes of the region's municipalities in ``geography``."""
        return _codes(self.nis_code, geography)

    @property
    def all_codes(self) -> frozenset[str]:
        """The codes of either geography: what imports accept, and what the tables count in the region (a
        unit stored under a 2025 code stays under it in the 2018 geography)."""
        return self.codes("2018") | self.codes("2025")

    def accepts(self, nis_code: str | None) -> bool:
        return nis_code in self.all_codes

    def boundaries_file(self, geography: str = "2025"):
        """The shipped boundaries the region's map starts from (Flanders' file holds every province:
        the map keeps the region's municipalities, `dashboard.ui.loaders.boundaries`)."""
        if self.is_reference_province:
            return reference.boundaries_file(geography)
        return reference.flemish_boundaries_file(geography)

    def default_town(self, geography: str = "2025") -> str:
        """Kortrijk in West-Vlaanderen, else the region's most populous municipality."""
        if DEFAULT_TOWN in self.codes(geography):
            return DEFAULT_TOWN
        places = _municipalities(self.nis_code, geography)
        return str(places.loc[places["population_2020"].idxmax(), "nis_code"])

    def largest_towns(self, geography: str = "2025", n: int = 4) -> list[str]:
        """The region's ``n`` largest centrumsteden (then its largest other towns), most populous first:
        what Vergelijken starts from (in West-Vlaanderen Brugge, Kortrijk, Oostende and Roeselare)."""
        places = _municipalities(self.nis_code, geography)
        order = places.sort_values(["is_centrumstad", "population_2020"], ascending=False)
        return order["nis_code"].head(n).tolist()

    def covered(self, codes: Iterable[str], geography: str) -> int:
        """How many of the region's municipalities in ``geography`` the ``codes`` (of units placed in that
        geography) cover. In 2018 a 2025 code covers the municipalities it merged (it cannot be split)."""
        own = self.codes(geography)
        parts = _predecessors() if geography == "2018" else {}
        found: set[str] = set()
        for code in codes:
            found |= {code} if code in own else parts.get(code, set())
        return len(found & own)

    def label(self, covered: int, geography: str) -> str:
        """The name of a figure of the region that rests on ``covered`` municipalities: the name alone when
        they are all there, else "Vlaanderen (12 van 285 gemeenten)" (never partial data as the whole)."""
        total = len(self.codes(geography))
        return self.name if covered >= total else f"{self.name} ({covered} van {total} gemeenten)"

    def part(self, label: str) -> str | None:
        """What a `label` says of the municipalities ("12 van 285 gemeenten"); None for the whole region."""
        rest = label.removeprefix(self.name).strip()
        return rest.removeprefix("(").removesuffix(")") if rest.startswith("(") else None

    def series_name(self, labels: Iterable[str]) -> str:
        """One name for a line of the region's figures over the years (`label` per year): that label when
        it is the same every year, else the name with "niet alle gemeenten" (no year has them all) or
        "niet elk jaar alle gemeenten"."""
        distinct = set(labels)
        if len(distinct) <= 1:
            return distinct.pop() if distinct else self.name
        return f"{self.name} (niet {'elk jaar ' if self.name in distinct else ''}alle gemeenten)"


def region(code: Region | str | None = None) -> Region:
    """The region of a REFNIS code (an `Region` stays itself; without one: the configured region, `configured`).

    Raises `UnknownRegion` (Dutch) for a code that is no Flemish province and not 02000.
    """
    if isinstance(code, Region):
        return code
    if code is None:
        return configured()
    code = str(code).strip()
    if code not in REGION_CODES:
        raise UnknownRegion(f"'{code}' is geen Vlaamse provincie en niet Vlaanderen: kies {choices_text()}.")
    return _region(code)


def configured() -> Region:
    """The region of ``KERNMONITOR_PROVINCE`` (default West-Vlaanderen, 30000): what imports accept and
    what the app opens on. An invalid value raises `UnknownRegion` saying so."""
    value = settings.province_nis_code()
    try:
        return region(value)
    except UnknownRegion:
        raise UnknownRegion(f"{settings.PROVINCE_ENV} staat op '{value}': dat is geen Vlaamse provincie en niet "
                          f"Vlaanderen. Er is niets gewijzigd. Zet {settings.PROVINCE_ENV} op {choices_text()} "
                          "(of laat het leeg voor West-Vlaanderen) en probeer opnieuw.") from None


def choices_text() -> str:
    """The valid codes with their names, for a message."""
    return ", ".join(f"{code} ({_region(code).name})" for code in REGION_CODES[:-1]) + \
        f" of {REGION_CODES[-1]} ({_region(REGION_CODES[-1]).name})"


def name_of(code: str) -> str:
    """The name of a region's code (``02000`` → Vlaanderen)."""
    return _region(code).name


@cache
def _region(code: str) -> Region:
    names = reference.provinces().set_index("nis_code")["name_nl"]
    name = FLANDERS_NAME if code == FLANDERS_NIS_CODE else str(names[code])
    return Region(code, name, REGION_BOUNDS[code])


@cache
def _municipalities(code: str, geography: str) -> pd.DataFrame:
    if code == reference.REFERENCE_PROVINCE_NIS_CODE:
        return reference.municipalities(geography).assign(province_nis_code=code)
    flemish = reference.flemish_municipalities(geography)
    if code != FLANDERS_NIS_CODE:
        flemish = flemish[flemish["province_nis_code"] == code]
    west = reference.municipalities(geography).set_index("nis_code")[list(WEST_FLEMISH_FLAGS)]
    flags = west.reindex(flemish["nis_code"]).fillna(False).astype(bool).reset_index(drop=True)
    return pd.concat([flemish.reset_index(drop=True), flags], axis=1)


@cache
def _codes(code: str, geography: str) -> frozenset[str]:
    return frozenset(_municipalities(code, geography)["nis_code"])


def crosswalk() -> pd.DataFrame:
    """The 2018 → 2025 crosswalk of all of Flanders (`dashboard.reference.flemish_crosswalk`), made
    once: what places units of any region in a geography (for West-Vlaanderen's codes it is its own)."""
    return _crosswalk()


@cache
def _crosswalk() -> pd.DataFrame:
    return reference.flemish_crosswalk()


@cache
def _predecessors() -> dict[str, set[str]]:
    walk = _crosswalk()
    return walk.groupby("nis_code_2025")["nis_code"].agg(set).to_dict()


def municipality_names(geography: str = "2025") -> dict[str, str]:
    """NIS code → Dutch name of every Flemish municipality in ``geography``, with the other
    geography's codes as fallback (as `dashboard.reference.municipality_names` for one province)."""
    return dict(_names(geography))


@cache
def _names(geography: str) -> dict[str, str]:
    other = "2018" if geography == "2025" else "2025"
    names = dict(zip(*_municipalities(FLANDERS_NIS_CODE, other)[["nis_code", "name_nl"]].T.values, strict=False))
    names.update(zip(*_municipalities(FLANDERS_NIS_CODE, geography)[["nis_code", "name_nl"]].T.values, strict=False))
    return names


def province_of(nis_code: str, geography: str = "2025") -> Region | None:
    """The province a municipality's code (of either geography) lies in, or None outside Flanders."""
    for code in REGION_CODES[1:]:
        if nis_code in _region(code).codes(geography):
            return _region(code)
    return next((_region(code) for code in REGION_CODES[1:] if _region(code).accepts(nis_code)), None)


def in_region(frame: pd.DataFrame, region: Region, geography: str) -> pd.DataFrame:
    """The rows of ``frame`` (units, campaign figures, votes: ``nis_code`` as stored) whose municipality,
    placed in ``geography``, lies in ``region`` (`Region.all_codes`); ``frame`` itself when all of them do.

    >>> rows = pd.DataFrame({"nis_code": ["34022", "11056", "11002"]})
    >>> in_region(rows, region("10000"), "2025")["nis_code"].tolist()  # Zwijndrecht: Oost-Vlaanderen from 2025
    ['11002']
    >>> in_region(rows, region("10000"), "2018")["nis_code"].tolist()
    ['11056', '11002']
    """
    codes = frame["nis_code"]
    distinct = pd.Series(codes.unique(), dtype=object)  # a categorical's present values: no pass over the rows
    placed = assign_geography(pd.DataFrame({"nis_code": distinct}), crosswalk(), geography)["nis_code"]
    inside = placed.isin(region.all_codes).to_numpy()
    if inside.all():
        return frame
    return frame[codes.isin(distinct[inside]).to_numpy()]
