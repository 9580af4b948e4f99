"""The entries of the indicator registry (`dashboard.registry`): each indicator column once, with its
Dutch label, explanation, unit, direction, bands, definition and source.

Only data lives here; `dashboard.registry` looks entries up, derives the per-group and
vitality-component ones, and formats values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis import kerncijfers, quality, vacancy, vitality
from dashboard.i18n import format_pct

UNITS = ("fraction", "pp", "count", "m2", "days", "years", "per_1000", "index", "ratio", "eur", "date", "year", "flag",
         "text")
#: How the Methodologie page names each unit.
UNIT_LABELS = {"fraction": "aandeel (%)", "pp": "procentpunten", "count": "aantal", "m2": "m²", "days": "dagen",
               "years": "jaren", "per_1000": "per 1.000 inwoners", "index": "index", "ratio": "quotiënt",
               "eur": "euro", "date": "datum", "year": "jaar", "flag": "ja/nee", "text": "tekst"}
#: Decimals shown per unit, unless an indicator says otherwise.
DECIMALS = {"fraction": 1, "pp": 1, "count": 0, "m2": 0, "days": 0, "years": 1, "per_1000": 1, "index": 1,
            "ratio": 2, "eur": 2}


@dataclass(frozen=True)
class Indicator:
    """One indicator column.

    ``better`` is "lower", "higher" or None (neither: a count, a date); ``bands`` the upper bounds
    of the bands below the last, with their names (the vacancy band: ≤ 8 % gezond, ≤ 12 % verhoogd,
    else kritiek).
    """

    column: str
    label: str
    unit: str
    explanation: str = ""
    definition: str = ""
    better: str | None = None
    bands: tuple[tuple[float, str], ...] = ()
    source: str = "Kernmonitor, uit de geïmporteerde inventarissen"
    decimals: int | None = None
    axis_title: str | None = None  # where a chart's axis says more than the table header
    #: The counts of premises the value rests on, for the small-numbers rule (`analysis.disclosure`):
    #: expressions of columns ("units_vacant", "retail_share * units_mix_known"); empty when the rule
    #: does not cover the value. Filled in from `NUMERATORS` by `entries`.
    numerator: tuple[str, ...] = ()

    @property
    def shown_decimals(self) -> int:
        return self.decimals if self.decimals is not None else DECIMALS.get(self.unit, 0)


_CAMPAIGN = "campagnecijfers van de steden (Ik koop lokaal)"
_STATBEL = "Statbel, bevolking op 1 januari"
_PINC = "kerncijfer {code} van Provincies in Cijfers (github.com/provinciesincijfers/PinC-taakopvolging/issues/390)"
#: How a figure per 1.000 inhabitants picks its population (`analysis.kerncijfers.nearest_population`).
_PER_1000 = ("/ inwoners × 1.000; inwoners op 1 januari van het jaar met bevolkingscijfers (2018 of 2020) dat het "
             "dichtst bij het inventarisjaar ligt, bij gelijke afstand het vroegste")


def _kern(column: str, *, people: bool = False) -> str:
    """The source of a core figure: the inventories, its Provincies in Cijfers code, and Statbel for ``people``."""
    code = kerncijfers.PINC_CODES.get(column)
    parts = ["Kernmonitor, uit de geïmporteerde inventarissen", *([_PINC.format(code=code)] if code else []),
             *([_STATBEL] if people else [])]
    return "; ".join(parts)


_VACANCY_BANDS = ((vacancy.HEALTHY_MAX, "gezond"), (vacancy.ELEVATED_MAX, "verhoogd"), (1.0, "kritiek"))


def entries() -> list[Indicator]:
    """Every registered indicator, in the order the Methodologie page lists them, with its numerator."""
    return [replace(entry, numerator=NUMERATORS.get(entry.column, ())) for entry in _entries()]


def _entries() -> list[Indicator]:
    long_days, structural_days = vacancy.LONG_TERM_DAYS, vacancy.STRUCTURAL_DAYS
    return [
        # Where and when.
        Indicator("nis_code", "NIS-code", "text", "De code van de gemeente (Statbel)."),
        Indicator("municipality", "Gemeente", "text"),
        Indicator("observed_on", "Peildatum", "date", "De datum van de inventaris."),
        Indicator("year", "Jaar", "year"),
        Indicator("edition", "Editie", "year", "Het jaar van de campagne-editie."),
        Indicator("core_id", "Kern", "text"), Indicator("core_name", "Kern", "text"),
        Indicator("shopping_area", "Winkelgebied", "text"),
        # Declared shopping areas (`analysis.areas`): labels as the import knows the columns.
        Indicator("area_id", "Winkelgebied-id", "text", "De id van het winkelgebied in de lijst (Locatus)."),
        Indicator("area_name", "Naam winkelgebied", "text"),
        Indicator("area_type", "Type winkelgebied", "text",
                  "Het type van Locatus (Binnenstad, Kernverzorgend centrum klein …); 'buiten winkelgebied': de "
                  "verkooppunten in geen enkel winkelgebied."),
        Indicator("main_type", "Hoofdtype", "text", "Centraal, ondersteunend of overig (Locatus)."),
        Indicator("location", "Ligging", "text", "Hoe de lijst het gebied geeft: een veelhoek of een punt."),
        Indicator("area_ha", "Oppervlakte gebied (ha)", "count", "De oppervlakte van het gebied volgens de lijst.",
                  decimals=1),
        Indicator("units_by_name", "Via naam", "count",
                  "Verkooppunten die de inventaris bij naam in dit winkelgebied zet (kolom winkelgebied).",
                  "de naam in de kolom winkelgebied van de inventaris is die van het gebied (hoofdletters, accenten, "
                  "leestekens en Sint/St. tellen niet), in dezelfde gemeente"),
        Indicator("units_by_polygon", "Via veelhoek", "count",
                  "Verkooppunten zonder (gekende) naam die binnen de veelhoek van het gebied liggen.",
                  "de coördinaten liggen in de veelhoek (de rand telt mee); in overlappende gebieden het kleinste"),
        Indicator("units_by_point", "Via punt", "count",
                  "Verkooppunten die het dichtst bij het punt van een gebied zonder veelhoek liggen.",
                  "het dichtstbijzijnde gebied dat alleen een punt heeft, binnen de afstand van de instelling "
                  "AREA_POINT_DISTANCE_M (standaard 250 m, in Lambert 72)"),
        Indicator("areas", "Winkelgebieden", "count", "Hoeveel winkelgebieden van dit type verkooppunten hebben."),
        Indicator("units_in_area", "In een winkelgebied", "count",
                  "Verkooppunten van de kern die in een aangegeven winkelgebied liggen."),
        Indicator("share_in_area", "Aandeel in een winkelgebied", "fraction",
                  "Welk deel van de verkooppunten van de kern in een aangegeven winkelgebied ligt.",
                  "verkooppunten van de kern in een winkelgebied / verkooppunten van de kern"),
        Indicator("main_area_name", "Vooral in winkelgebied", "text",
                  "Het winkelgebied met de meeste verkooppunten van de kern."),
        # Vacancy.
        Indicator("units_total", "Verkooppunten", "count",
                  "Alle verkooppunten, bezet en leeg (zonder ATM en brandstof).",
                  "verkooppunten van de inventaris, zonder ATM en brandstof"),
        Indicator("units_vacant", "Leegstaande panden", "count", "Leegstaande verkooppunten.", better="lower"),
        Indicator("vacancy_rate_units", "Leegstand (panden)", "fraction",
                  "Welk deel van de verkooppunten leeg staat.",
                  "leegstaande verkooppunten / verkooppunten (zonder ATM en brandstof)", "lower", _VACANCY_BANDS),
        Indicator("floor_area_total_m2", "Winkelvloeroppervlakte (m²)", "m2",
                  "De gekende winkelvloeroppervlakte van alle verkooppunten."),
        Indicator("floor_area_vacant_m2", "Leegstaande oppervlakte (m²)", "m2", better="lower"),
        Indicator("vacancy_rate_floor", "Leegstand (oppervlakte)", "fraction",
                  "Welk deel van de gekende winkelvloeroppervlakte leeg staat.",
                  "leegstaande winkelvloeroppervlakte / gekende oppervlakte; onbekend is nooit 0", "lower"),
        Indicator("floor_area_coverage", "Oppervlakte gekend", "fraction",
                  "Voor welk deel van de verkooppunten de oppervlakte gekend is.", better="higher"),
        Indicator("vacancy_rate_floor_excl_largest3", "Leegstand (oppervlakte, zonder de 3 grootste)", "fraction",
                  "De leegstand naar oppervlakte zonder de drie grootste leegstaande panden.",
                  f"idem, zonder de {vacancy.LARGEST_VACANT_LEFT_OUT} grootste leegstaande panden (zoals de monitor "
                  "van Groningen)", "lower"),
        Indicator("units_vacant_dated", "Leegstaand met gekende duur", "count"),
        Indicator("units_vacant_frictional", "Frictieleegstand (< 1 jaar)", "count",
                  definition=f"leegstaande panden met gekende duur < {long_days} dagen"),
        Indicator("units_vacant_long_term", "Langdurig leeg (1–3 jaar)", "count",
                  definition=f"leegstaande panden met gekende duur van {long_days} tot {structural_days} dagen"),
        Indicator("units_vacant_structural", "Structureel leeg (≥ 3 jaar)", "count",
                  definition=f"leegstaande panden met gekende duur ≥ {structural_days} dagen"),
        Indicator("long_term_vacancy_share", "Langdurige leegstand", "fraction",
                  "Welk deel van de leegstaande panden (met gekende duur) minstens een jaar leeg staat.",
                  f"aandeel leegstaande panden met gekende duur dat ≥ {long_days} dagen leeg staat", "lower"),
        Indicator("structural_vacancy_share", "Structurele leegstand", "fraction",
                  "Welk deel van de leegstaande panden (met gekende duur) minstens drie jaar leeg staat.",
                  f"idem, ≥ {structural_days} dagen (3 jaar)", "lower"),
        Indicator("median_vacancy_days", "Mediane duur (dagen)", "days",
                  "Hoe lang de helft van de leegstaande panden (met gekende duur) minstens leeg staat.",
                  better="lower"),
        Indicator("vacancy_band", "Beoordeling", "text", "De leegstand (panden) naast de drempels.",
                  f"gezond ≤ {format_pct(vacancy.HEALTHY_MAX, 0)}, verhoogd tot {format_pct(vacancy.ELEVATED_MAX, 0)}, "
                  "daarboven kritiek (UNIZO: 6–8 % is gezond)"),
        Indicator("vacancy_rate_units_change", "Verschil (pp)", "pp",
                  "Het verschil met de inventaris ervoor, in procentpunten.", better="lower"),
        Indicator("vacancy_rate_units_baseline", "Leegstand bij de basislijn", "fraction", better="lower"),
        Indicator("change_since_baseline", "Verschil sinds basislijn", "pp", better="lower"),
        Indicator("change_since_previous", "Verschil sinds vorige periode", "pp", better="lower"),
        # Flows between inventories.
        Indicator("observed_on_before", "Vorige peildatum", "date"),
        Indicator("units_before", "Verkooppunten ervoor", "count"),
        Indicator("units_after", "Verkooppunten erna", "count"),
        Indicator("new_vacancies", "Nieuwe leegstand", "count", "Panden die bezet waren en nu leeg staan.",
                  "tussen opeenvolgende inventarissen, per pand: bezet → leeg", "lower"),
        Indicator("reoccupations", "Opnieuw in gebruik", "count", "Panden die leeg stonden en nu bezet zijn.",
                  "per pand: leeg → bezet", "higher"),
        Indicator("openings", "Openingen", "count", "Verkooppunten die er de vorige keer niet waren.",
                  "verkooppunten(t1) = verkooppunten(t0) + openingen − sluitingen"),
        Indicator("closures", "Sluitingen", "count", "Verkooppunten die er nu niet meer zijn."),
        Indicator("units_followed_by_id", "Gevolgd op pand-id", "count"),
        Indicator("units_followed_by_address", "Gevolgd op adres", "count"),
        Indicator("is_balanced", "Stromen kloppen", "flag"),
        # Quality.
        Indicator("is_small_sample", f"Minder dan {quality.MIN_UNITS} panden", "flag",
                  definition=f"vlag bij < {quality.MIN_UNITS} verkooppunten"),
        Indicator("is_low_area_coverage", "Oppervlakte onvolledig", "flag",
                  definition=f"oppervlakte gekend voor < {format_pct(quality.MIN_AREA_COVERAGE, 0)} van de panden"),
        Indicator("is_possibly_incomplete", "Inventaris mogelijk onvolledig", "flag",
                  definition=f"< {format_pct(quality.MIN_COMPLETENESS, 0)} van de panden van de vorige inventaris"),
        Indicator("is_register_only", "Alleen een register", "flag",
                  definition="alleen leegstaande panden: geen leegstandspercentage"),
        Indicator("notes", "Let op", "text"),
        # Shop mix.
        Indicator("units_mix_known", "Verkooppunten met gekende groep", "count"),
        Indicator("shannon_diversity", "Diversiteit (Shannon)", "index",
                  "Hoe gevarieerd het aanbod is: hoger is gevarieerder.",
                  "over bezette verkooppunten met gekende groep: H = −Σ p ln p", "higher", decimals=2),
        Indicator("evenness", "Gelijkmatigheid", "index", "Hoe gelijk de groepen verdeeld zijn (0–1).",
                  "H / ln k", "higher", decimals=2),
        Indicator("retail_share", "Aandeel detailhandel", "fraction"),
        Indicator("daily_share", "Aandeel dagelijkse goederen", "fraction"),
        Indicator("non_daily_share", "Aandeel niet-dagelijkse goederen", "fraction"),
        Indicator("horeca_share", "Aandeel horeca", "fraction"),
        Indicator("services_share", "Aandeel diensten", "fraction"),
        Indicator("chain_share", "Aandeel filialen", "fraction",
                  "Welk deel van de bezette verkooppunten een filiaal is."),
        Indicator("units_chain", "Filialen", "count",
                  "Bezette verkooppunten die een filiaal van een keten zijn (de teller van het aandeel filialen)."),
        Indicator("location_quotient", "Locatiequotiënt", "ratio",
                  "Het aandeel van een groep hier, gedeeld door het aandeel in de provincie (1 = even veel).",
                  "aandeel hier / aandeel in de provincie"),
        # Campaign.
        Indicator("participating_shops", "Deelnemende winkels", "count", source=_CAMPAIGN),
        Indicator("bags_distributed", "Uitgedeelde tassen", "count", source=_CAMPAIGN),
        Indicator("votes_cast", "Uitgebrachte stemmen", "count", source=_CAMPAIGN),
        Indicator("ambassadors", "Ambassadeurs", "count", source=_CAMPAIGN),
        Indicator("ambassador_candidates", "Kandidaat-ambassadeurs", "count", source=_CAMPAIGN),
        Indicator("events", "Acties", "count", source=_CAMPAIGN),
        Indicator("social_reach", "Bereik sociale media", "count", source=_CAMPAIGN),
        Indicator("budget_eur", "Budget (EUR)", "eur", source=_CAMPAIGN),
        Indicator("retail_units_occupied", "Bezette detailhandelspanden", "count"),
        Indicator("inventory_observed_on", "Peildatum van de inventaris", "date"),
        Indicator("population", "Inwoners", "count", source=_STATBEL),
        Indicator("population_year", "Jaar van de bevolking", "year", source=_STATBEL),
        Indicator("participation_rate", "Deelname", "fraction",
                  "Welk deel van de bezette detailhandelspanden meedoet aan de campagne.",
                  "deelnemende winkels / bezette detailhandelspanden van de laatste inventaris in of vóór het "
                  "editiejaar", "higher", axis_title="Deelname (aandeel van de winkels)"),
        Indicator("bags_per_1000", "Tassen per 1.000 inw.", "per_1000", definition="tassen / inwoners × 1.000",
                  better="higher", axis_title="Tassen per 1.000 inwoners"),
        Indicator("votes_per_1000", "Stemmen per 1.000 inw.", "per_1000", definition="stemmen / inwoners × 1.000",
                  better="higher", axis_title="Stemmen per 1.000 inwoners"),
        # Core figures of the provinces' set (`analysis.kerncijfers`).
        Indicator("outlets_per_1000", "Verkooppunten per 1.000 inw.", "per_1000",
                  "Alle verkooppunten, bezet en leeg (zonder ATM en brandstof), per 1.000 inwoners.",
                  f"verkooppunten {_PER_1000}", source=_kern("outlets_per_1000", people=True)),
        Indicator("shops_per_1000", "Winkels per 1.000 inw.", "per_1000",
                  "Bezette winkels (detailhandel, groepen 11–38) per 1.000 inwoners.",
                  f"bezette verkooppunten van de groepen 11, 22, 35, 37 en 38 {_PER_1000}",
                  source=_kern("shops_per_1000", people=True)),
        Indicator("shop_floor_area_m2", "Winkelvloeroppervlakte winkels (m²)", "m2",
                  "De gekende winkelvloeroppervlakte van de bezette winkels."),
        Indicator("shops_area_unknown", "Winkels zonder oppervlakte", "count",
                  "Bezette winkels waarvan de oppervlakte onbekend is.", better="lower"),
        Indicator("shop_floor_area_per_1000", "Winkelvloeroppervlakte per 1.000 inw. (m²)", "per_1000",
                  "De winkelvloer van de bezette winkels per 1.000 inwoners, als die van elke winkel gekend is.",
                  f"oppervlakte van de bezette winkels (m²) {_PER_1000}; onbekend zodra een winkel geen oppervlakte "
                  "heeft (onbekend telt nooit als 0)", decimals=0,
                  source=_kern("shop_floor_area_per_1000", people=True)),
        Indicator("horeca_units_occupied", "Horecazaken", "count", "Bezette verkooppunten van groep 59 (horeca).",
                  "bezette verkooppunten van Locatus-groep 59; tot 2022 telt Locatus daar ook cultuur en ontspanning "
                  "bij, sinds 2023 zijn die groep 58 (geen horeca): een breuk in de reeks"),
        Indicator("horeca_per_1000", "Horecazaken per 1.000 inw.", "per_1000",
                  "Bezette horecazaken (groep 59) per 1.000 inwoners.", f"horecazaken {_PER_1000}",
                  source=_kern("horeca_per_1000", people=True)),
        Indicator("horeca_floor_area_m2", "Oppervlakte horeca (m²)", "m2",
                  "De gekende vloeroppervlakte van de bezette horecazaken."),
        Indicator("horeca_area_unknown", "Horecazaken zonder oppervlakte", "count",
                  "Bezette horecazaken waarvan de oppervlakte onbekend is.", better="lower"),
        Indicator("horeca_floor_area_per_1000", "Oppervlakte horeca per 1.000 inw. (m²)", "per_1000",
                  "De vloeroppervlakte van de horecazaken per 1.000 inwoners, als die van elke horecazaak gekend is.",
                  f"oppervlakte van de horecazaken (m²) {_PER_1000}; onbekend zodra een horecazaak geen "
                  "oppervlakte heeft",
                  decimals=0, source=_kern("horeca_floor_area_per_1000", people=True)),
        Indicator("units_vacant_former_shop", "Leeg, voorheen winkel", "count",
                  "Leegstaande panden die een winkel waren in de laatste inventaris waarin ze bezet waren.",
                  "leegstaande verkooppunten met groep 11–38 in de laatste vorige inventaris waarin ze bezet waren "
                  "(zelfde pand-id, zelfde gemeente)", "lower"),
        Indicator("units_vacant_former_use_unknown", "Leeg, vroeger gebruik onbekend", "count",
                  "Leegstaande panden die in geen vorige inventaris bezet waren (of met onbekende groep)."),
        Indicator("vacancy_rate_former_shop", "Leegstand voorheen winkel", "fraction",
                  "Welk deel van de verkooppunten leeg staat en voorheen een winkel was.",
                  "leeg, voorheen winkel / (verkooppunten − leeg met onbekend vroeger gebruik); onbekend als van "
                  "geen enkel leegstaand pand het vroegere gebruik gekend is", "lower",
                  source=_kern("vacancy_rate_former_shop")),
        Indicator("frictional_vacancy_share", "Aanvangs- en frictieleegstand", "fraction",
                  "Welk deel van de leegstaande panden (met gekende duur) minder dan een jaar leeg staat.",
                  f"leegstaande panden met gekende duur < {long_days} dagen op de peildatum / leegstaande panden met "
                  "gekende duur; panden in verbouwing tellen mee als leegstand, want 'in verbouwing' wordt bij de "
                  "import 'leeg' (er is geen aparte status)", source=_kern("frictional_vacancy_share")),
        Indicator("shops_chain", "Formulewinkels", "count", "Bezette winkels die een filiaal van een keten zijn."),
        Indicator("shops_chain_unknown", "Winkels met onbekende ketenvlag", "count",
                  "Bezette winkels waarvan niet gekend is of ze een filiaal zijn."),
        Indicator("shop_chain_share", "Aandeel formulewinkels", "fraction",
                  "Welk deel van de bezette winkels een filiaal van een keten (formule) is.",
                  "formulewinkels / bezette winkels waarvan gekend is of ze een filiaal zijn",
                  source=_kern("shop_chain_share")),
        Indicator("daily_units_occupied", "Winkels dagelijkse goederen", "count", "Bezette winkels van groep 11."),
        # Vitality.
        Indicator("vitality_index", "Vitaliteitsindex (0–100)", "index",
                  "Een samenvatting van leegstand, duur, mix, trend en deelname: hoger is beter.",
                  "gewogen gemiddelde van percentielrangen in de provincie: "
                  + ", ".join(f"{name} {weight:g}" for name, weight in vitality.DEFAULT_WEIGHTS.items()), "higher"),
        Indicator("vacancy_rate_change_3y", "Verschil in 3 jaar", "pp", better="lower"),
        Indicator("units_vacant_3y_before", "Leegstaande panden 3 jaar eerder", "count"),
        Indicator("peer_group", "Vergelijkbare gemeenten", "text",
                  "Centrumsteden, of gemeenten van dezelfde grootte (inwoners)."),
        Indicator("vacancy_rate_units_peers", "Leegstand bij vergelijkbare gemeenten", "fraction",
                  "De leegstand (panden) van de vergelijkbare gemeenten samen.", better="lower"),
        Indicator("units_vacant_year_or_more", "Minstens een jaar leeg", "count",
                  "Leegstaande panden die minstens een jaar leeg staan: de actielijst.", better="lower"),
        Indicator("rank_in_peer_group", "Plaats bij vergelijkbare gemeenten", "count", better="lower"),
        Indicator("rank_in_province", "Plaats in de provincie", "count", better="lower"),
        # What a unit's row says (tables of premises, votes and registers).
        Indicator("unit_id", "Pand-id", "text"),
        Indicator("address", "Adres", "text"),
        Indicator("street", "Straat", "text"),
        Indicator("house_number", "Huisnummer", "text"),
        Indicator("name", "Handelsnaam", "text"),
        Indicator("group", "Groep", "text"),
        Indicator("status", "Status", "text"),
        Indicator("floor_area_m2", "Oppervlakte (m²)", "m2"),
        Indicator("vacant_since", "Leeg sinds", "date"),
        Indicator("shop_name", "Winkel", "text"),
        Indicator("votes", "Stemmen", "count"),
        Indicator("winner", "Ambassadeur", "flag"),
        Indicator("last_occupied_name", "Handelsnaam voor de leegstand", "text",
                  "De handelsnaam in de laatste inventaris waarin het pand bezet was."),
        Indicator("last_occupied_group", "Laatste groep", "text",
                  "De groep van het pand in de laatste inventaris waarin het bezet was."),
        Indicator("years_vacant", "Jaren leeg", "years", better="lower"),
        Indicator("match", "Vergelijking", "text"),
        Indicator("rank", "Plaats", "count"),
    ]


#: Columns per group ("location_quotient_11"): the entry of their stem.


# The small-numbers rule (`analysis.disclosure`, setting KERNMONITOR_DISCLOSURE_MIN) covers what
# Kernmonitor counts from the inventories: counts of premises and the rates, shares, figures per
# 1.000 inhabitants and floor areas that rest on them. Figures others publish themselves (the
# campaign's, Statbel's population), ranks, indices of the whole province and flags are not covered.

#: Counts of premises: each rests on itself.
COUNTS_OF_PREMISES = (
    "units_total", "units_vacant", "units_vacant_dated", "units_vacant_frictional", "units_vacant_long_term",
    "units_vacant_structural", "units_before", "units_after", "new_vacancies", "reoccupations", "openings",
    "closures", "units_followed_by_id", "units_followed_by_address", "units_mix_known", "units_chain",
    "retail_units_occupied", "shops_area_unknown", "horeca_units_occupied", "horeca_area_unknown",
    "units_vacant_former_shop", "units_vacant_former_use_unknown", "shops_chain", "shops_chain_unknown",
    "daily_units_occupied", "units_vacant_year_or_more", "units_vacant_3y_before")
_RETAIL_IN_MIX = "retail_share * units_mix_known"  # the mix table has shares of its units, not counts
#: What each other covered value rests on: its numerator, the units behind an area, or for a share of
#: the mix (whose table has no counts per group) the share times its base. A value whose table has
#: none of its counts is shown as "x" whenever the rule is on.
NUMERATORS = {
    **{column: (column,) for column in COUNTS_OF_PREMISES},
    "vacancy_rate_units": ("units_vacant",),
    "vacancy_band": ("units_vacant",),
    "vacancy_rate_units_change": ("units_vacant",),
    "vacancy_rate_change_3y": ("units_vacant", "units_vacant_3y_before"),
    "floor_area_total_m2": ("units_total * floor_area_coverage",),  # the units whose area is known
    "floor_area_coverage": ("units_total * floor_area_coverage",),
    "floor_area_vacant_m2": ("units_vacant",),
    "vacancy_rate_floor": ("units_vacant",),
    "vacancy_rate_floor_excl_largest3": (f"units_vacant - {vacancy.LARGEST_VACANT_LEFT_OUT}",),
    "long_term_vacancy_share": ("units_vacant_long_term + units_vacant_structural",),
    "structural_vacancy_share": ("units_vacant_structural",),
    "median_vacancy_days": ("units_vacant_dated",),
    "vacancy_rate_units_baseline": ("units_vacant_baseline",),
    "change_since_baseline": ("units_vacant", "units_vacant_baseline"),
    "change_since_previous": ("units_vacant", "units_vacant_previous"),
    "shannon_diversity": ("units_mix_known",),
    "evenness": ("units_mix_known",),
    "retail_share": (_RETAIL_IN_MIX,),
    "daily_share": ("daily_units_occupied", f"daily_share * {_RETAIL_IN_MIX}"),
    "non_daily_share": ("retail_units_occupied - daily_units_occupied", f"non_daily_share * {_RETAIL_IN_MIX}"),
    "horeca_share": ("horeca_share * units_mix_known",),
    "services_share": ("services_share * units_mix_known",),
    "chain_share": ("units_chain",),
    "outlets_per_1000": ("units_total",),
    "shops_per_1000": ("retail_units_occupied",),
    "shop_floor_area_m2": ("retail_units_occupied - shops_area_unknown",),
    "shop_floor_area_per_1000": ("retail_units_occupied",),
    "horeca_per_1000": ("horeca_units_occupied",),
    "horeca_floor_area_m2": ("horeca_units_occupied - horeca_area_unknown",),
    "horeca_floor_area_per_1000": ("horeca_units_occupied",),
    "vacancy_rate_former_shop": ("units_vacant_former_shop",),
    "frictional_vacancy_share": ("units_vacant_frictional",),
    "shop_chain_share": ("shops_chain",),
}
#: A Locatus group's share, share of floor area and location quotient rest on the group's units.
GROUP_NUMERATOR = "share_units_{code} * units_mix_known"
