"""The command line: the same operations as the pages, for scripts and checks.

Exit status: 0 done; 1 input rejected (the reason on stderr, in Dutch); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

import pandas as pd

from analysis.geography import assign_geography
from analysis.vacancy import SCOPES
from dashboard import composite, ingest, reference, sample
from dashboard.i18n import format_date
from dashboard.indicators import GEOGRAPHIES, LEVELS, TOPICS, campaign_table, mix_table, vacancy_table
from dashboard.ingest.columns import KINDS
from dashboard.settings import DEFAULT_GEOGRAPHY
from dashboard.store import Store, StoreBusy


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except sample.RealDataPresent as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    except ingest.ImportRejected as rejected:
        print(rejected.describe(), file=sys.stderr)
        return 1
    except (ingest.FileRejected, LookupError, StoreBusy) as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Kernmonitor: leegstand en "
                                     "handelskernen in West-Vlaanderen.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    seed = commands.add_parser("seed", help="vul de databank met voorbeelddata (fictief)")
    _add_db(seed)
    seed.add_argument("--scale", type=_positive_float, default=1.0,
                      help="vermenigvuldig het aantal verkooppunten (voor benchmarks); standaard 1")
    seed.add_argument("--if-empty", action="store_true", help="alleen als de databank nog leeg is")
    seed.set_defaults(run=_seed)

    load = commands.add_parser("import", help="importeer een CSV- of Excelbestand als één batch")
    load.add_argument("file", metavar="FILE", type=Path)
    _add_db(load)
    load.add_argument("--kind", choices=KINDS, help="soort gegevens (standaard: afgeleid uit de kopregel)")
    load.add_argument("--observed-on", type=_day, metavar="DATUM",
                      help="inventarisdatum voor rijen zonder peildatum (bv. 2024-01-01 of 01/01/2024)")
    load.add_argument("--partial", action="store_true",
                      help="importeer de goede rijen en bewaar de foute met hun reden in de batch")
    load.add_argument("--sheet", help="werkblad van een Excelbestand (standaard het eerste)")
    load.add_argument("--by", default=None, help="wie importeert (standaard de gebruikersnaam)")
    load.set_defaults(run=_import)

    drawn = commands.add_parser("map", help="schrijf de kaart van de verkooppunten van een gemeente als HTML")
    drawn.add_argument("nis_code", metavar="NIS")
    drawn.add_argument("--out", type=Path, required=True, metavar="FILE.html")
    drawn.add_argument("--year", type=int, help="inventarisjaar (standaard het laatste)")
    drawn.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    _add_db(drawn)
    drawn.set_defaults(run=_map)

    report = commands.add_parser("report", help="het EFRO-voortgangsrapport als PDF of Excel")
    report.add_argument("--from", dest="start", type=_day, metavar="DATUM", help="begin (standaard: 4 maanden terug)")
    report.add_argument("--to", dest="end", type=_day, metavar="DATUM", help="einde (standaard: einde vorige maand)")
    report.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
    report.add_argument("--out", type=Path, required=True, metavar="FILE")
    report.add_argument("--municipalities", metavar="NIS,...", help="NIS-codes (standaard de KraK West-partners)")
    report.add_argument("--baseline", type=_day, metavar="DATUM", help="basislijn (standaard de projectstart)")
    report.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    _add_db(report)
    report.set_defaults(run=_report)

    history = commands.add_parser("batches", help="de geschiedenis van de imports")
    _add_db(history)
    history.set_defaults(run=_batches)

    undo = commands.add_parser("rollback", help="maak een batch ongedaan")
    undo.add_argument("batch_id", metavar="ID", type=int)
    _add_db(undo)
    undo.set_defaults(run=_rollback)

    indicators = commands.add_parser("indicators", help="indicatoren als CSV of JSON")
    _add_db(indicators)
    indicators.add_argument("--topic", choices=TOPICS, default="vacancy",
                            help="leegstand, winkelmix of campagnebereik (standaard leegstand)")
    indicators.add_argument("--level", choices=LEVELS, default="municipality",
                            help="gemeente, provincie, afgeleide kern of winkelgebied (de laatste twee: leegstand)")
    indicators.add_argument("--year", type=int, help="alleen de inventarissen (of campagne-editie) van dit jaar")
    indicators.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    indicators.add_argument("--scope", choices=SCOPES, default="all",
                            help="alle verkooppunten (standaard) of alleen detailhandel (leegstand)")
    indicators.add_argument("--format", choices=("csv", "json"), default="csv")
    indicators.set_defaults(run=_indicators)

    from dashboard import admin, auth  # their own commands: user accounts; check, backup, restore

    auth.add_commands(commands, add_db=_add_db)
    admin.add_commands(commands, add_db=_add_db)
    return parser


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy-URL van de databank (standaard KERNMONITOR_DB "
                        "of data/kernmonitor.db)")


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("moet groter dan 0 zijn")
    return value


def _indicator_table(store: Store, args: argparse.Namespace) -> pd.DataFrame:
    options = {"geography": args.geography}
    if args.topic == "vacancy":
        return vacancy_table(store.units(), level=args.level, year=args.year, scope=args.scope, **options)
    if args.topic == "mix":
        return mix_table(store.units(), level=args.level, year=args.year, **options)
    if args.topic == "campaign":
        return campaign_table(store.campaign(), store.units(), level=args.level, edition=args.year, **options)
    if args.topic == "vitality":
        return composite.vitality_table(store.units(), store.campaign(), year=args.year, **options)
    return composite.impact(store.units(), store.campaign(), edition=args.year, **options).as_frame()


def _day(text: str) -> pd.Timestamp:
    parsed, bad = ingest.values.parse_date(pd.Series([text]))
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise argparse.ArgumentTypeError(f"geen datum: {text!r} (schrijf bv. 2024-01-01 of 01/01/2024)")
    return parsed.iloc[0]


def _import(args: argparse.Namespace) -> int:
    try:
        raw = args.file.read_bytes()
    except OSError as problem:
        print(f"Kan {args.file} niet lezen: {problem.strerror}.", file=sys.stderr)
        return 2
    store = Store(args.db)
    if store.has_sample_data():
        print("Let op: de databank bevat nog voorbeelddata (fictief); die telt mee tot je haar batches ongedaan "
              "maakt (python -m dashboard batches, rollback ID).", file=sys.stderr)
    try:
        prepared = ingest.prepare(raw, args.file.name, kind=args.kind, observed_on=args.observed_on,
                                  sheet=args.sheet)
    except ingest.FileRejected:
        raise
    except Exception as problem:  # noqa: BLE001 - an unforeseen file gets a message, not a traceback
        print(f"Geweigerd: {args.file.name} kan niet gelezen worden (onverwachte fout: {problem!r}). "
              "Bewaar het opnieuw als CSV of .xlsx.", file=sys.stderr)
        return 1
    batch_id = ingest.import_prepared(store, prepared, partial=args.partial, imported_by=args.by or _user())
    warnings = prepared.problems[prepared.problems["severity"] == ingest.WARNING]
    imported = len(prepared.valid_rows)
    print(f"Batch {batch_id}: {imported} rij(en) geïmporteerd uit {args.file.name} ({prepared.description}); "
          f"{len(prepared.error_rows)} geweigerd, {len(warnings)} waarschuwing(en).", file=sys.stderr)
    for row in prepared.problems.itertuples(index=False):
        print("  " + ingest.problems.describe_row(row), file=sys.stderr)
    return 0


def _map(args: argparse.Namespace) -> int:
    from analysis.cores import derived_cores
    from dashboard import maps
    from dashboard.profile import town_units

    units = Store(args.db).units()
    names = reference.municipality_names(args.geography)
    if args.nis_code not in names:
        print(f"Onbekende NIS-code {args.nis_code!r} in de indeling {args.geography}.", file=sys.stderr)
        return 1
    years = assign_geography(units, reference.crosswalk(), args.geography)
    years = pd.to_datetime(years.loc[years["nis_code"] == args.nis_code, "observed_on"]).dt.year
    year = args.year or (int(years.max()) if len(years) else None)
    town = town_units(units, args.nis_code, geography=args.geography, year=year) if year else units.iloc[0:0]
    if town.empty:
        print(f"Geen inventaris van {names[args.nis_code]} in {year or 'de databank'}.", file=sys.stderr)
        return 1
    group_names = reference.locatus_groups().set_index("group_code")["name_nl"].to_dict()
    fmap = maps.unit_map(town, cores=derived_cores(town), group_names=group_names)
    args.out.write_text(maps.standalone_html(fmap), encoding="utf-8")
    print(f"Kaart van {names[args.nis_code]} ({len(town)} verkooppunten, {year}) geschreven naar {args.out}.",
          file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from dashboard import report_data, report_pdf, report_xlsx

    store = Store(args.db)
    start, end = report_data.default_period(pd.Timestamp.now())
    codes = args.municipalities.split(",") if args.municipalities else None
    data = report_data.build_report(
        store.units(), store.campaign(), store.votes(), store.batches(), start=args.start or start, end=args.end or end,
        municipalities=codes, baseline=args.baseline or report_data.PROJECT_START, created=pd.Timestamp.now(),
        data_version=store.version(), geography=args.geography)
    content = report_pdf.report_pdf(data) if args.format == "pdf" else report_xlsx.report_xlsx(data)
    args.out.write_bytes(content)
    print(f"Rapport {format_date(data.start)} – {format_date(data.end)} ({len(data.municipalities)} gemeenten) "
          f"geschreven naar {args.out}.", file=sys.stderr)
    return 0


def _batches(args: argparse.Namespace) -> int:
    history = Store(args.db).batches()
    columns = ["batch_id", "kind", "file_name", "rows_imported", "rows_rejected", "imported_by", "imported_at",
               "status"]
    history = history[columns].assign(imported_at=pd.to_datetime(history["imported_at"], utc=True)
                                      .dt.strftime("%Y-%m-%d %H:%M"))
    history.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    Store(args.db).rollback_batch(args.batch_id)
    print(f"Batch {args.batch_id} is ongedaan gemaakt.", file=sys.stderr)
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


def _seed(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.if_empty and not store.is_empty():
        return 0
    print(f"Voorbeelddata genereren (schaal {args.scale:g})…", file=sys.stderr)
    batch_ids = sample.seed_store(store, scale=args.scale)
    units = store.batches().set_index("batch_id").loc[batch_ids[0], "rows_imported"]
    print(f"Klaar: {units:,} verkooppuntregels in batches {', '.join(map(str, batch_ids))}.".replace(",", "."),
          file=sys.stderr)
    return 0


def _indicators(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.topic != "vacancy" and args.level not in ("municipality", "province"):
        print(f"Het niveau {args.level} bestaat alleen voor leegstand; kies municipality of province.",
              file=sys.stderr)
        return 2
    if args.topic in ("vitality", "impact") and (args.year is None or args.level != "municipality"):
        print(f"--topic {args.topic} vraagt --year (het jaar, of de campagne-editie) en --level municipality.",
              file=sys.stderr)
        return 2
    table = _indicator_table(store, args)
    for column in ("observed_on", "inventory_observed_on"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m-%d")
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        records = json.loads(table.to_json(orient="records"))
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0
