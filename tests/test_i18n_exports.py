"""Dutch formats on screen, and spreadsheet-safe exports."""

import io
from datetime import date

import pandas as pd
import pytest

from dashboard.i18n import format_area, format_date, format_number, format_pct, format_pp
from dashboard.tables.exports import neutralise_formulas, to_csv_bytes


@pytest.mark.parametrize(("value", "text"), [
    (0.083, "8,3 %"), (0.0834, "8,3 %"), (0.125, "12,5 %"), (1.0, "100,0 %"), (None, "–"), (float("nan"), "–"),
])
def test_percentages(value, text):
    assert format_pct(value) == text


def test_numbers_areas_dates_and_points():
    assert format_number(1234) == "1.234"
    assert format_number(1250.5, 1) == "1.250,5"
    assert format_area(1234) == "1.234 m²"
    assert format_date(date(2018, 12, 31)) == "31/12/2018"
    assert format_date(pd.Timestamp("2018-01-01")) == "01/01/2018"
    assert format_pp(0.018) == "+1,8 pp"
    assert format_pp(-0.005) == "-0,5 pp"
    assert format_pp(0.0) == "±0,0 pp"
    # Unknown is shown as unknown, whichever way pandas says it.
    assert format_number(pd.NA) == format_pct(None) == format_area(float("nan")) == format_date(pd.NaT) == "–"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+32 56 00 00 00", "-1+1", "@SUM(A1)",
                                  "\tverborgen", "\rlijn"])
def test_text_that_could_start_a_formula_is_neutralised(text):
    cleaned = neutralise_formulas(pd.DataFrame({"naam": [text]}))
    assert cleaned["naam"].iloc[0] == "'" + text


def test_numbers_and_harmless_text_are_left_alone():
    frame = pd.DataFrame({"naam": ["Bakkerij Maes", "Café 't Hoekje"], "delta": [-0.5, 0.25]})
    assert neutralise_formulas(frame).equals(frame)


def test_csv_for_belgian_excel():
    frame = pd.DataFrame({"gemeente": ["Kortrijk", "=cmd"], "Leegstand (panden)": [0.125, 0.05]})
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["gemeente"].tolist() == ["Kortrijk", "'=cmd"]
    # An indicator in the units the screen shows: 12,5 % under "Leegstand (panden) (%)".
    assert back["Leegstand (panden) (%)"].tolist() == [12.5, 5.0]
    assert "12,5" in data.decode("utf-8-sig")


def test_xlsx_export_keeps_numbers_and_blocks_formulas():
    import io

    from openpyxl import load_workbook

    from dashboard.tables.exports import to_xlsx_bytes

    frame = pd.DataFrame({"naam": ["=HYPERLINK(\"http://x\")", "Bakkerij"], "leegstand": [0.083, 0.1]})
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert [c.value for c in sheet[1]] == ["naam", "leegstand"]
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")"  # text, not a formula
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 0.083
