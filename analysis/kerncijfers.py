"""Core retail figures per municipality and year ("kerncijfers detailhandel"), as the provinces' data
teams proposed them for their reports (Provincies in Cijfers, provinciesincijfers/PinC-taakopvolging
issue 390, 2023; their variable codes are in `PINC_CODES`).

Counted over one inventory per municipality and year: the latest of the year
(`analysis.geography.is_latest_of_year`), of the units that count (one source, no premises twice,
no register of vacant premises only). Outlets are those of `analysis.vacancy.is_outlet`; a *shop* is an
occupied outlet of a retail group (Locatus 11, 22, 35, 37, 38), *horeca* an occupied outlet of group
59 (until 2022 Locatus also counted culture and leisure in 59; from 2023 those are group 58, which is
not horeca: the series has a break there).

Unknown stays unknown: a floor area per 1,000 inhabitants exists only when every unit it adds up has a
known area (the ``…_area_unknown`` counts say how many lack one); a share leaves the units whose
answer is unknown out of both sides, and is empty when none is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._grouping import group_ids
from analysis.mix import DAILY_GROUP_CODES, HORECA_GROUP_CODES
from analysis.vacancy import LONG_TERM_DAYS, RETAIL_GROUP_CODES, is_outlet, vacancy_days

#: Inhabitants per figure of a "per 1,000" measure.
PER_INHABITANTS = 1000
#: What is counted per inventory (and added up for the province).
COUNT_COLUMNS = ["units_total", "retail_units_occupied", "shop_floor_area_m2", "shops_area_unknown",
                 "horeca_units_occupied", "horeca_floor_area_m2", "horeca_area_unknown", "units_vacant",
                 "units_vacant_former_shop", "units_vacant_former_use_unknown", "units_vacant_dated",
                 "units_vacant_frictional", "shops_chain", "shops_chain_unknown", "daily_units_occupied"]
#: The figures made from the counts, in the order of Provincies in Cijfers' set (pages and report show them so).
MEASURE_COLUMNS = ["outlets_per_1000", "shops_per_1000", "shop_floor_area_per_1000", "horeca_per_1000",
                   "horeca_floor_area_per_1000", "vacancy_rate_units", "vacancy_rate_former_shop",
                   "frictional_vacancy_share", "shop_chain_share", "daily_share"]
#: The columns of `kerncijfers` after its keys: each measure beside the counts it rests on.
KERNCIJFER_COLUMNS = [
    "population", "population_year",
    "units_total", "outlets_per_1000",
    "retail_units_occupied", "shops_per_1000",
    "shop_floor_area_m2", "shops_area_unknown", "shop_floor_area_per_1000",
    "horeca_units_occupied", "horeca_per_1000",
    "horeca_floor_area_m2", "horeca_area_unknown", "horeca_floor_area_per_1000",
    "units_vacant", "vacancy_rate_units",
    "units_vacant_former_shop", "units_vacant_former_use_unknown", "vacancy_rate_former_shop",
    "units_vacant_dated", "units_vacant_frictional", "frictional_vacancy_share",
    "shops_chain", "shops_chain_unknown", "shop_chain_share",
    "daily_units_occupied", "daily_share",
]
#: Each measure's variable in Provincies in Cijfers (issue 390's proposal).
PINC_CODES = {"outlets_per_1000": "vp_1601_pand", "vacancy_rate_units": "vp1601_pand_leeg",
              "vacancy_rate_former_shop": "vp1601_pand_v_winkel", "frictional_vacancy_share": "vp1601_pand_frictie_b",
              "shops_per_1000": "vp1601_pand_winkel_inwoner", "shop_floor_area_per_1000": "vp1601_wvo_gevuld_inwoner",
              "shop_chain_share": "vp1601_pand_formulewinkel", "daily_share": "vp1601_pand_ff_dg",
              "horeca_per_1000": "vp1601_pand_ffgroep_6_inw", "horeca_floor_area_per_1000": "vp1601_wvo_horeca_inwoner"}
#: Bits of a day number in `former_use`'s sort key (2**20 days: more than 2,800 years of inventories).
_DAY_BITS = 20


def former_use(units: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Per unit: its Locatus group in the latest *earlier* inventory of its municipality in which it was
    occupied (matched on ``nis_code`` and ``unit_id``); missing where there is none (a unit new in the
    data, or vacant in every earlier inventory) or that group is unknown.

    Parameters
    ----------
    units : DataFrame with ``nis_code``, ``unit_id`` and ``observed_on``.
    history : DataFrame with those and ``status`` and ``group_code``: every inventory that counts.

    Returns
    -------
    Series of group codes (object), indexed like ``units``.

    Examples
    --------
    >>> history = pd.DataFrame({"nis_code": "34022", "unit_id": ["a", "b", "a", "b", "c"],
    ...     "observed_on": pd.to_datetime(["2022-01-01"] * 2 + ["2024-01-01"] * 3),
    ...     "status": ["occupied", "vacant", "vacant", "vacant", "vacant"],
    ...     "group_code": ["22", "00", "00", "00", "00"]})
    >>> former_use(history[history["observed_on"].dt.year == 2024], history).tolist()
    ['22', None, None]
    """
    # The four columns used, before the mask: a mask copies every column it is given.
    earlier = history[["nis_code", "unit_id", "observed_on", "group_code"]][
        history["status"].eq("occupied").to_numpy(dtype=bool, na_value=False)
        & history["unit_id"].notna().to_numpy() & history["observed_on"].notna().to_numpy()]
    dated = units["observed_on"].notna().to_numpy()
    if not dated.any() or earlier.empty:
        return pd.Series(None, index=units.index, dtype=object)
    keys = _pair_codes(units, earlier)
    days = [pd.to_datetime(frame["observed_on"]).to_numpy(dtype="datetime64[D]") for frame in (units, earlier)]
    base = min(day[~np.isnat(day)].min() for day in days if (~np.isnat(day)).any())
    days = [np.where(np.isnat(day), base, day).astype(np.int64) - base.astype(np.int64) for day in days]
    wanted, known = ((key << _DAY_BITS) | day for key, day in zip(keys, days, strict=True))
    order = np.argsort(known, kind="stable")
    known = known[order]
    # The last occupied row strictly before the unit's own date: its place in the sorted keys, minus one.
    before = np.searchsorted(known, wanted, side="left") - 1
    found = dated & (before >= 0) & ((known[np.clip(before, 0, None)] >> _DAY_BITS) == (wanted >> _DAY_BITS))
    groups = earlier["group_code"].astype(object).to_numpy()[order]
    values = np.where(found, groups[np.clip(before, 0, None)], None)
    return pd.Series(values, index=units.index, dtype=object).where(lambda s: s.notna(), None)


def _pair_codes(left: pd.DataFrame, right: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One integer per (``nis_code``, ``unit_id``) shared by both frames (a missing id: its own code)."""
    codes = []
    for column in ("nis_code", "unit_id"):
        both = pd.concat([left[column], right[column]], ignore_index=True)
        code, uniques = pd.factorize(both, use_na_sentinel=False)
        codes.append((code.astype(np.int64), len(uniques)))
    (place, _), (unit, units) = codes
    combined = place * units + unit
    return combined[:len(left)], combined[len(left):]


def kerncijfer_counts(units: pd.DataFrame, *, former_group: pd.Series,
                      by: list[str] | tuple[str, ...] = ("nis_code", "observed_on")) -> pd.DataFrame:
    """`COUNT_COLUMNS` per ``by`` over the outlets of ``units`` (keys without an outlet are left out).

    ``former_group`` is `former_use` of ``units``. A vacant unit's duration is that of
    `analysis.vacancy.vacancy_days` on its inventory date; frictional is shorter than
    `analysis.vacancy.LONG_TERM_DAYS`. Floor areas (m²) add up the known areas only.
    """
    by = list(by)
    outlet = is_outlet(units).to_numpy()
    groups = group_ids(units, by, where=outlet)

    def flag(values: pd.Series) -> np.ndarray:
        return values.to_numpy(dtype=bool, na_value=False)[outlet]

    occupied, vacant = flag(units["status"].eq("occupied")), flag(units["status"].eq("vacant"))
    code = units["group_code"]
    shop = occupied & flag(code.isin(RETAIL_GROUP_CODES))
    horeca = occupied & flag(code.isin(HORECA_GROUP_CODES))
    area = pd.to_numeric(units["floor_area_m2"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[outlet]
    known = ~np.isnan(area)
    chain = (units["chain"] if "chain" in units else pd.Series(pd.NA, index=units.index)).astype("boolean")
    days = vacancy_days(units).to_numpy(dtype=float, na_value=np.nan)[outlet]
    dated = vacant & ~np.isnan(days)
    former = pd.Series(np.asarray(former_group, dtype=object))  # by position: any index of units
    return groups.keys.assign(
        units_total=groups.count(), retail_units_occupied=groups.count(shop),
        shop_floor_area_m2=groups.sum(area, shop & known), shops_area_unknown=groups.count(shop & ~known),
        horeca_units_occupied=groups.count(horeca), horeca_floor_area_m2=groups.sum(area, horeca & known),
        horeca_area_unknown=groups.count(horeca & ~known), units_vacant=groups.count(vacant),
        units_vacant_former_shop=groups.count(vacant & flag(former.isin(RETAIL_GROUP_CODES))),
        units_vacant_former_use_unknown=groups.count(vacant & flag(former.isna())),
        units_vacant_dated=groups.count(dated),
        units_vacant_frictional=groups.count(dated & (np.nan_to_num(days, nan=np.inf) < LONG_TERM_DAYS)),
        shops_chain=groups.count(shop & flag(chain.fillna(False))), shops_chain_unknown=groups.count(shop & flag(
            chain.isna())), daily_units_occupied=groups.count(occupied & flag(code.isin(DAILY_GROUP_CODES))))


def nearest_population(keys: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """``population`` and ``population_year`` per row of ``keys`` (``nis_code``, ``year``): the
    municipality's population in the available year nearest to ``year``, the earlier one on a tie
    (as the campaign's reach); missing for a municipality without any.

    >>> people = pd.DataFrame({"nis_code": "34022", "year": [2018, 2020], "population": [76_265, 77_109]})
    >>> keys = pd.DataFrame({"nis_code": "34022", "year": [2016, 2019, 2024]})
    >>> nearest_population(keys, people).values.tolist()
    [[76265, 2018], [76265, 2018], [77109, 2020]]
    """
    left = pd.DataFrame({"nis_code": keys["nis_code"].astype(str).to_numpy(),
                         "year": keys["year"].astype(np.int64).to_numpy(), "_row": np.arange(len(keys))})
    right = pd.DataFrame({"nis_code": population["nis_code"].astype(str).to_numpy(),
                          "population_year": population["year"].astype(np.int64).to_numpy(),
                          "population": population["population"].to_numpy()}).sort_values("population_year")
    # merge_asof's "nearest" keeps the backward match on a tie: the earlier year.
    found = pd.merge_asof(left.sort_values("year"), right, left_on="year", right_on="population_year",
                          by="nis_code", direction="nearest").sort_values("_row")
    return pd.DataFrame({"population": found["population"].to_numpy(),
                         "population_year": found["population_year"].astype("Int64").to_numpy()}, index=keys.index)


def kerncijfer_measures(counts: pd.DataFrame) -> pd.DataFrame:
    """`MEASURE_COLUMNS` from `COUNT_COLUMNS` and ``population`` (of the same rows).

    - ``outlets_per_1000`` = units_total / population × 1,000; ``shops_per_1000`` and
      ``horeca_per_1000`` likewise with the occupied shops and horeca outlets;
    - ``shop_floor_area_per_1000`` = floor area of the shops (m²) / population × 1,000, only when
      ``shops_area_unknown`` is 0 (else missing); ``horeca_floor_area_per_1000`` likewise;
    - ``vacancy_rate_units`` = units_vacant / units_total;
    - ``vacancy_rate_former_shop`` = units_vacant_former_shop / (units_total −
      units_vacant_former_use_unknown): vacant former shops among the outlets whose (former) use is
      known; missing when there are vacant outlets but none with a known former use;
    - ``frictional_vacancy_share`` = units_vacant_frictional / units_vacant_dated;
    - ``shop_chain_share`` = shops_chain / (retail_units_occupied − shops_chain_unknown);
    - ``daily_share`` = daily_units_occupied / retail_units_occupied.

    A share with a denominator of 0 is missing, never 0.
    """
    def count(column: str) -> np.ndarray:
        return pd.to_numeric(counts[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    people = count("population") / PER_INHABITANTS
    vacant, unknown = count("units_vacant"), count("units_vacant_former_use_unknown")
    measures = {
        "outlets_per_1000": _ratio(count("units_total"), people),
        "shops_per_1000": _ratio(count("retail_units_occupied"), people),
        "shop_floor_area_per_1000": np.where(count("shops_area_unknown") == 0,
                                             _ratio(count("shop_floor_area_m2"), people), np.nan),
        "horeca_per_1000": _ratio(count("horeca_units_occupied"), people),
        "horeca_floor_area_per_1000": np.where(count("horeca_area_unknown") == 0,
                                               _ratio(count("horeca_floor_area_m2"), people), np.nan),
        "vacancy_rate_units": _ratio(vacant, count("units_total")),
        # Vacant outlets none of whose former use is known: the share is unknown, not 0.
        "vacancy_rate_former_shop": np.where((vacant > 0) & (unknown == vacant), np.nan, _ratio(
            count("units_vacant_former_shop"), count("units_total") - unknown)),
        "frictional_vacancy_share": _ratio(count("units_vacant_frictional"), count("units_vacant_dated")),
        "shop_chain_share": _ratio(count("shops_chain"), count("retail_units_occupied") - count("shops_chain_unknown")),
        "daily_share": _ratio(count("daily_units_occupied"), count("retail_units_occupied")),
    }
    return counts.assign(**measures)


def kerncijfers(units: pd.DataFrame, population: pd.DataFrame, *, history: pd.DataFrame | None = None,
                by: list[str] | tuple[str, ...] = ("nis_code", "observed_on")) -> pd.DataFrame:
    """The core figures per ``by`` (by default per municipality and inventory).

    Parameters
    ----------
    units : DataFrame
        The units of the inventories to describe (one per municipality and year: the latest), with
        ``nis_code``, ``unit_id``, ``observed_on``, ``status``, ``group_code``, ``floor_area_m2``,
        ``vacant_since`` and ``chain`` (optional: unknown for every unit without it).
    population : DataFrame
        ``nis_code``, ``year``, ``population`` (inhabitants on 1 January of ``year``).
    history : DataFrame, optional
        Every inventory that counts, to find a vacant unit's former use (`former_use`); default
        ``units`` itself.
    by : sequence of str
        Keys of one row; ``nis_code`` and ``observed_on`` must be among them (for the population).

    Returns
    -------
    DataFrame with ``by``, ``year`` and `KERNCIJFER_COLUMNS`: counts (units), floor areas (m²),
    per-1,000 figures (per 1,000 inhabitants of the year nearest to the inventory's,
    `nearest_population`; floor areas in m² per 1,000 inhabitants) and shares 0–1 (see
    `kerncijfer_measures`).

    Examples
    --------
    A town of 2,000 inhabitants: two shops (one a chain's branch, one of unknown area), a café of
    50 m², a vacant former shop and a vacant unit never seen occupied, vacant for half a year.

    >>> history = pd.DataFrame({"nis_code": "34022", "unit_id": ["s1", "s2", "h", "v", "n", "v"],
    ...     "observed_on": pd.to_datetime(["2024-01-01"] * 5 + ["2023-01-01"]),
    ...     "status": ["occupied"] * 3 + ["vacant"] * 2 + ["occupied"],
    ...     "group_code": ["11", "22", "59", "00", "00", "22"], "floor_area_m2": [100.0, None, 50.0, 80.0, 60.0, 80.0],
    ...     "vacant_since": pd.to_datetime([None] * 3 + ["2023-07-01", None, None]),
    ...     "chain": [True, False, None, None, None, None]})
    >>> people = pd.DataFrame({"nis_code": ["34022"], "year": [2020], "population": [2000]})
    >>> row = kerncijfers(history[history["observed_on"].dt.year == 2024], people, history=history).iloc[0]
    >>> float(row.outlets_per_1000), float(row.shops_per_1000), float(row.horeca_floor_area_per_1000)
    (2.5, 1.0, 25.0)
    >>> int(row.shops_area_unknown), float(row.shop_floor_area_per_1000)  # one shop without an area: unknown
    (1, nan)
    >>> float(row.vacancy_rate_former_shop), float(row.shop_chain_share), float(row.daily_share)  # 1 / (5 − 1)
    (0.25, 0.5, 0.5)
    """
    by = list(by)
    history = units if history is None else history
    counts = kerncijfer_counts(units, former_group=former_use(units, history), by=by)
    counts = counts[counts["observed_on"].notna()].reset_index(drop=True)  # no date, no year: no inventory
    counts["year"] = pd.to_datetime(counts["observed_on"]).dt.year.astype("int64")
    counts = counts.join(nearest_population(counts[["nis_code", "year"]], population))
    keys = [*by, *(["year"] if "year" not in by else [])]
    return kerncijfer_measures(counts)[[*keys, *KERNCIJFER_COLUMNS]]


def added_up(table: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("year",)) -> pd.DataFrame:
    """`kerncijfers` rows added up per ``by`` (the province: per year): counts, floor areas and
    population summed (a population unknown for any row is unknown for the sum), the figures made
    again from the sums; ``observed_on`` is the latest date and ``population_year`` the latest year.

    >>> rows = pd.DataFrame({"year": 2024, "observed_on": pd.to_datetime(["2024-01-01", "2024-03-01"]),
    ...     "population": [1000, 3000], "population_year": [2020, 2020], **{c: [1, 3] for c in COUNT_COLUMNS}})
    >>> total = added_up(rows).iloc[0]
    >>> float(total.outlets_per_1000), int(total.units_total), str(total.observed_on.date())
    (1.0, 4, '2024-03-01')
    """
    by = list(by)
    grouped = table.groupby(by, sort=True)
    sums = grouped[COUNT_COLUMNS].sum(min_count=1)
    sums["population"] = grouped["population"].apply(lambda people: people.sum() if people.notna().all() else np.nan)
    sums["population_year"] = grouped["population_year"].max()
    sums["observed_on"] = grouped["observed_on"].max()
    return kerncijfer_measures(sums.reset_index())[[*by, "observed_on", *KERNCIJFER_COLUMNS]]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as floats, NaN where the denominator is not above 0 or unknown."""
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, np.asarray(numerator, dtype=float) / denominator, np.nan)
