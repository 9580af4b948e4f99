"""dashboard.ingest.compact: a large file's cells and rows held and compared without a Python
object or a hash-table entry per row where that can be avoided."""

import numpy as np
import pandas as pd

from dashboard.ingest import compact


def test_repeated_rows_are_found_by_their_values_when_every_hash_is_the_same(monkeypatch):
    # Rows 0–5: ("a", 1), ("b", 1), ("a", 1), (None, 2), (None, 2), ("a", 3). With every row given
    # the same hash, each is compared by its values: rows 2 and 4 repeat rows 0 and 3.
    monkeypatch.setattr(compact, "_hashes", lambda column: np.zeros(len(column), dtype=np.uint64))
    again, first = compact.repeats(pd.Series(["a", "b", "a", None, None, "a"], dtype=object),
                                   pd.Series([1, 1, 1, 2, 2, 3]))
    assert (again.tolist(), first.tolist()) == ([2, 4], [0, 3])
    assert [len(found) for found in compact.repeats(pd.Series(["x", "y"], dtype=object))] == [0, 0]


def test_whole_numbers_and_decimals_from_excel_are_held_as_numbers_exactly():
    cells = pd.DataFrame({"WVO": [85, None, 120], "LAT": [50.95, 51.0, None], "LON": [3.1, 3, None],
                          "HUISNR": [12, 7, 2**70]}, dtype=object)
    mapping = {"WVO": "floor_area_m2", "LAT": "lat", "LON": "lon", "HUISNR": "house_number"}
    shown = compact.shown_only(cells, mapping, "units")
    # LON mixes a whole number and decimals (3 would show as 3.0); 2**70 does not fit in 64 bits.
    assert shown.dtypes.astype(str).tolist() == ["Int64", "float64", "object", "object"]
    assert shown["WVO"].tolist()[::2] == [85, 120] and shown["WVO"].isna().tolist() == [False, True, False]


def test_combinations_numbered_a_slice_at_a_time_are_numbered_as_in_one(monkeypatch):
    monkeypatch.setattr(compact, "SLICE_ROWS", 2)  # rows 0–1, 2–3, 4–5
    towns = pd.Series(["Ieper", "Kortrijk", "Ieper", np.nan, None, "Ieper"], dtype=object)
    years = pd.Series([2024, 2024, 2024, 2025, 2025, 2024])
    numbers, first = compact.combinations(towns, years)
    # A missing town is one value, NaN or None, in whichever slice: rows 3 and 4 are one combination.
    assert (numbers.tolist(), first.tolist()) == ([0, 1, 0, 2, 2, 0], [0, 1, 3])
