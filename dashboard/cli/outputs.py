"""Commands ``indicators``, ``map`` and ``report``: what comes out of the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.geography import assign_geography
from analysis.vacancy import SCOPES
from dashboard import reference, regions, registry, settings
from dashboard.cli import printing
from dashboard.cli.arguments import add_province, day
from dashboard.i18n import format_date, suppressed_note
from dashboard.report import content
from dashboard.settings import DEFAULT_GEOGRAPHY
from dashboard.store.database import Store
from dashboard.tables import composite
from dashboard.tables.indicators import (
    GEOGRAPHIES,
    LEVELS,
    TOPICS,
    campaign_table,
    kerncijfers_table,
    mix_table,
    vacancy_table,
)
from dashboard.tables.registers import register_summary, register_table
from dashboard.tables.town import town_units


def add_commands(commands, *, add_db) -> None:
    """Register ``indicators``, ``map`` and ``report``."""
    indicators = commands.add_parser("indicators", help="indicatoren als CSV of JSON")
    add_db(indicators)
    indicators.add_argument("--topic", choices=(*TOPICS, "areas"), default="vacancy",
                            help="leegstand, winkelmix, campagnebereik, vitaliteit, impact, register (de "
                                 "leegstandsregisters per pand naast de volledige inventaris van hetzelfde jaar), "
                                 "kerncijfers (de kerncijfers detailhandel van Provincies in Cijfers per gemeente en "
                                 "jaar) of areas (de geïmporteerde winkelgebieden: leegstand, stromen en mix; met "
                                 "--level shopping_area per gebied, province of municipality per type van gebied, core "
                                 "de afgeleide kernen met hun aandeel in een winkelgebied) (standaard leegstand)")
    indicators.add_argument("--level", choices=LEVELS, default="municipality",
                            help="gemeente, provincie, afgeleide kern of winkelgebied (de laatste twee: leegstand en "
                                 "areas; bij leegstand is het winkelgebied de kolom winkelgebied van de inventaris)")
    indicators.add_argument("--year", type=int, help="alleen de inventarissen (of campagne-editie) van dit jaar")
    indicators.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    add_province(indicators, "de gemeenten van welk gebied, en welk gebied met --level province")
    indicators.add_argument("--scope", choices=SCOPES, default="all",
                            help="alle verkooppunten (standaard) of alleen detailhandel (leegstand)")
    indicators.add_argument("--format", choices=("csv", "json"), default="csv")
    indicators.set_defaults(run=_indicators)
    drawn = commands.add_parser("map", help="schrijf de kaart van de verkooppunten van een gemeente als HTML")
    drawn.add_argument("nis_code", metavar="NIS")
    drawn.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    drawn.add_argument("--year", type=int, help="inventarisjaar (standaard het laatste)")
    drawn.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    add_db(drawn)
    drawn.set_defaults(run=_map)

    report = commands.add_parser("report", help="het EFRO-voortgangsrapport als PDF of Excel")
    report.add_argument("--from", dest="start", type=day, metavar="DATUM", help="begin (standaard: 4 maanden terug)")
    report.add_argument("--to", dest="end", type=day, metavar="DATUM", help="einde (standaard: einde vorige maand)")
    report.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
    report.add_argument("--out", type=Path, required=True, metavar="FILE")
    report.add_argument("--municipalities", metavar="NIS,...",
                        help="NIS-codes (standaard de KraK West-partners; in een gebied zonder: de centrumsteden en "
                             "grootste gemeenten)")
    report.add_argument("--baseline", type=day, metavar="DATUM", help="basislijn (standaard de projectstart)")
    report.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    add_province(report, "waarmee de gemeenten vergeleken worden")
    add_db(report)
    report.set_defaults(run=_report)


def _indicators(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.topic == "register" and args.level != "municipality":
        print("--topic register bestaat per gemeente: laat --level weg.", file=sys.stderr)
        return 2
    if args.topic not in ("vacancy", "areas") and args.level not in ("municipality", "province"):
        print(f"Het niveau {args.level} bestaat alleen voor leegstand; kies municipality of province.",
              file=sys.stderr)
        return 2
    if args.topic in ("vitality", "impact") and (args.year is None or args.level != "municipality"):
        print(f"--topic {args.topic} vraagt --year (het jaar, of de campagne-editie) en --level municipality.",
              file=sys.stderr)
        return 2
    table = _indicator_table(store, args)
    if args.topic == "register":
        _print_register_summary(table)
    hidden = registry.suppressed(table)
    if hidden.to_numpy().any():  # small numbers are "x" here too, said on stderr
        table = registry.marked(table)
        print(suppressed_note(settings.disclosure_min()), file=sys.stderr)
    for column in ("observed_on", "inventory_observed_on", "register_observed_on", "vacant_since"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m-%d")
    if args.format == "csv":
        printing.write_csv(table)
    else:
        records = json.loads(table.to_json(orient="records"))
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


def _indicator_table(store: Store, args: argparse.Namespace) -> pd.DataFrame:
    options = {"geography": args.geography, "region": regions.region(args.province)}  # None: KERNMONITOR_PROVINCE
    if args.topic == "areas":
        return _area_table(store, args)
    if args.topic == "vacancy":
        return vacancy_table(store.units(), level=args.level, year=args.year, scope=args.scope, **options)
    if args.topic == "mix":
        return mix_table(store.units(), level=args.level, year=args.year, **options)
    if args.topic == "kerncijfers":
        return kerncijfers_table(store.units(), level=args.level, year=args.year, **options)
    if args.topic == "campaign":
        return campaign_table(store.campaign(), store.units(), level=args.level, edition=args.year, **options)
    if args.topic == "vitality":
        return composite.vitality_table(store.units(), store.campaign(), year=args.year, **options)
    if args.topic == "register":
        return register_table(store.units(), store.registers(), year=args.year, **options)
    return composite.impact(store.units(), store.campaign(), edition=args.year, **options).as_frame()


def _area_table(store: Store, args: argparse.Namespace) -> pd.DataFrame:
    """``--topic areas``: per declared area, per type of area (province or municipality) or per core."""
    from dashboard.tables import areas  # geopandas: only for areas (see _map)

    declared = areas.current_areas(store.areas())
    if declared.empty:
        print("Geen winkelgebieden in de databank (importeer een lijst met --kind areas); alle verkooppunten "
              "liggen buiten winkelgebied.", file=sys.stderr)
    options = {"geography": args.geography, "year": args.year, "scope": args.scope}
    region = regions.region(args.province)  # None: KERNMONITOR_PROVINCE
    units = regions.in_region(store.units(), region, args.geography)
    if args.level == "shopping_area":
        return areas.area_table(units, declared, **options)
    if args.level == "core":
        return areas.core_table(units, declared, **options)
    return areas.type_table(units, declared, level=args.level, region=region, **options)


def _print_register_summary(table: pd.DataFrame) -> None:
    """Per register, on stderr: how many premises matched the inventory, and how many did not."""
    if table.empty:
        print("Geen leegstandsregisters in de databank (importeer er een met --inventory register).", file=sys.stderr)
    for row in register_summary(table).itertuples():
        start = f"{row.municipality} {row.year}: register van {format_date(row.register_observed_on)}, " \
                f"{row.register_units} panden"
        if pd.isna(row.inventory_observed_on):
            print(f"{start}; geen volledige inventaris van {row.year} om mee te vergelijken (geen "
                  "leegstandspercentage: een register kent alleen de leegstaande panden).", file=sys.stderr)
            continue
        print(f"{start}, tegenover de inventaris van {format_date(row.inventory_observed_on)}: {row.both_vacant} "
              f"in beide leeg, {row.occupied_in_inventory} in de inventaris bezet, {row.register_only} alleen in "
              f"het register, {row.inventory_only} alleen in de inventaris leeg.", file=sys.stderr)


def _map(args: argparse.Namespace) -> int:
    # Loaded here, not above: folium and matplotlib take seconds, and only drawing needs them.
    from analysis.cores import derived_cores
    from dashboard.figures import leaflet, maps
    from dashboard.tables import areas

    store = Store(args.db)
    units = store.units()
    names = regions.municipality_names(args.geography)
    if args.nis_code not in names:
        print(f"Onbekende NIS-code {args.nis_code!r} in de indeling {args.geography}.", file=sys.stderr)
        return 1
    years = assign_geography(units, regions.crosswalk(), args.geography)
    years = pd.to_datetime(years.loc[years["nis_code"] == args.nis_code, "observed_on"]).dt.year
    year = args.year or (int(years.max()) if len(years) else None)
    town = town_units(units, args.nis_code, geography=args.geography, year=year) if year else units.iloc[0:0]
    if town.empty:
        print(f"Geen inventaris van {names[args.nis_code]} in {year or 'de databank'}.", file=sys.stderr)
        return 1
    group_names = reference.group_names()
    shown = areas.town_areas(areas.current_areas(store.areas()), args.nis_code, geography=args.geography)
    fmap = maps.unit_map(town, cores=derived_cores(town), group_names=group_names, areas=shown)
    args.out.write_text(leaflet.standalone_html(fmap), encoding="utf-8")
    print(f"Kaart van {names[args.nis_code]} ({len(town)} verkooppunten, {year}) geschreven naar {args.out}.",
          file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from dashboard.report.pdf import report_pdf  # matplotlib and fpdf: only for a report (see _map)
    from dashboard.report.xlsx import report_xlsx

    store = Store(args.db)
    start, end = content.default_period(pd.Timestamp.now())
    codes = args.municipalities.split(",") if args.municipalities else None
    data = content.build_report(
        store.units(), store.campaign(), store.votes(), store.batches(), start=args.start or start, end=args.end or end,
        municipalities=codes, baseline=args.baseline or content.PROJECT_START, created=pd.Timestamp.now(),
        data_version=store.version(), geography=args.geography, region=regions.region(args.province))
    document = report_pdf(data) if args.format == "pdf" else report_xlsx(data)
    args.out.write_bytes(document)
    print(f"Rapport {format_date(data.start)} – {format_date(data.end)} ({len(data.municipalities)} gemeenten) "
          f"geschreven naar {args.out}.", file=sys.stderr)
    return 0
