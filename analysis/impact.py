"""Campaign impact: a difference in differences of the vacancy rate, with a bootstrap interval.

Definition follows ``DESIGN.md`` ("Indicators", campaign impact): the change of
``vacancy_rate_units`` between a year before and a year after a campaign edition, in the
participating municipalities minus that in the other municipalities, with a bootstrap 95 %
interval over municipalities. The result is an association, never proof: every result carries a
Dutch caveat that says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

#: Bootstrap replicates and seed of the default interval (the seed is the 2018 campaign's start).
DEFAULT_REPLICATES = 2000
DEFAULT_SEED = 20180101
DEFAULT_CONFIDENCE = 0.95
#: Fewest municipalities with a rate in both years that each group needs for an estimate.
MIN_GROUP_SIZE = 2

CAVEAT = ("Dit is een samenhang, geen bewijs: deelnemende gemeenten verschillen ook op andere punten van de "
          "andere, en andere oorzaken kunnen de leegstand tegelijk doen veranderen.")
TOO_FEW_CAVEAT = ("Te weinig gemeenten om te vergelijken: elke groep heeft minstens {minimum} gemeenten met een "
                  "leegstandscijfer in {before} en {after} nodig (nu {participants} deelnemende en {others} "
                  "andere).")


@dataclass(frozen=True)
class ImpactResult:
    """A difference-in-differences estimate of a campaign edition's association with vacancy.

    Rates and changes are fractions (−0.02 is 2 percentage points less vacancy). ``estimate``,
    ``ci_low`` and ``ci_high`` are missing when a group has fewer than ``MIN_GROUP_SIZE``
    municipalities; ``caveat`` then says so.
    """

    estimate: float
    ci_low: float
    ci_high: float
    n_participants: int
    n_others: int
    before_year: int
    after_year: int
    edition: int
    mean_change_participants: float
    mean_change_others: float
    caveat: str

    def as_frame(self) -> pd.DataFrame:
        """The result as a one-row DataFrame, one column per field.

        >>> ImpactResult(-0.02, -0.03, -0.01, 2, 2, 2017, 2019, 2018, -0.015, 0.005, CAVEAT).as_frame().shape
        (1, 11)
        """
        return pd.DataFrame([asdict(self)])


def campaign_impact(vacancy: pd.DataFrame, participants: Iterable[str], *, edition: int,
                    before_year: int | None = None, after_year: int | None = None,
                    replicates: int = DEFAULT_REPLICATES, seed: int = DEFAULT_SEED,
                    confidence: float = DEFAULT_CONFIDENCE) -> ImpactResult:
    """Difference in differences of ``vacancy_rate_units`` around a campaign edition.

    For each municipality *i* with a rate in both years, changeᵢ = rate(after_year) − rate(before_year).
    Then

        DiD = mean(changeᵢ | participants) − mean(changeᵢ | others)

    A negative DiD means vacancy fell more (or rose less) in the participating municipalities.
    The interval is a percentile bootstrap: each replicate resamples the municipalities with
    replacement within each group independently (``numpy.random.default_rng(seed)``) and
    recomputes the DiD; the bounds are the (1 − confidence)/2 and (1 + confidence)/2 quantiles of
    the replicates (2,5 and 97,5 % for 95 %). Municipalities are sorted by ``nis_code`` before
    resampling, so the row order of ``vacancy`` does not change the interval.

    Parameters
    ----------
    vacancy : DataFrame
        One row per municipality per year: ``nis_code`` (str), ``year`` (int) and
        ``vacancy_rate_units`` (fraction 0–1; missing means unknown).
    participants : iterable of str
        NIS codes of the municipalities that took part in the edition; every other municipality
        in ``vacancy`` is in the comparison group.
    edition : int
        The campaign edition (year).
    before_year, after_year : int, optional
        The years compared; by default ``edition − 1`` and ``edition + 1``.
    replicates : int
        Bootstrap replicates.
    seed : int
        Seed of the bootstrap's random generator: the same seed gives the same interval.
    confidence : float
        Coverage of the interval, between 0 and 1.

    Returns
    -------
    ImpactResult
        The estimate, its interval, group sizes and mean changes, and a Dutch caveat.

    Examples
    --------
    >>> vacancy = pd.DataFrame({
    ...     "nis_code": ["A", "A", "B", "B", "C", "C", "D", "D"],
    ...     "year": [2017, 2019] * 4,
    ...     "vacancy_rate_units": [0.10, 0.08, 0.12, 0.11, 0.09, 0.10, 0.11, 0.11]})
    >>> result = campaign_impact(vacancy, ["A", "B"], edition=2018)
    >>> round(result.mean_change_participants, 4), round(result.mean_change_others, 4)
    (-0.015, 0.005)
    >>> round(result.estimate, 4), result.n_participants, result.n_others
    (-0.02, 2, 2)
    >>> bool(result.ci_low <= result.estimate <= result.ci_high)
    True
    """
    before_year = edition - 1 if before_year is None else int(before_year)
    after_year = edition + 1 if after_year is None else int(after_year)
    if before_year >= after_year:
        raise ValueError(f"Het jaar vóór ({before_year}) moet vroeger zijn dan het jaar na ({after_year}).")
    if not 0 < confidence < 1:
        raise ValueError(f"Het betrouwbaarheidsniveau moet tussen 0 en 1 liggen (nu {confidence}), bv. 0.95.")
    if replicates < 1:
        raise ValueError(f"Het aantal bootstrapherhalingen moet minstens 1 zijn (nu {replicates}).")
    if isinstance(participants, str):
        participants = [participants]
    participating = {str(code) for code in participants}

    changes = _changes(vacancy, before_year, after_year)
    is_participant = changes.index.isin(participating)
    treated = changes[is_participant].to_numpy(dtype=float)
    control = changes[~is_participant].to_numpy(dtype=float)
    mean_treated = float(treated.mean()) if len(treated) else np.nan
    mean_control = float(control.mean()) if len(control) else np.nan
    common = dict(n_participants=len(treated), n_others=len(control), before_year=before_year,
                  after_year=after_year, edition=edition, mean_change_participants=mean_treated,
                  mean_change_others=mean_control)
    if min(len(treated), len(control)) < MIN_GROUP_SIZE:
        caveat = TOO_FEW_CAVEAT.format(minimum=MIN_GROUP_SIZE, before=before_year, after=after_year,
                                       participants=len(treated), others=len(control))
        return ImpactResult(estimate=np.nan, ci_low=np.nan, ci_high=np.nan, caveat=caveat, **common)

    rng = np.random.default_rng(seed)
    boot_treated = treated[rng.integers(0, len(treated), size=(replicates, len(treated)))].mean(axis=1)
    boot_control = control[rng.integers(0, len(control), size=(replicates, len(control)))].mean(axis=1)
    tail = (1 - confidence) / 2 * 100
    ci_low, ci_high = np.percentile(boot_treated - boot_control, [tail, 100 - tail])
    return ImpactResult(estimate=mean_treated - mean_control, ci_low=float(ci_low), ci_high=float(ci_high),
                        caveat=CAVEAT, **common)


def _changes(vacancy: pd.DataFrame, before_year: int, after_year: int) -> pd.Series:
    """rate(after_year) − rate(before_year) per ``nis_code`` (sorted), over municipalities with both rates."""
    frame = vacancy[["nis_code", "year", "vacancy_rate_units"]].copy()
    frame["nis_code"] = frame["nis_code"].astype(str)
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame["vacancy_rate_units"] = pd.to_numeric(frame["vacancy_rate_units"], errors="coerce").astype(float)
    frame = frame[frame["year"].isin([before_year, after_year]) & frame["vacancy_rate_units"].notna()]
    duplicated = frame.duplicated(["nis_code", "year"], keep=False)
    if duplicated.any():
        codes = ", ".join(sorted(frame.loc[duplicated, "nis_code"].unique())[:5])
        raise ValueError(f"Meer dan één leegstandscijfer per gemeente en jaar (bv. {codes}): "
                         "geef één rij per gemeente per jaar.")
    rates = frame.pivot(index="nis_code", columns="year", values="vacancy_rate_units")
    rates = rates.reindex(columns=[before_year, after_year]).dropna().sort_index()
    return rates[after_year] - rates[before_year]
