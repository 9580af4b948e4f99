"""Sample commercial units: yearly inventories that hit the published vacancy figures exactly.

Each municipality gets a core of named streets around its real centre and one arterial road.
Year by year some units close, new ones open, vacant units are re-let and occupied ones fall
empty, so durations and flows are realistic; the number of vacant outlets per municipality and
year is fixed beforehand (`vacancy_counts`) so that the real indicator code reproduces the
published rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.reference import locatus_groups
from dashboard.sample import names, targets

# Share of occupied outlets per group in the core and along the arterial road.
CORE_MIX = {"11": .14, "22": .17, "35": .05, "37": .07, "38": .03, "59": .28, "65": .26}
ARTERIAL_MIX = {"11": .20, "22": .08, "35": .08, "37": .35, "38": .04, "59": .12, "65": .13}
COASTAL_SHIFT = {"59": .08, "65": -.05, "37": -.03}
# Median floor area (m²) and log-spread per group; the arterial road has three times larger units.
FLOOR_AREA = {"11": (120, .8), "22": (110, .6), "35": (140, .7), "37": (280, .8), "38": (90, .6),
              "59": (100, .6), "65": (70, .5), "45": (350, .6), "80": (4, .3)}
CHAIN_SHARE = {"11": .30, "22": .40, "35": .25, "37": .35, "38": .10, "59": .08, "65": .25,
               "45": .50, "80": 1.0}
NON_OUTLET_SHARE = {"45": .02, "80": .008}  # of outlets; never vacant
ARTERIAL_SHARE = 0.15
CLOSURE_RATE = 0.012
# Yearly chance that a vacant unit is re-let: vacant under a year, up to three years, longer.
RELET_CHANCE = (0.50, 0.35, 0.20)
MISSING_AREA_SHARE = 0.06
UNDATED_SPELL_SHARE = 0.10
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Place:
    """One municipality as the generator needs it."""

    nis_code: str
    name: str
    postcode: str
    lat: float
    lon: float
    population: int
    is_centrumstad: bool
    is_coastal: bool


def outlet_counts(places: list[Place], years: range, rng: np.random.Generator, scale: float,
                  outlets_2021: int = targets.PROVINCE_OUTLETS_2021) -> pd.DataFrame:
    """Outlets per municipality and year (index nis_code, columns years).

    About 24 per 1,000 inhabitants, more in the centrumsteden (×1.7) and at the coast (×1.6),
    fewer in villages under 8,000 inhabitants (×0.75); the 2021 total is ``outlets_2021`` × scale
    (West-Vlaanderen's: Locatus' 28,505). Each municipality drifts by about −0.4 % a year.
    """
    density = np.array([
        (1.7 if p.is_centrumstad else 1.0) * (1.6 if p.is_coastal else 1.0) * (0.75 if p.population < 8000 else 1.0)
        for p in places]) * rng.lognormal(0, 0.1, len(places))
    weights = np.array([p.population for p in places]) * density
    base = targets.largest_remainder(round(outlets_2021 * scale), weights)
    growth = rng.normal(-0.004, 0.004, len(places))
    counts = {year: np.where(year == 2021, base, np.round(base * np.exp(growth * (year - 2021))).astype(int))
              for year in years}
    return pd.DataFrame(counts, index=[p.nis_code for p in places])


def vacancy_counts(outlets: pd.DataFrame, rng: np.random.Generator, *, published: bool = True) -> pd.DataFrame:
    """Vacant outlets per municipality and year, so that province and published municipal
    rates come out exactly (up to rounding to whole units).

    Municipalities with published figures follow their path; the others share the rest of the
    province's vacant units in proportion to a stable personal level (±2.5 pp) with yearly noise.
    Without ``published`` (a province other than West-Vlaanderen, which has no published figures
    here) every municipality is of the others and the province follows West-Vlaanderen's path
    (`targets.province_rates`).
    """
    years = range(outlets.columns.min(), outlets.columns.max() + 1)
    province = targets.province_rates(years)
    fixed = targets.municipal_rates(years) if published else {}
    level = rng.normal(0, 0.025, len(outlets))
    counts = pd.DataFrame(0, index=outlets.index, columns=outlets.columns)
    free = ~outlets.index.isin(list(fixed))
    for year in years:
        for code, path in fixed.items():
            counts.loc[code, year] = round(path[year] * outlets.loc[code, year])
        total = round(province[year] * outlets[year].sum())
        rest = total - counts.loc[~free, year].sum()
        raw = np.clip(province[year] + level[free] + rng.normal(0, 0.006, free.sum()), 0.02, 0.25)
        counts.loc[free, year] = targets.largest_remainder(rest, raw * outlets.loc[free, year].to_numpy())
    return counts


class _Streets:
    """Street geometry of one municipality: where the next unit on a street goes."""

    def __init__(self, place: Place, rng: np.random.Generator, n_units: int):
        n_core = int(np.clip(round(n_units / 90), 3, len(names.CORE_STREETS)))
        self.names = list(names.CORE_STREETS[:n_core]) + [names.ARTERIAL_STREET]
        angles = np.linspace(0, 2 * math.pi, n_core, endpoint=False) + rng.uniform(0, 0.4, n_core)
        starts = np.r_[np.zeros(min(n_core, 6)), rng.uniform(150, 500, max(n_core - 6, 0))]
        self.direction = np.c_[np.cos(np.r_[angles, rng.uniform(0, 2 * math.pi)]),
                               np.sin(np.r_[angles, rng.uniform(0, 2 * math.pi)])]
        self.start = np.r_[starts, rng.uniform(1200, 2000)]
        self.weights = 1 / np.sqrt(np.arange(1, n_core + 1))
        self.next_number = np.ones(n_core + 1, dtype=int)
        # House numbers a street will reach (numbers step by 1.5 on average, plus openings);
        # units spread over the street's length whatever the scale, so cores stay compact.
        expected = n_units * np.r_[(1 - ARTERIAL_SHARE) * self.weights / self.weights.sum(), ARTERIAL_SHARE]
        self.capacity = 2.4 * expected + 20
        self.length = np.minimum(np.r_[np.full(n_core, 4.0), 10.0] * self.capacity,
                                 np.r_[np.full(n_core, 1500.0), 2500.0])
        self.place = place

    @property
    def arterial(self) -> int:
        return len(self.names) - 1

    def place_units(self, rng: np.random.Generator, n: int) -> pd.DataFrame:
        """Addresses and coordinates for n new units: ``ARTERIAL_SHARE`` on the arterial road."""
        on_arterial = rng.random(n) < ARTERIAL_SHARE
        core = rng.choice(self.arterial, size=n, p=self.weights / self.weights.sum())
        street = np.where(on_arterial, self.arterial, core)
        number = np.empty(n, dtype=int)
        for i, s in enumerate(street):
            number[i] = self.next_number[s]
            self.next_number[s] += int(rng.integers(1, 3))
        along = self.start[street] + self.length[street] * number / self.capacity[street]
        side = np.where(number % 2 == 1, 7.0, -7.0)
        dx, dy = self.direction[street, 0], self.direction[street, 1]
        x = along * dx - side * dy + rng.normal(0, 1.5, n)
        y = along * dy + side * dx + rng.normal(0, 1.5, n)
        lat = self.place.lat + y / METRES_PER_DEGREE
        lon = self.place.lon + x / (METRES_PER_DEGREE * math.cos(math.radians(self.place.lat)))
        area = np.where(on_arterial, f"{self.place.name} steenweg", f"{self.place.name} centrum")
        return pd.DataFrame({
            "street": np.array(self.names, dtype=object)[street], "house_number": number.astype(str),
            "lat": lat.round(6), "lon": lon.round(6), "shopping_area": area, "on_arterial": on_arterial,
        })


def simulate(place: Place, outlets: pd.Series, vacant: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """All inventories of one municipality: ``outlets[year]`` outlets of which ``vacant[year]``
    vacant on 1 January of each year, with closures, openings, re-lets and new vacancies between."""
    years = list(outlets.index)
    streets = _Streets(place, rng, int(outlets.iloc[0]))
    snapshots = []
    state = pd.DataFrame()
    for k, year in enumerate(years):
        day = pd.Timestamp(year, 1, 1)
        if k == 0:
            state = _initial(place, streets, rng, int(outlets[year]))
        else:
            state = _close_and_open(state, place, streets, rng, int(outlets[year]), day)
            state = _relet(state, place, rng, day)
        state = _match_vacancy(state, place, rng, int(vacant[year]), day, first=k == 0)
        snapshots.append(state.assign(observed_on=day))
    return _as_units(pd.concat(snapshots, ignore_index=True), place)


def _initial(place: Place, streets: _Streets, rng: np.random.Generator, n_outlets: int) -> pd.DataFrame:
    outlets = _new_units(place, streets, rng, n_outlets, serial_from=0)
    extra = {group: int(round(share * n_outlets)) for group, share in NON_OUTLET_SHARE.items()}
    others = [_new_units(place, streets, rng, n, serial_from=0, group=group) for group, n in extra.items()]
    state = pd.concat([outlets, *others], ignore_index=True)
    state["serial"] = np.arange(len(state))
    return state


def _new_units(place: Place, streets: _Streets, rng: np.random.Generator, n: int, *,
               serial_from: int, group: str | None = None) -> pd.DataFrame:
    units = streets.place_units(rng, n)
    units["serial"] = np.arange(serial_from, serial_from + n)
    units["is_outlet"] = group is None
    units["status"] = "occupied"
    units["spell_start"] = pd.NaT
    units["spell_dated"] = False
    for column in ("group_code", "chain", "name"):
        units[column] = pd.Series([None] * n, dtype=object)
    units = _occupy(units, np.ones(n, dtype=bool), place, rng, group=group)
    first_group = units["group_code"].to_numpy()
    median = np.array([FLOOR_AREA[g][0] for g in first_group]) * np.where(units["on_arterial"], 3.0, 1.0)
    spread = np.array([FLOOR_AREA[g][1] for g in first_group])
    area = np.round(median * np.exp(rng.normal(0, 1, n) * spread)).clip(1)
    units["floor_area_m2"] = np.where(rng.random(n) < MISSING_AREA_SHARE, np.nan, area)
    return units


def _occupy(state: pd.DataFrame, mask: np.ndarray, place: Place, rng: np.random.Generator, *,
            group: str | None = None) -> pd.DataFrame:
    """Put a new occupant (group, chain, name) into the units selected by mask."""
    n = int(mask.sum())
    if n == 0:
        return state
    arterial = state.loc[mask, "on_arterial"].to_numpy()
    if group is None:
        groups = np.where(arterial, _draw(rng, ARTERIAL_MIX, n), _draw(rng, _core_mix(place), n))
    else:
        groups = np.full(n, group, dtype=object)
    boost = (1.3 if place.is_centrumstad else 0.7 if place.population < 8000 else 1.0)
    chain_p = np.array([CHAIN_SHARE[g] for g in groups]) * np.where(arterial, 1.6, boost)
    chains = rng.random(n) < chain_p
    state.loc[mask, "group_code"] = groups
    state.loc[mask, "chain"] = chains
    state.loc[mask, "name"] = names.trade_names(rng, groups, chains)
    state.loc[mask, "status"] = "occupied"
    state.loc[mask, "spell_start"] = pd.NaT
    return state


def _core_mix(place: Place) -> dict[str, float]:
    if not place.is_coastal:
        return CORE_MIX
    return {g: share + COASTAL_SHIFT.get(g, 0.0) for g, share in CORE_MIX.items()}


def _draw(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    shares = np.array(list(mix.values()))
    return rng.choice(np.array(list(mix), dtype=object), size=n, p=shares / shares.sum())


def _vacancy_days(state: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    return (day - state["spell_start"]).dt.days.fillna(-1).to_numpy()


def _close_and_open(state: pd.DataFrame, place: Place, streets: _Streets, rng: np.random.Generator,
                    n_outlets: int, day: pd.Timestamp) -> pd.DataFrame:
    """Close some outlets (long-vacant ones most often), then open new ones up to n_outlets."""
    outlet_index = state.index[state["is_outlet"]]
    n_close = int(rng.binomial(len(outlet_index), CLOSURE_RATE))
    n_close = max(n_close, len(outlet_index) - n_outlets)
    if n_close:
        long_vacant = _vacancy_days(state.loc[outlet_index], day) > 730
        weights = 1 + 4 * long_vacant
        closed = rng.choice(outlet_index, size=n_close, replace=False, p=weights / weights.sum())
        state = state.drop(closed)
    n_open = n_outlets - int(state["is_outlet"].sum())
    if n_open > 0:
        opened = _new_units(place, streets, rng, n_open, serial_from=int(state["serial"].max()) + 1)
        state = pd.concat([state, opened], ignore_index=True)
    return state.reset_index(drop=True)


def _relet(state: pd.DataFrame, place: Place, rng: np.random.Generator, day: pd.Timestamp) -> pd.DataFrame:
    """Re-let vacant units with the yearly chances of `RELET_CHANCE`."""
    days = _vacancy_days(state, day)
    chance = np.select([days < 365, days < 1095], RELET_CHANCE[:2], default=RELET_CHANCE[2])
    mask = (state["status"] == "vacant").to_numpy() & (rng.random(len(state)) < chance)
    return _occupy(state, mask, place, rng)


def _match_vacancy(state: pd.DataFrame, place: Place, rng: np.random.Generator, target: int,
                   day: pd.Timestamp, *, first: bool) -> pd.DataFrame:
    """Re-let or vacate units until exactly ``target`` outlets stand vacant on ``day``."""
    vacant = (state["status"] == "vacant").to_numpy()
    surplus = int(vacant.sum()) - target
    if surplus > 0:
        mask = np.zeros(len(state), dtype=bool)
        mask[rng.choice(np.flatnonzero(vacant), size=surplus, replace=False)] = True
        return _occupy(state, mask, place, rng)
    if surplus == 0:
        return state
    candidates = state.index[state["is_outlet"] & (state["status"] == "occupied")]
    area = state.loc[candidates, "floor_area_m2"].fillna(100).to_numpy()
    # Small units fall empty a little more often (vacancy by floor area runs below that by units).
    weights = area ** -0.15 * np.where(state.loc[candidates, "chain"].astype(bool), 0.7, 1.0)
    chosen = rng.choice(candidates, size=-surplus, replace=False, p=weights / weights.sum())
    n = len(chosen)
    # The first inventory inherits vacancies of all ages; later ones start since the last inventory.
    age = rng.exponential(550, n) + 1 if first else rng.uniform(1, 365, n)
    state.loc[chosen, "status"] = "vacant"
    state.loc[chosen, "group_code"] = "00"
    state.loc[chosen, ["name", "chain"]] = None
    state.loc[chosen, "spell_start"] = day - pd.to_timedelta(np.floor(np.minimum(age, 5000)), unit="D")
    state.loc[chosen, "spell_dated"] = rng.random(n) >= UNDATED_SPELL_SHARE
    return state


def _as_units(history: pd.DataFrame, place: Place) -> pd.DataFrame:
    labels = locatus_groups().set_index("group_code")["label"]
    vacant = history["status"] == "vacant"
    return pd.DataFrame({
        "unit_id": [f"{place.nis_code}-{serial:06d}" for serial in history["serial"]],
        "nis_code": place.nis_code,
        "municipality": place.name,
        "postcode": place.postcode,
        "street": history["street"],
        "house_number": history["house_number"],
        "name": history["name"].where(~vacant),
        "category": history["group_code"].map(labels),
        "group_code": history["group_code"],
        "status": history["status"],
        "floor_area_m2": history["floor_area_m2"],
        "vacant_since": history["spell_start"].where(vacant & history["spell_dated"].astype(bool)),
        "observed_on": history["observed_on"],
        "lat": history["lat"],
        "lon": history["lon"],
        "chain": history["chain"].where(~vacant),
        "shopping_area": history["shopping_area"],
    })
