"""Cell parsers (dashboard.ingest.values): input beside the expected value, messy ones commented."""

import pandas as pd
import pytest

from dashboard.ingest import values

NUMBERS = [
    ("1.250,5", 1250.5),  # Belgian: point groups thousands, comma marks decimals
    ("1250,5", 1250.5),
    ("1,250.5", 1250.5),  # English
    ("1250.5", 1250.5),
    ("1.250", 1250.0),  # a point before exactly three digits groups thousands
    ("1 250", 1250.0),  # space as thousands separator
    ("1\u00a0250,75", 1250.75),  # non-breaking space (Excel's nl-BE export)
    ("12,5", 12.5),
    ("-3", -3.0),  # read here; the schema rejects a negative area
    (85.0, 85.0),  # Excel stored a number
    ("0", 0.0),
]


@pytest.mark.parametrize(("cell", "expected"), NUMBERS)
def test_parse_number(cell, expected):
    parsed, bad = values.parse_number(pd.Series([cell]))
    assert parsed.iloc[0] == expected
    assert not bad.iloc[0]


@pytest.mark.parametrize("cell", ["veel", "12 m²", "1,2,3.4.5x", "--3"])
def test_unreadable_numbers_are_flagged(cell):
    parsed, bad = values.parse_number(pd.Series([cell]))
    assert bad.iloc[0] and pd.isna(parsed.iloc[0])


DATES = [
    ("31/12/2018", "2018-12-31"),
    ("31-12-2018", "2018-12-31"),
    ("1/1/2019", "2019-01-01"),  # no leading zeros
    ("2018-12-31", "2018-12-31"),
    ("2014/10/23 00:00:00+00", "2014-10-23"),  # Locatus/GIS export with time and offset
    ("2019-01-01T10:30:00", "2019-01-01"),
    ("31.12.2018", "2018-12-31"),
    ("2018", "2018-01-01"),  # a year alone is 1 January
    ("43466", "2019-01-01"),  # Excel serial as text
    (43466, "2019-01-01"),  # Excel serial as a number
    (2019, "2019-01-01"),  # a year Excel stored as a number
    (pd.Timestamp("2020-02-29 13:00"), "2020-02-29"),  # a date Excel stored
]


@pytest.mark.parametrize(("cell", "expected"), DATES)
def test_parse_date(cell, expected):
    parsed, bad = values.parse_date(pd.Series([cell]))
    assert parsed.iloc[0] == pd.Timestamp(expected)
    assert not bad.iloc[0]


@pytest.mark.parametrize("cell", ["31/02/2019", "29/02/2019", "13/13/2018", "gisteren", "2018-1"])
def test_impossible_dates_are_flagged(cell):
    parsed, bad = values.parse_date(pd.Series([cell]))
    assert bad.iloc[0] and pd.isna(parsed.iloc[0])


def test_statuses_and_booleans():
    cells = pd.Series(["leeg", "Leegstand", "LEEGSTAAND", "bezet", "in gebruik", "actief", "00-Leegstand", None])
    parsed, bad = values.parse_status(cells)
    assert parsed.tolist() == ["vacant", "vacant", "vacant", "occupied", "occupied", "occupied", "vacant", None]
    assert not bad.any()
    flags, bad = values.parse_bool(pd.Series(["ja", "Nee", "yes", "0", "x", "soms"]))
    assert flags.tolist()[:5] == [True, False, True, False, True]
    assert bad.tolist() == [False] * 5 + [True]


def test_codes_keep_leading_zeros():
    codes, bad = values.parse_code(pd.Series(["08500", 34022.0, "34022", "3402"]), 5)
    assert codes.tolist() == ["08500", "34022", "34022", None]
    assert bad.tolist() == [False, False, False, True]
    kbo, _ = values.parse_kbo(pd.Series(["BE0403.170.701", "0403 170 701", 403170701.0]))
    assert kbo.tolist() == ["0403170701"] * 3
