"""Fuzzing the readers of files as people make them (`dashboard.ingest.layout`, `.lenient`):
properties with an oracle, not only "no crash".

- Title and blank rows above the header, and totals, notes and blank rows after the data, change
  nothing in what is read: the same units as the bare table, in CSV and in XLSX.
- An optional value written any way people write it never costs a unit: a number or date with
  "ca.", "±", "m²", a month or a year is read as the value it was generated from; anything else
  leaves the field unknown with a warning, and the unit counts.

Examples are fixed in CI (`tests.test_fuzz.fuzz`); KERNMONITOR_FUZZ_SCALE runs more, freshly random.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from dashboard import ingest
from dashboard.i18n import MONTH_NAMES
from tests import ingest_files as files
from tests.test_fuzz import TODAY, fuzz, outcome

HEADER = ["gemeente", "straat", "huisnummer", "status", "wvo", "leeg sinds", "peildatum"]
#: Titles and notes as towns write them above a table (none names two known columns).
TITLES = ["Leegstandsregister Stad Ieper", "Toestand op 31/12/2023", "Dienst Lokale Economie", "Inventaris 2024",
          "Vertrouwelijk", "Versie 3 – na controle", "", "2024"]
#: What stands under a table: totals, sources, notes, blank rows.
AFTER = [["Totaal", None, None, None, 1234], ["Totaal: 12 panden"], ["Bron: stad Ieper"], ["Opmerking: zie bijlage"],
         ["* geschat"], [], ["Som", None, None, None, 99.5]]


@st.composite
def units(draw) -> list[list]:
    """1–12 data rows of Ieper or Kortrijk, each a distinct address."""
    count = draw(st.integers(1, 12))
    towns, statuses, since = st.sampled_from(["Ieper", "Kortrijk"]), st.sampled_from(["leeg", "bezet"]), \
        st.sampled_from([None, "01/03/2020"])
    return [[draw(towns), "Markt", str(number), draw(statuses), draw(st.integers(10, 900)), draw(since), "31/12/2023"]
            for number in range(1, count + 1)]


def _cells(raw: bytes, name: str) -> pd.DataFrame:
    prepared = outcome(raw, name)
    assert prepared is not None and prepared.errors.empty
    return prepared.valid_rows.drop(columns="unit_id").reset_index(drop=True)


def _csv(rows: list[list]) -> bytes:
    lines = [";".join("" if cell is None else str(cell) for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@fuzz(60)
@given(units(), st.lists(st.sampled_from(TITLES), max_size=5), st.lists(st.sampled_from(AFTER), max_size=4),
       st.sampled_from(["csv", "xlsx"]))
def test_titles_above_and_totals_below_change_nothing_that_is_read(rows, titles, after, file_format):
    bare = [HEADER, *rows]
    dressed = [[title] if title else [] for title in titles] + bare + after
    make = files.xlsx if file_format == "xlsx" else _csv
    name = f"register.{file_format}"
    pd.testing.assert_frame_equal(_cells(make(dressed), name), _cells(make(bare), name))
    prepared = outcome(make(dressed), name)
    left_out = prepared.problems[prepared.problems["problem"].str.startswith("geen verkooppunt of gegevensrij")]
    assert len(left_out) == sum(1 for row in after if row)  # blank rows hold nothing to name


@st.composite
def written_area(draw) -> tuple[str, float]:
    """A floor area as people write it, with the number it means."""
    whole = draw(st.integers(1, 99_999))
    text = f"{whole:,}".replace(",", ".") if whole >= 1000 and draw(st.booleans()) else str(whole)
    prefix = draw(st.sampled_from(["", "ca. ", "ca ", "± ", "+/- ", "~"]))
    suffix = draw(st.sampled_from(["", " m²", "m²", " m2", " M2"]))
    return prefix + text + suffix, float(whole)


@st.composite
def written_since(draw) -> tuple[str, pd.Timestamp, str]:
    """A vacancy start as people write it, with the day and precision it means."""
    year, month = draw(st.integers(1990, 2023)), draw(st.integers(1, 12))
    form = draw(st.sampled_from(["month name", "mm/yyyy", "year", "sinds year", "dd/mm/yy"]))
    if form == "month name":
        return f"{draw(st.sampled_from([str.lower, str.capitalize]))(MONTH_NAMES[month - 1])} {year}", \
            pd.Timestamp(year, month, 1), "month"
    if form == "mm/yyyy":
        return f"{month:02d}/{year}", pd.Timestamp(year, month, 1), "month"
    if form in ("year", "sinds year"):
        return ("sinds " if form == "sinds year" else "") + str(year), pd.Timestamp(year, 1, 1), "year"
    day = draw(st.integers(1, 28))
    return f"{day:02d}/{month:02d}/{year % 100:02d}", pd.Timestamp(2000 + year % 100, month, day), "day"


_UNREADABLE = st.sampled_from(["veel", "groot", "zie foto", "n/b", "12 à 15", "?", "onbekend", "n.v.t.", "-", "xx"])


@fuzz(80)
@given(st.lists(st.tuples(st.one_of(written_area(), _UNREADABLE.map(lambda t: (t, None))),
                          st.one_of(written_since(), _UNREADABLE.map(lambda t: (t, None, None)))),
                min_size=1, max_size=10))
def test_an_optional_value_as_people_write_it_is_read_as_meant_or_unknown_never_costing_a_unit(cells):
    rows = [["Ieper", "Markt", str(number), "leeg", area[0], since[0], "31/12/2023"]
            for number, (area, since) in enumerate(cells, start=1)]
    prepared = ingest.prepare(_csv([HEADER, *rows]), "register.csv", today=TODAY)
    assert prepared.errors.empty and len(prepared.valid_rows) == len(cells)  # every premises counts
    read = prepared.valid_rows.assign(number=lambda f: f["house_number"].astype(int)).sort_values("number")
    areas = [area[1] for area, _ in cells]
    assert [None if pd.isna(v) else v for v in read["floor_area_m2"]] == areas
    days = [since[1] for _, since in cells]
    assert [None if pd.isna(v) else v for v in read["vacant_since"]] == days
    precisions = [since[2] if since[2] != "day" else None for _, since in cells]
    assert [None if pd.isna(v) else v for v in read["vacant_since_precision"]] == precisions
    # Every value not read as written is said: row, column and value.
    warned = set(zip(prepared.problems["row_number"], prepared.problems["column_name"], strict=True))
    for row_number, (area, since) in enumerate(cells, start=2):
        if not area[0].replace(".", "").isdigit():  # "1.250" is a plain number
            assert (row_number, "wvo") in warned
        if since[2] != "day" or since[1] is None:
            assert (row_number, "leeg sinds") in warned or since[0].isdigit()  # "2018" alone is a year, read as one
