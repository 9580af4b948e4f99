"""Deterministic sample data ("voorbeelddata (fictief)") calibrated to published figures.

Any Flemish province, or all of Flanders (province by province), can be filled. West-Vlaanderen's
sample is calibrated exactly to its published figures and is the same whether it is made alone or
as part of Flanders; the other provinces have no published figures here: they get as many outlets
per inhabitant as West-Vlaanderen and vacancy around its path, and no campaign (the campaign "Ik koop
lokaal" ran in West-Vlaanderen).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import regions
from dashboard.sample import targets
from dashboard.sample import units as unit_sample
from dashboard.sample.campaign import generate_campaign
from dashboard.settings import PROVINCE_NIS_CODE, SAMPLE_EARLIEST_YEAR, SAMPLE_FIRST_YEAR, SAMPLE_LAST_YEAR
from dashboard.store.database import Batch, Store

SEED = 20180101
LABEL = "voorbeelddata (fictief)"


@dataclass(frozen=True)
class SampleData:
    """Generated units, campaign figures, per-shop votes and shopping areas."""

    units: pd.DataFrame
    campaign: pd.DataFrame
    votes: pd.DataFrame
    areas: pd.DataFrame


def places(province: str = PROVINCE_NIS_CODE) -> list[unit_sample.Place]:
    """The province's municipalities (2018 geography: the sample inventories predate the 2025 mergers;
    West-Vlaanderen's 64)."""
    frame = regions.region(province).municipalities("2018")
    return [unit_sample.Place(r.nis_code, r.name_nl, r.main_postcode, r.lat, r.lon, int(r.population_2018),
                              bool(r.is_centrumstad), bool(r.is_coastal)) for r in frame.itertuples()]


def _provinces(province: str | None) -> list[str]:
    """The provinces to fill: the one asked (None: ``KERNMONITOR_PROVINCE``), or all five for 02000."""
    region = regions.region(province)
    return [code for code in regions.REGION_CODES if code != regions.FLANDERS_NIS_CODE] if region.is_flanders \
        else [region.nis_code]


def generate_units(*, scale: float = 1.0, seed: int = SEED, province: str | None = None,
                   first_year: int = SAMPLE_FIRST_YEAR) -> pd.DataFrame:
    """Yearly inventories (1 January ``first_year``–2024; by default from 2015) of every municipality
    of the province (or of Flanders); see `units`. An earlier ``first_year`` starts the history
    there (`check_first_year`), so the later years differ from those of the default sample too."""
    years = range(check_first_year(first_year), SAMPLE_LAST_YEAR + 1)
    return pd.concat([_province_units(code, scale, seed, years) for code in _provinces(province)], ignore_index=True)


def check_first_year(first_year: int) -> int:
    """``first_year`` if a sample can start then (`SAMPLE_EARLIEST_YEAR` to `SAMPLE_FIRST_YEAR`: never
    later, as the campaign's editions need the inventories before them), else a `ValueError` saying so
    in Dutch."""
    if not SAMPLE_EARLIEST_YEAR <= first_year <= SAMPLE_FIRST_YEAR:
        raise ValueError(f"De voorbeelddata beginnen in een jaar van {SAMPLE_EARLIEST_YEAR} tot {SAMPLE_FIRST_YEAR}, "
                         f"niet in {first_year}.")
    return first_year


def _province_units(province: str, scale: float, seed: int, years: range) -> pd.DataFrame:
    west = province == PROVINCE_NIS_CODE
    rng = np.random.default_rng(seed if west else [seed, int(province)])  # West-Vlaanderen's as it always was
    all_places = places(province)
    total = targets.PROVINCE_OUTLETS_2021 if west else targets.outlets_2021_elsewhere(
        sum(place.population for place in all_places))
    outlets = unit_sample.outlet_counts(all_places, years, rng, scale, outlets_2021=total)
    vacant = unit_sample.vacancy_counts(outlets, rng, published=west)
    frames = [
        unit_sample.simulate(place, outlets.loc[place.nis_code], vacant.loc[place.nis_code],
                             np.random.default_rng([seed, int(place.nis_code)]))
        for place in all_places
    ]
    return pd.concat(frames, ignore_index=True)


def generate(*, scale: float = 1.0, seed: int = SEED, province: str | None = None,
             first_year: int = SAMPLE_FIRST_YEAR) -> SampleData:
    """All sample data of a province or Flanders (None: ``KERNMONITOR_PROVINCE``) from ``first_year``.
    The same scale, seed, province and first year always give the same rows; campaign figures and
    votes only for West-Vlaanderen."""
    from dashboard.sample.areas import generate_areas  # geopandas: only when generating
    units = generate_units(scale=scale, seed=seed, province=province, first_year=first_year)
    areas = generate_areas(units, places(regions.region(province).nis_code))
    west = units[units["nis_code"].isin(regions.region(PROVINCE_NIS_CODE).codes("2018"))]
    if west.empty:
        return SampleData(units, pd.DataFrame(), pd.DataFrame(), areas)
    campaign, votes = generate_campaign(west if len(west) < len(units) else units, seed=seed)
    return SampleData(units, campaign, votes, areas)


def fingerprint(*, scale: float, seed: int, province: str = PROVINCE_NIS_CODE,
                first_year: int = SAMPLE_FIRST_YEAR) -> str:
    """The SHA-256 a sample batch records in place of a file checksum."""
    return hashlib.sha256(f"kernmonitor-sample:scale={scale}:seed={seed}{_options(province, first_year, ':')}"
                          .encode()).hexdigest()


def _options(province: str, first_year: int, sep: str) -> str:
    """What differs from the default sample, as the fingerprint and the batch's note say it.

    >>> _options("30000", 2015, " "), _options("02000", 2005, " ")
    ('', ' province=02000 first_year=2005')
    """
    where = "" if province == PROVINCE_NIS_CODE else f"{sep}province={province}"
    return where + ("" if first_year == SAMPLE_FIRST_YEAR else f"{sep}first_year={first_year}")


class RealDataPresent(RuntimeError):
    """The store holds imported data, which sample data must never mix with."""


def seed_store(store: Store, *, scale: float = 1.0, seed: int = SEED, province: str | None = None,
               first_year: int = SAMPLE_FIRST_YEAR) -> list[int]:
    """Fill a store with sample data of a province or Flanders (None: ``KERNMONITOR_PROVINCE``) from
    ``first_year`` (`generate`): a batch each of units, campaign figures, votes and shopping areas
    (campaign and votes only where there are any), flagged as sample.

    Earlier sample batches are rolled back first, so seeding twice replaces the sample. A store
    with imported data is refused (`RealDataPresent`).
    """
    history = store.batches()
    active = history[history["status"] == "active"]
    if (~active["is_sample"].astype(bool)).any():
        raise RealDataPresent("De databank bevat geïmporteerde gegevens; voorbeelddata worden er niet bij gezet.")
    code = regions.region(province).nis_code
    data = generate(scale=scale, seed=seed, province=code, first_year=first_year)
    digest = fingerprint(scale=scale, seed=seed, province=code, first_year=first_year)
    note = f"scale={scale} seed={seed}{_options(code, first_year, ' ')}"
    for batch_id in active["batch_id"]:
        store.rollback_batch(int(batch_id))
    return [
        store.add_batch(Batch(kind=kind, file_name=f"{LABEL}: {kind}", imported_by="kernmonitor seed",
                              is_sample=True, sha256=digest, note=note), rows)
        for kind, rows in (("units", data.units), ("campaign", data.campaign), ("votes", data.votes),
                           ("areas", data.areas))
        if kind == "units" or len(rows)
    ]
