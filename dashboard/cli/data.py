"""Commands ``seed``, ``import``, ``batches`` and ``rollback``: what goes into the store."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from analysis.sources import INVENTORY_KINDS, SOURCES
from dashboard import ingest, regions, sample, settings
from dashboard.cli import printing
from dashboard.cli.arguments import add_province, day, first_year, positive_float, system_user
from dashboard.i18n import INVENTORY_KIND_LABELS, SOURCE_LABELS, format_date, format_number
from dashboard.ingest import limits
from dashboard.ingest.columns import KINDS
from dashboard.ingest.places import name_of
from dashboard.ingest.problems import REPORT_HEADERS
from dashboard.store import audit
from dashboard.store.database import Store
from dashboard.tables import exports
from dashboard.ui import import_views


def add_commands(commands, *, add_db) -> None:
    """Register ``seed``, ``import``, ``batches`` and ``rollback``."""
    seed = commands.add_parser("seed", help="vul de databank met voorbeelddata (fictief)")
    add_db(seed)
    seed.add_argument("--scale", type=positive_float, default=1.0,
                      help="vermenigvuldig het aantal verkooppunten (voor benchmarks); standaard 1")
    add_province(seed, "welke provincie met voorbeelddata vullen (02000: de vijf)")
    seed.add_argument("--first-year", type=first_year, default=settings.SAMPLE_FIRST_YEAR, metavar="JAAR",
                      help=f"eerste jaarlijkse inventaris (van {settings.SAMPLE_EARLIEST_YEAR} tot "
                           f"{settings.SAMPLE_FIRST_YEAR}; standaard {settings.SAMPLE_FIRST_YEAR}; vóór "
                           f"{settings.SAMPLE_FIRST_YEAR} volgt de leegstand een aangenomen verloop)")
    seed.add_argument("--if-empty", action="store_true", help="alleen als de databank nog leeg is")
    seed.add_argument("--remove", action="store_true",
                      help="haal de voorbeelddata weg (hun batches blijven in de geschiedenis, ongedaan gemaakt)")
    seed.set_defaults(run=_seed)

    load = commands.add_parser("import", help="importeer een CSV- of Excelbestand als één batch")
    load.add_argument("file", metavar="FILE", type=Path)
    add_db(load)
    load.add_argument("--kind", choices=KINDS, help="soort gegevens (standaard: afgeleid uit de kopregel)")
    load.add_argument("--observed-on", type=day, metavar="DATUM",
                      help="inventarisdatum voor rijen zonder peildatum (bv. 2024-01-01 of 01/01/2024)")
    load.add_argument("--partial", action="store_true",
                      help="importeer de goede rijen en bewaar de foute met hun reden in de batch")
    load.add_argument("--sheet", help="werkblad van een Excelbestand (standaard het eerste)")
    load.add_argument("--by", default=None, help="wie importeert (standaard de gebruikersnaam)")
    load.add_argument("--inventory", choices=INVENTORY_KINDS,
                      help="wat het bestand per gemeente is: complete (alle verkooppunten op die datum), update "
                           "(wijzigingen: de andere panden van de laatste inventaris blijven) of register (alleen "
                           "leegstaande panden); standaard afgeleid, en geweigerd als dat niet duidelijk is")
    load.add_argument("--source", choices=SOURCES,
                      help="waar het bestand vandaan komt (standaard afgeleid uit de kopregel): "
                           + ", ".join(f"{key} ({label})" for key, label in SOURCE_LABELS.items()))
    load.add_argument("--map", action="append", default=[], metavar='"KOLOM=GEGEVEN"',
                      help="koppel een kolom van het bestand aan een gegeven (bv. \"Oppervlakte (m²)=floor_area_m2\"; "
                           "\"KOLOM=\" laat ze ongebruikt); herhaalbaar")
    load.add_argument("--mapping", metavar="NAAM", help="een koppeling die op de pagina Gegevens bewaard werd "
                                                        "(python -m dashboard mappings toont ze)")
    load.add_argument("--status", choices=("vacant", "occupied"),
                      help="de status van elk pand in een bestand zonder statuskolom (bv. vacant voor een register)")
    load.add_argument("--dry-run", action="store_true",
                      help="toon wat de import zou doen (per gemeente: nieuw, gewijzigd, ongewijzigd, verdwenen; "
                           "leegstand voor → na) en sla niets op")
    load.add_argument("--report", type=Path, metavar="FILE.csv",
                      help="schrijf elk probleem (rij, kolom, waarde, probleem, ernst) naar dit CSV-bestand")
    load.add_argument("--replace-sample", action="store_true",
                      help="verwijder de voorbeelddata in dezelfde stap (echte gegevens komen er nooit naast)")
    load.set_defaults(run=_import)

    saved = commands.add_parser("mappings", help="de kolomkoppelingen die op de pagina Gegevens bewaard werden")
    add_db(saved)
    saved.set_defaults(run=_mappings)

    history = commands.add_parser("batches", help="de geschiedenis van de imports")
    add_db(history)
    history.set_defaults(run=_batches)

    undo = commands.add_parser("rollback", help="maak een batch ongedaan")
    undo.add_argument("batch_id", metavar="ID", type=int)
    add_db(undo)
    undo.set_defaults(run=_rollback)


def _seed(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.remove:
        removed = store.remove_sample(by=system_user(), client=audit.COMMAND_LINE)
        print(f"Voorbeelddata verwijderd (batch {', '.join(map(str, removed))} ongedaan gemaakt)." if removed
              else "Er zijn geen voorbeelddata om te verwijderen.", file=sys.stderr)
        return 0
    if args.if_empty and not store.is_empty():
        return 0
    region = regions.region(args.province)  # without --province: KERNMONITOR_PROVINCE, checked here
    years = "" if args.first_year == settings.SAMPLE_FIRST_YEAR else f", {args.first_year}–{settings.SAMPLE_LAST_YEAR}"
    print(f"Voorbeelddata genereren voor {region.name} (schaal {args.scale:g}{years})…", file=sys.stderr)
    batch_ids = sample.seed_store(store, scale=args.scale, province=region.nis_code, first_year=args.first_year)
    units = store.batches().set_index("batch_id").loc[batch_ids[0], "rows_imported"]
    print(f"Klaar: {format_number(units)} verkooppuntregels in batches {', '.join(map(str, batch_ids))}.",
          file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        raw = _read(args.file)
    except OSError as problem:
        print(f"Kan {args.file} niet lezen: {problem.strerror}.", file=sys.stderr)
        return 2
    store = Store(args.db)
    kind, mapping = args.kind, None
    if args.mapping:
        saved = store.mapping(args.mapping)
        if saved is None:
            print(f"Geen bewaarde koppeling '{args.mapping}'. python -m dashboard mappings toont ze.", file=sys.stderr)
            return 2
        kind, mapping = kind or saved[0], saved[1]
    try:
        overrides = dict(_pair(text) for text in args.map)
        prepared = ingest.prepare(raw, args.file.name, kind=kind, observed_on=args.observed_on, sheet=args.sheet,
                                  mapping=mapping, overrides=overrides, status=args.status)
    except (ingest.FileRejected, regions.UnknownRegion):  # said by main()
        raise
    except ValueError as problem:  # a --map that does not fit the file
        print(problem, file=sys.stderr)
        return 2
    except Exception as problem:  # noqa: BLE001 - an unforeseen file gets a message, not a traceback
        print(f"Geweigerd: {args.file.name} kan niet gelezen worden (onverwachte fout: {problem!r}). "
              "Bewaar het opnieuw als CSV of .xlsx.", file=sys.stderr)
        return 1
    if args.report:
        args.report.write_bytes(exports.to_csv_bytes(prepared.problems.rename(columns=REPORT_HEADERS)))
    if args.dry_run:
        return _dry_run(store, prepared, args)
    batch_id = ingest.import_prepared(store, prepared, partial=args.partial, imported_by=args.by or system_user(),
                                      replace_sample=args.replace_sample, inventory=args.inventory,
                                      source=args.source, client=audit.COMMAND_LINE)
    warnings = prepared.problems[prepared.problems["severity"] == ingest.WARNING]
    imported = len(prepared.valid_rows)
    print(f"Batch {batch_id}: {imported} rij(en) geïmporteerd uit {args.file.name} ({prepared.description}); "
          f"{len(prepared.error_rows)} geweigerd, {len(warnings)} waarschuwing(en).", file=sys.stderr)
    for line in ingest.problems.grouped_lines(prepared.problems):  # the full list: --report
        print("  " + line, file=sys.stderr)
    if prepared.kind == "units":
        for line in _inventory_lines(store, batch_id):
            print("  " + line, file=sys.stderr)
    return 0


def _read(path: Path) -> bytes:
    """The file's bytes; its size is checked before they are read, and no more than the limit
    allows is read (a file that grows meanwhile, or a pipe, has no size to check first)."""
    with path.open("rb") as file:
        limits.check_size(os.fstat(file.fileno()).st_size)
        raw = file.read(settings.max_upload_bytes() + 1)
    limits.check_size(raw)
    return raw


def _inventory_lines(store: Store, batch_id: int) -> list[str]:
    """Per inventory of the batch: its kind, source, units and whether the figures use it."""
    inventories = store.inventories()
    own = inventories[inventories["batch_id"] == batch_id]
    return [f"{name_of(row.nis_code)} {format_date(row.observed_on)}: {INVENTORY_KIND_LABELS[row.inventory_kind]}"
            f", bron {SOURCE_LABELS[row.source]}, {format_number(row.units_in_file)} uit het bestand"
            + (f" + {format_number(row.units_carried_over)} ongewijzigd overgenomen" if row.units_carried_over else "")
            + ("" if row.is_counted else " (telt niet mee: een andere bron heeft voorrang, of een volledige "
                                          "inventaris van hetzelfde jaar)")
            for row in own.itertuples()]


def _pair(text: str) -> tuple[str, str | None]:
    """``"KOLOM=GEGEVEN"`` of ``--map`` (the last ``=`` splits: a header may hold one)."""
    header, equals, canonical = text.rpartition("=")
    if not equals or not header.strip():
        raise ValueError(f"--map verwacht \"KOLOM=GEGEVEN\", niet '{text}'.")
    return header.strip(), canonical.strip() or None


def _dry_run(store: Store, prepared: ingest.Prepared, args: argparse.Namespace) -> int:
    """What the import would do, without writing: the problems, and for units per inventory the
    kind, whether it counts and the changes (a CSV on stdout, as the page's preview)."""
    for line in ingest.problems.grouped_lines(prepared.problems):  # the full list: --report
        print("  " + line, file=sys.stderr)
    rows = prepared.valid_rows
    print(f"Proef: {len(rows)} van {prepared.rows_read} rij(en) zouden geïmporteerd worden uit {args.file.name} "
          f"({prepared.description}); er is niets opgeslagen.", file=sys.stderr)
    if prepared.kind == "areas" and not rows.empty:  # what the list changes, per municipality
        from dashboard.tables import areas  # geopandas: only for areas

        current = areas.current_areas(store.areas())
        printing.write_csv(areas.area_changes(current.iloc[0:0] if args.replace_sample else current, rows))
    if prepared.kind != "units" or rows.empty:
        return 0
    replaces = args.replace_sample
    stored = store.units()
    planned = ingest.plan_for(store, prepared, inventory=args.inventory, source=args.source,
                              replace_sample=replaces, strict=False, stored=(stored, store.inventories()))
    for proposal in planned.proposals.itertuples():
        chosen = INVENTORY_KIND_LABELS[proposal.inventory_kind]
        print(f"  {proposal.reason} → {chosen}; {proposal.counts}", file=sys.stderr)
    for refusal in planned.refusals:
        print(f"  Geweigerd: {refusal}", file=sys.stderr)
    changes = import_views.planned_changes(stored.iloc[0:0] if replaces else stored, planned)
    printing.write_csv(changes)
    return 0


def _mappings(args: argparse.Namespace) -> int:
    """Every saved mapping: name, kind, and each column with the field it fills."""
    store = Store(args.db)
    rows = [(name, kind, header, canonical or "") for name in store.mappings()
            for kind, mapping in [store.mapping(name)] for header, canonical in mapping.items()]
    printing.write_csv(pd.DataFrame(rows, columns=["naam", "soort", "kolom", "gegeven"]))
    return 0


def _batches(args: argparse.Namespace) -> int:
    history = Store(args.db).batches()
    columns = ["batch_id", "kind", "file_name", "rows_imported", "rows_rejected", "imported_by", "imported_at",
               "status", "source"]
    history = history[columns].assign(imported_at=pd.to_datetime(history["imported_at"], utc=True)
                                      .dt.strftime("%Y-%m-%d %H:%M"))
    printing.write_csv(history)
    return 0


def _rollback(args: argparse.Namespace) -> int:
    Store(args.db).rollback_batch(args.batch_id, by=system_user(), client=audit.COMMAND_LINE)
    print(f"Batch {args.batch_id} is ongedaan gemaakt.", file=sys.stderr)
    return 0
