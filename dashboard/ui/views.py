"""Builders for what the pages show: KPI cards and display tables, as plain data.

Pages render these; tests check them without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.campaign import OTHER_FIGURES, latest_edition
from analysis.geography import latest_of_year
from dashboard import settings
from dashboard.i18n import BAND_LABELS, format_pp, suppressed_note
from dashboard.regions import Region
from dashboard.registry import LABELS, blanked, format_value, indicator, marked, shown, suppressed, suppressed_in


@dataclass(frozen=True)
class Kpi:
    """One KPI card: a label, the formatted value, the formatted change and an explanation.

    ``delta_description`` says against what the change is ("sinds 2023", "boven de provincie");
    ``delta_color`` is "inverse" where lower is better (vacancy), "normal" where higher is, and
    "off" for no change: a ±0,0 pp is neither good nor bad news.
    """

    label: str
    value: str
    delta: str | None
    help: str
    delta_description: str | None = None
    delta_color: str = "inverse"


def _delta(column: str, difference, description: str | None) -> dict:
    """A change in percentage points of ``column`` as a card shows it (see `Kpi`)."""
    if difference is None or pd.isna(difference):
        return {"delta": None, "delta_description": None}
    shown = format_pp(difference)
    still = shown.startswith("±")
    colour = "off" if still else ("normal" if indicator(column).better == "higher" else "inverse")
    return {"delta": shown, "delta_description": description, "delta_color": colour}


@dataclass(frozen=True)
class OverviewFilters:
    """The Overzicht page's widget values."""

    year: int
    geography: str


def province_kpis(province: pd.DataFrame, year: int) -> list[Kpi]:
    """Province KPIs for one inventory year, with the change against the inventory before."""
    rows = province.sort_values("year").reset_index(drop=True)
    current = rows[rows["year"] == year].iloc[0]
    before = rows[rows["year"] < year]
    previous = before.iloc[-1] if len(before) else None
    previous_label = f"t.o.v. {int(previous['year'])}" if previous is not None else "geen vorige inventaris"
    hidden = suppressed_in(current) | (suppressed_in(previous) if previous is not None else set())

    def card(column: str, extra: str = "", *, with_change: bool = True) -> Kpi:
        entry = indicator(column)
        difference = current[column] - previous[column] if previous is not None and with_change else None
        return Kpi(entry.label, shown(current, column), help=_help(entry.explanation, extra, column in hidden),
                   **_delta(column, None if column in hidden else difference,
                            f"sinds {int(previous['year'])}" if previous is not None else None))

    coverage = shown(current, "floor_area_coverage")
    return [
        card("vacancy_rate_units", f"{previous_label.capitalize()}."),
        card("vacancy_rate_floor", f"Oppervlakte gekend voor {coverage} van de panden; {previous_label}."),
        card("units_vacant", f"Van {shown(current, 'units_total')} verkooppunten.", with_change=False),
        card("long_term_vacancy_share", f"{previous_label.capitalize()}."),
    ]


def _help(explanation: str, extra: str, is_hidden: bool) -> str:
    """A card's help: what it means, what it rests on, and what "x" means when it shows one."""
    note = suppressed_note(settings.disclosure_min()) if is_hidden else ""
    return " ".join(part for part in (explanation, extra, note) if part)


def coverage_note(row: pd.Series, region: Region) -> str | None:
    """What a region's row of a year rests on when that is not all of its municipalities (its name then
    says "12 van 285 gemeenten", `dashboard.regions.Region.label`); None when it is all of them."""
    if row["municipality"] == region.name:
        return None
    return (f"Deze cijfers zijn die van {row['municipality']}: alleen de gemeenten met een inventaris in "
            f"{int(row['year'])} tellen mee, dus ze zeggen niets over heel {region.name}.")


def region_series(province: pd.DataFrame, region: Region) -> pd.DataFrame:
    """The region's rows as one line of a chart, under one name (`dashboard.regions.Region.series_name`): a
    name that changes with the number of municipalities would break the line into pieces."""
    return province.assign(municipality=region.series_name(province["municipality"]))


def town_kpis(row: pd.Series, compared: dict, region: Region | None = None) -> list[Kpi]:
    """The town's cards: its vacancy against its previous inventory, the province's and its peers'
    (each delta says which way the town lies: "+1,7 pp boven de provincie"), and long-term vacancy.

    ``row`` is the town's vacancy row, ``compared`` `dashboard.tables.town.comparison_kpis`. The
    second card is the ``region``'s (default: a province): "Provincie" or "Vlaanderen", with the number
    of municipalities its figure rests on when that is not all of them.
    """
    rate = "vacancy_rate_units"
    hidden = suppressed_in(row)
    kind, the_region = (region.kind, region.the_region) if region is not None else ("Provincie", "de provincie")
    label = compared.get("province_label")
    if region is not None and label and (part := region.part(label)):
        kind = f"{kind} ({part})"

    def against(whom: str, value: float) -> dict:
        if rate in hidden:  # the town's rate would follow from the difference
            return _delta(rate, None, None)
        difference = compared["town"] - value
        where = "boven" if round(difference, 3) > 0 else "onder" if round(difference, 3) < 0 else "gelijk aan"
        return _delta(rate, difference, f"{where} {whom}")  # the town's page: it is the town that lies there

    change = None if {rate, "vacancy_rate_units_change"} & hidden else row["vacancy_rate_units_change"]
    return [
        Kpi(LABELS[rate], shown(row, rate), help=_help(indicator(rate).explanation, "", rate in hidden),
            **_delta(rate, change, "sinds de vorige inventaris")),
        Kpi(kind, format_value(rate, compared["province"]), help=f"De leegstand (panden) van {label or the_region}.",
            **against(the_region, compared["province"])),
        Kpi("Vergelijkbare gemeenten", format_value(rate, compared["peers"]),
            help=f"De leegstand (panden) van de {compared['peer_group']} samen.",
            **against(f"de {compared['peer_group']}", compared["peers"])),
        Kpi(LABELS["long_term_vacancy_share"], shown(row, "long_term_vacancy_share"), None,
            _help(indicator("long_term_vacancy_share").explanation, "", "long_term_vacancy_share" in hidden)),
    ]


RANKING_COLUMNS = ["municipality", "vacancy_rate_units", "vacancy_rate_units_change", "vacancy_rate_floor",
                   "units_total", "units_vacant", "vacancy_band"]


def ranking_table(municipal: pd.DataFrame, year: int) -> pd.DataFrame:
    """Municipalities of one inventory year ranked from lowest to highest vacancy by units.

    Returns the numbers (fractions) with Dutch headers and a ``Rang`` index, so the table
    sorts correctly; `dashboard.registry.styled` formats it for the screen.
    """
    rows = _by_vacancy(municipal[municipal["year"] == year])
    bands = rows["vacancy_band"].map(lambda band: BAND_LABELS.get(band, band))  # "x" stays "x"
    table = rows[RANKING_COLUMNS].assign(vacancy_band=bands, notes=quality_notes(rows))
    table.index = pd.RangeIndex(1, len(table) + 1, name="Rang")
    return table.rename(columns=LABELS)


#: Short notes for the data-quality flags, shown beside a number that rests on thin data.
QUALITY_SHORT = {"is_small_sample": "minder dan 20 panden", "is_low_area_coverage": "oppervlakte onvolledig",
                 "is_possibly_incomplete": "inventaris mogelijk onvolledig",
                 "is_register_only": "register: alleen leegstaande panden (geen leegstandspercentage)"}


def quality_notes(rows: pd.DataFrame) -> pd.Series:
    """One text per row naming its quality flags ("" when none)."""
    flags = [flag for flag in QUALITY_SHORT if flag in rows]
    return rows[flags].apply(lambda row: "; ".join(QUALITY_SHORT[f] for f in flags if bool(row[f])), axis=1) \
        if flags and len(rows) else pd.Series("", index=rows.index, dtype=object)


def year_download(municipal: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every indicator of the municipalities' inventories of ``year``, in the ranking's order, under
    the registry's Dutch labels: what the Overzicht offers for download."""
    return _by_vacancy(municipal[municipal["year"] == year]).rename(columns=LABELS)


def _by_vacancy(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` from the lowest vacancy by units to the highest, small numbers marked "x" (`marked`).
    A rate left out sorts with the unknown ones, at the end: its place among the others would tell it."""
    order = blanked(rows)["vacancy_rate_units"]
    rows = rows.assign(_order=order).sort_values(["_order", "municipality"]).drop(columns="_order")
    return marked(rows.reset_index(drop=True))


#: What the province map can show.
MAP_INDICATORS = {column: LABELS[column] for column in ["vacancy_rate_units", "vacancy_rate_floor",
                                                        "long_term_vacancy_share", "shannon_diversity",
                                                        "vitality_index", "participation_rate"]}


def map_table(municipal: pd.DataFrame, mix: pd.DataFrame, year: int, indicator: str, *,
              vitality: pd.DataFrame | None = None, reach: pd.DataFrame | None = None) -> pd.DataFrame:
    """``nis_code``, ``units_total``, the indicator for each municipality's latest inventory of ``year``
    (participation: the latest edition up to ``year``) and ``is_suppressed``: the indicator is a small
    number left out (its value then empty, so the map draws no colour for it)."""
    rows = latest_of_year(municipal, year=year)
    if indicator in rows:
        return _without_small_numbers(rows, indicator)[["nis_code", "units_total", indicator, "is_suppressed"]] \
            .reset_index(drop=True)
    if indicator == "vitality_index":
        source = vitality if vitality is not None else pd.DataFrame(columns=["nis_code", indicator])
    elif indicator == "participation_rate":
        source = pd.DataFrame(columns=["nis_code", indicator]) if reach is None else (
            latest_edition(reach, year))
    else:
        source = mix[mix["year"] == year]
    source = _without_small_numbers(source, indicator)[["nis_code", indicator, "is_suppressed"]]
    table = rows[["nis_code", "units_total"]].merge(source, on="nis_code", how="left")
    return table.assign(is_suppressed=table["is_suppressed"].fillna(False).astype(bool)).reset_index(drop=True)


def _without_small_numbers(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """``rows`` with ``column`` empty where the small-numbers rule leaves it out, and ``is_suppressed``
    (other columns as they are: ``units_total`` sizes a symbol)."""
    hidden = suppressed(rows)[column].to_numpy(dtype=bool)
    return rows.assign(**{column: rows[column].where(~hidden), "is_suppressed": hidden})


REACH_HEADERS = {column: LABELS[column] for column in ["municipality", "edition", "participating_shops",
                                                       "participation_rate", "bags_per_1000", "votes_per_1000",
                                                       "ambassadors", *OTHER_FIGURES]}


def reach_table(reach: pd.DataFrame, edition: int) -> pd.DataFrame:
    """Reach of one edition with Dutch headers; rates stay fractions (the page formats them)."""
    rows = reach[reach["edition"] == edition].sort_values("municipality")
    return rows[list(REACH_HEADERS)].rename(columns=REACH_HEADERS).reset_index(drop=True)


def impact_sentence(result) -> str:
    """What the impact estimate allows one to say, in words: a difference only when the 95 %
    interval does not hold 0."""
    if pd.isna(result.ci_low) or pd.isna(result.ci_high):
        return "Er zijn te weinig gemeenten om een effect te schatten."
    interval = f"{format_pp(result.ci_low)} tot {format_pp(result.ci_high)}"
    period = f"van {result.before_year} tot {result.after_year}"
    if result.ci_low <= 0 <= result.ci_high:
        return (f"Geen meetbaar verschil: {period} veranderde de leegstand bij de deelnemende gemeenten niet "
                f"aantoonbaar anders dan bij de andere (het interval, {interval}, bevat 0).")
    way = "gunstiger" if result.ci_high < 0 else "ongunstiger"
    return (f"De leegstand veranderde {period} bij de deelnemende gemeenten {way} dan bij de andere: "
            f"{format_pp(result.estimate)} (95 %-interval {interval}). Dat is een samenhang, geen bewijs dat de "
            "campagne het verschil maakte.")


def impact_summary(result) -> list[Kpi]:
    """The impact estimate, its interval and the group sizes as KPI cards."""
    interval = f"{format_pp(result.ci_low)} tot {format_pp(result.ci_high)}"
    return [
        Kpi("Verschil in verschillen", format_pp(result.estimate), None,
            f"Verandering van de leegstand {result.before_year}→{result.after_year} bij deelnemers min die bij de "
            "andere gemeenten; negatief = de leegstand daalde relatief bij de deelnemers."),
        Kpi("95 %-interval", interval, None, "Bootstrap over gemeenten (2.000 trekkingen, vaste seed)."),
        Kpi("Gemeenten", f"{result.n_participants} deelnemers · {result.n_others} andere", None,
            "Alleen gemeenten met een inventaris in beide jaren tellen mee."),
    ]


COMPARE_INDICATORS = {column: LABELS[column] for column in ["vacancy_rate_units", "vacancy_rate_floor",
                                                            "long_term_vacancy_share"]}


def compare_table(picked: pd.DataFrame, year: int) -> pd.DataFrame:
    """The chosen municipalities' latest inventory of ``year``, side by side, with Dutch headers."""
    rows = marked(latest_of_year(picked, year=year))  # judged with every count, before some are dropped
    columns = ["municipality", "units_total", "units_vacant", *COMPARE_INDICATORS, "vacancy_band"]
    return rows.sort_values("municipality")[columns].rename(columns=LABELS).reset_index(drop=True)
