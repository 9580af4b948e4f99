"""The content of an EFRO progress report for a period: numbers, sentences and provenance.

Built once from the stored data and then written as PDF (`dashboard.report.pdf`) or Excel
(`dashboard.report.xlsx`), so both say exactly the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.campaign import REACH_FIGURES, takes_part, unique_enterprises
from analysis.geography import latest_on_or_before
from analysis.inventories import PlacedUnits
from analysis.kerncijfers import added_up
from dashboard import regions, settings
from dashboard.i18n import DATE_FORMAT, SUPPRESSED, format_date, format_pct, format_pp, suppressed_note
from dashboard.regions import Region
from dashboard.registry import marked
from dashboard.settings import PROVINCE_NIS_CODE
from dashboard.tables.indicators import (
    KERNCIJFER_TABLE_COLUMNS,
    campaign_table,
    kerncijfers_table,
    mix_table,
    placed_units,
    region_rows,
    vacancy_table,
)
from dashboard.tables.town import peer_rate

#: The start of EFRO project KraK West; the baseline is the last inventory on or before it.
PROJECT_START = pd.Timestamp("2016-09-01")
#: A reporting period for the EFRO e-loket is four months.
PERIOD_MONTHS = 4
#: What every page of a report made from sample data says, so it is never handed in.
SAMPLE_MARK = "VOORBEELDDATA (FICTIEF) – niet indienen"
RATE_COLUMNS = ["vacancy_rate_units", "vacancy_rate_floor", "long_term_vacancy_share"]


@dataclass
class ReportData:
    """Everything a report shows."""

    start: pd.Timestamp
    end: pd.Timestamp
    baseline: pd.Timestamp
    created: pd.Timestamp
    data_version: int
    municipalities: dict[str, str]
    vacancy: pd.DataFrame  # one row per municipality (and the province): now, baseline, previous period
    trends: pd.DataFrame  # vacancy_table rows of the chosen municipalities up to the end
    mix: pd.DataFrame
    outputs: pd.DataFrame  # EFRO output indicators
    provenance: pd.DataFrame
    campaign: pd.DataFrame = field(default_factory=pd.DataFrame)  # reach per chosen municipality and edition
    sentences: list[str] = field(default_factory=list)
    units: pd.DataFrame | None = None  # the latest inventory of each chosen municipality, for maps
    is_sample: bool = False  # made from sample data: every page says so, so it is never handed in
    kerncijfers: pd.DataFrame = field(default_factory=pd.DataFrame)  # core figures: the province, then each town
    small_numbers_note: str = ""  # what "x" means, when a value is left out as a small number
    region_code: str = PROVINCE_NIS_CODE  # the province (or Flanders, 02000) the towns are compared with

    @property
    def is_empty(self) -> bool:
        return self.vacancy.empty


def default_period(today: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The last four whole months before ``today``."""
    end = today.normalize().replace(day=1) - pd.Timedelta(days=1)
    start = (end.replace(day=1) - pd.DateOffset(months=PERIOD_MONTHS - 1)).normalize()
    return start, end


def partners(geography: str = "2025", region: Region | str | None = None) -> list[str]:
    """The KraK West partner municipalities in the region (none outside West-Vlaanderen)."""
    places = regions.region(region).municipalities(geography)
    return places.loc[places["is_krakwest_partner"], "nis_code"].tolist()


def default_municipalities(geography: str = "2025", region: Region | str | None = None) -> list[str]:
    """What a report starts with: the KraK West partners in the region, else (outside
    West-Vlaanderen, which has none) the region's largest centrumsteden (`Region.largest_towns`)."""
    return partners(geography, region) or regions.region(region).largest_towns(geography)


def _peers(municipal: pd.DataFrame, day: pd.Timestamp, geography: str, region: Region) -> pd.DataFrame:
    """Per municipality (index ``nis_code``): its peer group and the group's pooled vacancy by units
    at ``day`` (`dashboard.tables.town.peer_rate`), and its own units vacant for a year or more
    (what its action list holds)."""
    latest = latest_on_or_before(municipal, day)
    rows = {}
    for row in latest.itertuples():
        group, rate = peer_rate(latest, row.nis_code, geography=geography, region=region)
        rows[row.nis_code] = {"peer_group": group, "vacancy_rate_units_peers": rate,
                              "units_vacant_year_or_more": row.units_vacant_long_term + row.units_vacant_structural}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("nis_code")


def _at(table: pd.DataFrame, day: pd.Timestamp, suffix: str) -> pd.DataFrame:
    """Each area's latest inventory on or before ``day``: its rates with ``suffix``."""
    rows = latest_on_or_before(table, day).set_index("nis_code")
    return rows[["observed_on", *RATE_COLUMNS, "units_total", "units_vacant"]].add_suffix(suffix)


def build_report(units: pd.DataFrame, campaign: pd.DataFrame, votes: pd.DataFrame, batches: pd.DataFrame, *,
                 start: pd.Timestamp, end: pd.Timestamp, municipalities: list[str] | None = None,
                 baseline: pd.Timestamp = PROJECT_START, created: pd.Timestamp, data_version: int = 0,
                 geography: str = "2025", region: Region | str | None = None) -> ReportData:
    """Assemble a report for ``start``–``end`` over ``municipalities`` (default: `default_municipalities`), each
    beside the region (a province or Flanders; None: ``KERNMONITOR_PROVINCE``)."""
    region = regions.region(region)
    codes = municipalities or default_municipalities(geography, region)
    names = {code: regions.municipality_names(geography).get(code, code) for code in codes}
    placed = placed_units(units, geography, region) if len(units) else units  # placed once for every table
    until = _until(placed, end)
    every_municipality = vacancy_table(placed, geography=geography, region=region)
    municipal = every_municipality[every_municipality["nis_code"].isin(codes)]
    province = vacancy_table(placed, level="province", geography=geography, municipal=every_municipality, region=region)
    both = pd.concat([municipal, province])
    vacancy = _at(both, end, "").join(_at(both, baseline, "_baseline")).join(_at(both, start - pd.Timedelta(days=1),
                                                                              "_previous"))
    vacancy = vacancy.join(_peers(every_municipality, end, geography, region)).reset_index()
    # The region's row is named as of the end of the period (with how many municipalities it rests on).
    named = latest_on_or_before(province, end)["municipality"]
    vacancy.insert(1, "municipality", vacancy["nis_code"].map({**names, region.nis_code: named.iloc[0] if len(named)
                                                               else region.name}))
    # The region first, then the municipalities by name.
    vacancy = vacancy.assign(_order=vacancy["nis_code"].ne(region.nis_code)).sort_values(["_order", "municipality"]) \
        .drop(columns="_order").reset_index(drop=True)
    vacancy["change_since_baseline"] = vacancy["vacancy_rate_units"] - vacancy["vacancy_rate_units_baseline"]
    vacancy["change_since_previous"] = vacancy["vacancy_rate_units"] - vacancy["vacancy_rate_units_previous"]
    # No inventory in the period: the same inventory twice is no change, it is no measurement.
    vacancy["has_new_inventory"] = vacancy["observed_on"] != vacancy["observed_on_previous"]
    vacancy.loc[~vacancy["has_new_inventory"], "change_since_previous"] = float("nan")
    trends = municipal[pd.to_datetime(municipal["observed_on"]) <= end]
    mix = mix_table(until, geography=geography, region=region) \
        if len(units) else pd.DataFrame(columns=["nis_code", "year", "observed_on"])
    mix = latest_on_or_before(mix[mix["nis_code"].isin(codes)])
    latest = latest_on_or_before(placed.units[placed.units["nis_code"].isin(codes)], end) if len(units) else units
    data = ReportData(start=start, end=end, baseline=baseline, created=created, data_version=data_version,
                      municipalities=names, vacancy=vacancy, trends=trends, mix=mix,
                      outputs=efro_outputs(campaign, votes, placed, end=end, geography=geography, region=region),
                      provenance=provenance(batches, end=end), units=latest, is_sample=shows_sample(batches),
                      region_code=region.nis_code)
    data.kerncijfers = report_kerncijfers(until, codes, end=end, geography=geography, region=region)
    if len(campaign):
        reach = campaign_table(campaign, placed, geography=geography, region=region)
        data.campaign = reach[reach["nis_code"].isin(codes) & (reach["edition"] <= end.year)].reset_index(drop=True)
    _leave_out_small_numbers(data)
    data.sentences = sentences(data.vacancy)
    return data


def _until(placed: PlacedUnits | pd.DataFrame, end: pd.Timestamp) -> PlacedUnits | pd.DataFrame:
    """The placed units of the inventories up to ``end``: ``placed`` itself when none is later (no copy of
    millions of rows), else those rows (placed already)."""
    frame = placed.units if isinstance(placed, PlacedUnits) else placed
    if frame.empty or pd.Timestamp(frame["observed_on"].max()) <= end:
        return placed
    return frame[pd.to_datetime(frame["observed_on"]) <= end]


def _leave_out_small_numbers(data: ReportData) -> None:
    """The small-numbers rule (``KERNMONITOR_DISCLOSURE_MIN``) on every table of the report: "x" where
    it leaves a value out (`dashboard.registry.marked`), and the note that says what "x" means."""
    if not settings.disclosure_min():
        return
    for name in ("vacancy", "trends", "mix", "kerncijfers", "campaign"):
        table = marked(getattr(data, name))
        setattr(data, name, table)
        if table.isin([SUPPRESSED]).to_numpy().any():
            data.small_numbers_note = suppressed_note(settings.disclosure_min())


def report_kerncijfers(units: pd.DataFrame | PlacedUnits, codes: list[str], *, end: pd.Timestamp, geography: str,
                       region: Region | str | None = None) -> pd.DataFrame:
    """The core figures (`dashboard.tables.indicators.kerncijfers_table`) of each chosen municipality's
    latest inventory on or before ``end``, after the region's of the latest year up to ``end`` (the
    municipalities with an inventory in that year together, named by `region_rows`). Inventories after
    ``end`` do not count, not even as the latest of their year."""
    if (units.units if isinstance(units, PlacedUnits) else units).empty:
        return pd.DataFrame(columns=KERNCIJFER_TABLE_COLUMNS)
    region = regions.region(region)
    municipal = kerncijfers_table(_until(units, end), geography=geography, region=region)
    if municipal.empty:
        return pd.DataFrame(columns=KERNCIJFER_TABLE_COLUMNS)
    province = region_rows(added_up(municipal).tail(1), region, geography, municipal[["nis_code", "year"]])
    towns = latest_on_or_before(municipal[municipal["nis_code"].isin(codes)]).sort_values("municipality")
    return pd.concat([province, towns], ignore_index=True)[KERNCIJFER_TABLE_COLUMNS]


def shows_sample(batches: pd.DataFrame) -> bool:
    """Whether the active data are sample data (they are never mixed with real data)."""
    if batches.empty or "is_sample" not in batches:
        return False
    return bool(batches.loc[batches["status"] == "active", "is_sample"].astype(bool).any())


def efro_outputs(campaign: pd.DataFrame, votes: pd.DataFrame, units: pd.DataFrame | PlacedUnits, *, end: pd.Timestamp,
                 geography: str, region: Region | str | None = None) -> pd.DataFrame:
    """The EFRO output indicators of all editions up to the end of the period, with definitions."""
    reach = campaign_table(campaign, units, geography=geography, region=region) if len(campaign) else pd.DataFrame(
        columns=["edition", "nis_code", *REACH_FIGURES])
    reach = reach[reach["edition"] <= end.year]
    taking_part = takes_part(reach)
    done_votes = votes[votes["edition"] <= end.year] if len(votes) else votes
    rows = [
        ("CO01/CO04", "Ondernemingen bereikt", unique_enterprises(done_votes) if len(done_votes) else 0,
         "Unieke ondernemingen: per ondernemingsnummer, anders per gemeente en genormaliseerde winkelnaam."),
        ("", "Deelnemende gemeenten", int(reach.loc[taking_part, "nis_code"].nunique()),
         "Gemeenten met minstens één campagnecijfer boven 0."),
        ("", "Deelnemende winkels", int(reach["participating_shops"].fillna(0).sum()), "Som over de edities."),
        ("", "Uitgedeelde tassen", int(reach["bags_distributed"].fillna(0).sum()), "Som over de edities."),
        ("", "Uitgebrachte stemmen", int(reach["votes_cast"].fillna(0).sum()), "Som over de edities."),
        ("", "Ambassadeurs", int(reach["ambassadors"].fillna(0).sum()), "Som over de edities."),
    ]
    return pd.DataFrame(rows, columns=["Code", "Indicator", "Waarde", "Definitie"])


def provenance(batches: pd.DataFrame, *, end: pd.Timestamp) -> pd.DataFrame:
    """Every active batch used: file, date, rows and the first 12 characters of its SHA-256."""
    if batches.empty:
        return pd.DataFrame(columns=["Batch", "Bestand", "Geïmporteerd", "Rijen", "SHA-256"])
    used = batches[batches["status"] == "active"].sort_values("batch_id")
    return pd.DataFrame({
        "Batch": used["batch_id"].astype(int), "Bestand": used["file_name"],
        "Geïmporteerd": pd.to_datetime(used["imported_at"], utc=True).dt.strftime(DATE_FORMAT),
        "Rijen": used["rows_imported"].astype(int), "SHA-256": used["sha256"].str[:12],
    }).reset_index(drop=True)


def sentences(vacancy: pd.DataFrame) -> list[str]:
    """Plain Dutch sentences on what improved and what worsened since the baseline."""
    lines = []
    for row in vacancy.itertuples():
        change = row.change_since_baseline
        if SUPPRESSED in (row.vacancy_rate_units, row.vacancy_rate_units_baseline, change):
            lines.append(f"{row.municipality}: leegstand {format_pct(row.vacancy_rate_units)} op "
                         f"{format_date(row.observed_on)} (x: een klein aantal panden, niet getoond).")
            continue
        if pd.isna(change):
            lines.append(f"{row.municipality}: leegstand {format_pct(row.vacancy_rate_units)} op "
                         f"{format_date(row.observed_on)}; geen inventaris bij de basislijn.")
            continue
        verb = "daalde" if change < 0 else "steeg" if change > 0 else "bleef gelijk op"
        lines.append(f"{row.municipality}: de leegstand {verb} van {format_pct(row.vacancy_rate_units_baseline)} "
                     f"naar {format_pct(row.vacancy_rate_units)} ({format_pp(change)} sinds de basislijn).")
    return lines
