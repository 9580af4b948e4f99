"""Data-quality flags next to each result, so a reader knows which figures to trust less."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._grouping import previous_values

#: Fewer units than this make a rate jump with every single unit.
MIN_UNITS = 20
#: Below this share of units with a known floor area, the floor-area rate is unreliable.
MIN_AREA_COVERAGE = 0.8
#: An inventory with fewer than this share of the previous one's units is probably incomplete.
MIN_COMPLETENESS = 0.75
QUALITY_COLUMNS = ["is_small_sample", "is_low_area_coverage", "is_possibly_incomplete"]


def quality_flags(indicators: pd.DataFrame, *, by: str = "nis_code", order: str = "observed_on",
                  min_units: int = MIN_UNITS, min_area_coverage: float = MIN_AREA_COVERAGE,
                  min_completeness: float = MIN_COMPLETENESS) -> pd.DataFrame:
    """`QUALITY_COLUMNS` for each row of a vacancy table (``units_total``, ``floor_area_coverage``).

    ``is_possibly_incomplete``: ``units_total`` < ``min_completeness`` × the previous inventory's
    ``units_total`` of the same ``by`` value.

    Examples
    --------
    >>> table = pd.DataFrame({"nis_code": "34022", "observed_on": pd.to_datetime(["2023-01-01", "2024-01-01"]),
    ...                       "units_total": [100, 19], "floor_area_coverage": [0.9, 0.5]})
    >>> quality_flags(table)[QUALITY_COLUMNS].values.tolist()
    [[False, False, False], [True, True, True]]
    """
    previous = previous_values(indicators, ["units_total"], by=by, order=order)["units_total"].to_numpy()
    units = indicators["units_total"].to_numpy(dtype=float)
    coverage = indicators["floor_area_coverage"].to_numpy(dtype=float, na_value=np.nan)
    return pd.DataFrame({
        "is_small_sample": units < min_units,
        "is_low_area_coverage": ~(coverage >= min_area_coverage),  # unknown coverage: low
        "is_possibly_incomplete": units < min_completeness * previous,  # no previous inventory: False
    }, index=indicators.index)
