"""Deterministic sample data ("voorbeelddata (fictief)") calibrated to published figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.reference import municipalities
from dashboard.sample import units as unit_sample
from dashboard.sample.campaign import generate_campaign
from dashboard.settings import SAMPLE_FIRST_YEAR, SAMPLE_LAST_YEAR
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


def places() -> list[unit_sample.Place]:
    """The 64 municipalities (2018 geography: the sample inventories predate the 2025 mergers)."""
    frame = municipalities("2018")
    return [unit_sample.Place(r.nis_code, r.name_nl, r.main_postcode, r.lat, r.lon, int(r.population_2018),
                              bool(r.is_centrumstad), bool(r.is_coastal)) for r in frame.itertuples()]


def generate_units(*, scale: float = 1.0, seed: int = SEED) -> pd.DataFrame:
    """Yearly inventories (1 January 2015–2024) of every municipality; see `units`."""
    years = range(SAMPLE_FIRST_YEAR, SAMPLE_LAST_YEAR + 1)
    rng = np.random.default_rng(seed)
    all_places = places()
    outlets = unit_sample.outlet_counts(all_places, years, rng, scale)
    vacant = unit_sample.vacancy_counts(outlets, rng)
    frames = [
        unit_sample.simulate(place, outlets.loc[place.nis_code], vacant.loc[place.nis_code],
                             np.random.default_rng([seed, int(place.nis_code)]))
        for place in all_places
    ]
    return pd.concat(frames, ignore_index=True)


def generate(*, scale: float = 1.0, seed: int = SEED) -> SampleData:
    """All sample data. The same scale and seed always give the same rows."""
    from dashboard.sample.areas import generate_areas  # geopandas: only when generating
    units = generate_units(scale=scale, seed=seed)
    campaign, votes = generate_campaign(units, seed=seed)
    return SampleData(units, campaign, votes, generate_areas(units, places()))


def fingerprint(*, scale: float, seed: int) -> str:
    """The SHA-256 a sample batch records in place of a file checksum."""
    return hashlib.sha256(f"kernmonitor-sample:scale={scale}:seed={seed}".encode()).hexdigest()


class RealDataPresent(RuntimeError):
    """The store holds imported data, which sample data must never mix with."""


def seed_store(store: Store, *, scale: float = 1.0, seed: int = SEED) -> list[int]:
    """Fill a store with sample data: four batches (units, campaign, votes, areas), flagged as sample.

    Earlier sample batches are rolled back first, so seeding twice replaces the sample. A store
    with imported data is refused (`RealDataPresent`).
    """
    history = store.batches()
    active = history[history["status"] == "active"]
    if (~active["is_sample"].astype(bool)).any():
        raise RealDataPresent("De databank bevat geïmporteerde gegevens; voorbeelddata worden er niet bij gezet.")
    data = generate(scale=scale, seed=seed)
    digest = fingerprint(scale=scale, seed=seed)
    for batch_id in active["batch_id"]:
        store.rollback_batch(int(batch_id))
    return [
        store.add_batch(Batch(kind=kind, file_name=f"{LABEL}: {kind}", imported_by="kernmonitor seed",
                              is_sample=True, sha256=digest, note=f"scale={scale} seed={seed}"), rows)
        for kind, rows in (("units", data.units), ("campaign", data.campaign), ("votes", data.votes),
                           ("areas", data.areas))
    ]
