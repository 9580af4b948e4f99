"""Store administration: integrity check, backup and restore.

``check`` looks for what a crash, a bug or a hand edit could leave behind: a batch whose row
counts do not match its stored rows (half a batch), rows of a batch that does not exist, a
missing version row, unknown statuses. ``backup`` writes a consistent copy while the dashboard
keeps running: SQLite's online backup API, or ``pg_dump --format=custom`` for PostgreSQL.
``restore`` puts such a copy into an empty store (SQLite's backup API the other way, or
``pg_restore``) and checks the result.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, distinct, func, inspect, select
from sqlalchemy import table as any_table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from dashboard import schema
from dashboard.ingest.problems import ERROR, WARNING
from dashboard.settings import db_url
from dashboard.store import _engine as store_engine  # opens a store without creating or repairing it

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
_RESTORE_ADVICE = ("Maak de batch ongedaan (python -m dashboard rollback {id}) en importeer het bestand opnieuw, "
                   "of zet een back-up terug (python -m dashboard restore).")
_BACKUP_ADVICE = "Zet een back-up terug (python -m dashboard restore) als je de geschiedenis volledig wilt."


class AdminError(RuntimeError):
    """A check, backup or restore that cannot go on; the message says why and what to do, in Dutch."""


def add_commands(commands, *, add_db) -> None:
    """Register ``check``, ``backup`` and ``restore`` on the command line's subparsers."""
    checking = commands.add_parser("check", help="controleer de samenhang van de databank")
    add_db(checking)
    checking.set_defaults(run=_check_command)

    saving = commands.add_parser("backup", help="schrijf een back-up van de databank (SQLite: online back-up; "
                                 "PostgreSQL: pg_dump)")
    saving.add_argument("--out", type=Path, required=True, metavar="FILE", help="het back-upbestand (nieuw)")
    add_db(saving)
    saving.set_defaults(run=_backup_command)

    restoring = commands.add_parser("restore", help="zet een back-up terug in een lege databank")
    restoring.add_argument("file", metavar="FILE", type=Path)
    add_db(restoring)
    restoring.set_defaults(run=_restore_command)


# --- check ----------------------------------------------------------------------------------


def check(engine: Engine) -> list[str]:
    """What is wrong with a store, one Dutch sentence per problem that also says how to fix it.

    Every batch's ``rows_imported`` must equal its rows in its kind's table (and it may have no
    rows in another table); ``rows_rejected`` must equal the file rows with an error among the
    problems kept with it (a row may have several problems, and warnings are kept too); every
    file row is imported or rejected. No row may belong to a batch that does not exist; the
    version row must exist; statuses, kinds and severities must be known ones. Empty: healthy.

    All queries read one snapshot, so an import committing meanwhile is seen whole or not at all.
    """
    options = {} if engine.dialect.name == "sqlite" else {"isolation_level": "REPEATABLE READ"}
    with engine.connect().execution_options(**options) as conn:
        missing = sorted(set(schema.metadata.tables) - set(inspect(conn).get_table_names()))
        if missing:
            return [f"De tabel(len) {', '.join(missing)} ontbreken: dit is geen (volledige) Kernmonitor-databank. "
                    "Controleer --db of KERNMONITOR_DB, of zet een back-up terug."]
        batches = {row.batch_id: row for row in conn.execute(
            select(*(c for c in schema.batches.columns if c.name != "raw")))}
        return [*_meta_problems(conn), *_batch_problems(batches.values()), *_count_problems(conn, batches),
                *_rejected_problems(conn, batches), *_value_problems(conn), *_file_problems(conn)]


def _meta_problems(conn: Connection) -> list[str]:
    version = conn.execute(select(schema.store_meta.c.value).where(schema.store_meta.c.key == "version")).first()
    if version is not None:
        return []
    return ["Het versienummer van de databank ontbreekt (tabel store_meta, sleutel 'version'), zodat de app "
            "nieuwe gegevens niet opmerkt. Voeg het toe: INSERT INTO store_meta (key, value) VALUES ('version', 1); "
            "of zet een back-up terug."]


def _batch_problems(batches: Iterable) -> list[str]:
    problems = []
    for batch in batches:
        name = f"Batch {batch.batch_id} ({batch.file_name})"
        if batch.kind not in schema.BATCH_KINDS:
            problems.append(f"{name} heeft een onbekende soort {batch.kind!r} (geldig: "
                            f"{', '.join(schema.BATCH_KINDS)}). {_BACKUP_ADVICE}")
        if batch.status not in schema.BATCH_STATUSES:
            problems.append(f"{name} heeft een onbekende status {batch.status!r} (geldig: "
                            f"{', '.join(schema.BATCH_STATUSES)}). {_BACKUP_ADVICE}")
        elif (batch.status == "rolled_back") != (batch.rolled_back_at is not None):
            problems.append(f"{name} heeft status {batch.status}, maar het tijdstip van ongedaan maken "
                            f"{'ontbreekt' if batch.rolled_back_at is None else 'is ingevuld'}. {_BACKUP_ADVICE}")
        if batch.rows_total != batch.rows_imported + batch.rows_rejected:
            problems.append(f"{name}: het bestand had {batch.rows_total} rij(en), maar {batch.rows_imported} "
                            f"geïmporteerd + {batch.rows_rejected} geweigerd = "
                            f"{batch.rows_imported + batch.rows_rejected}. {_advice(batch)}")
    return problems


def _count_problems(conn: Connection, batches: dict) -> list[str]:
    """Half batches, rows in another kind's table, and rows whose batch does not exist."""
    problems, orphans = [], []
    for kind, table in schema.DATA_TABLES.items():
        stored = dict(conn.execute(select(table.c.batch_id, func.count()).group_by(table.c.batch_id)).all())
        orphans += [_orphans(table.name, batch_id, stored[batch_id]) for batch_id in sorted(set(stored) - set(batches))]
        for batch in batches.values():
            count = stored.get(batch.batch_id, 0)
            if batch.kind == kind and count != batch.rows_imported:
                problems.append(f"Batch {batch.batch_id} ({batch.file_name}): {batch.rows_imported} rij(en) "
                                f"geïmporteerd volgens de batch, maar {count} opgeslagen in tabel {table.name} "
                                f"(een halve batch). {_advice(batch)}")
            elif batch.kind != kind and count:
                problems.append(f"Batch {batch.batch_id} ({batch.file_name}) is van soort {batch.kind}, maar tabel "
                                f"{table.name} bevat {count} rij(en) van die batch. {_advice(batch)}")
    return problems + orphans


def _rejected_problems(conn: Connection, batches: dict) -> list[str]:
    """``rows_rejected`` counts the file rows with at least one error (ingest/storing.py)."""
    table = schema.rejected_rows
    kept = dict(conn.execute(select(table.c.batch_id, func.count()).group_by(table.c.batch_id)).all())
    problems = [_orphans(table.name, batch_id, kept[batch_id]) for batch_id in sorted(set(kept) - set(batches))]
    error_rows = dict(conn.execute(
        select(table.c.batch_id, func.count(distinct(table.c.row_number)))
        .where(table.c.severity == ERROR, table.c.row_number.is_not(None)).group_by(table.c.batch_id)).all())
    for batch in batches.values():
        count = error_rows.get(batch.batch_id, 0)
        if count != batch.rows_rejected:
            problems.append(f"Batch {batch.batch_id} ({batch.file_name}): {batch.rows_rejected} rij(en) geweigerd "
                            f"volgens de batch, maar de bewaarde problemen noemen {count} rij(en) met een fout. "
                            f"{_advice(batch)}")
    return problems


def _value_problems(conn: Connection) -> list[str]:
    problems = []
    units, rejected = schema.units, schema.rejected_rows
    bad_status = conn.execute(select(func.count()).where(units.c.status.not_in(schema.UNIT_STATUSES))).scalar_one()
    if bad_status:
        problems.append(f"Tabel units bevat {bad_status} rij(en) met een onbekende status (geldig: "
                        f"{', '.join(schema.UNIT_STATUSES)}). {_BACKUP_ADVICE}")
    bad_severity = conn.execute(select(func.count()).where(rejected.c.severity.not_in((ERROR, WARNING)))).scalar_one()
    if bad_severity:
        problems.append(f"Tabel rejected_rows bevat {bad_severity} probleem(en) met een onbekende ernst (geldig: "
                        f"{ERROR}, {WARNING}). {_BACKUP_ADVICE}")
    return problems


def _file_problems(conn: Connection) -> list[str]:
    """SQLite's own check of its file (pages, indexes); PostgreSQL guards its files itself."""
    if conn.dialect.name != "sqlite":
        return []
    result = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
    if result == ["ok"]:
        return []
    return [f"SQLite meldt schade aan het databankbestand: {'; '.join(result[:5])}. Zet een back-up terug "
            "(python -m dashboard restore) in een nieuwe databank."]


def _orphans(table: str, batch_id: int, count: int) -> str:
    return (f"Tabel {table} bevat {count} rij(en) van batch {batch_id}, die niet bestaat. Ze tellen niet mee; "
            f"verwijder ze (DELETE FROM {table} WHERE batch_id = {batch_id};) of zet een back-up terug.")


def _advice(batch) -> str:
    if batch.status == "active":
        return _RESTORE_ADVICE.format(id=batch.batch_id)
    return f"De batch is ongedaan gemaakt en telt niet mee. {_BACKUP_ADVICE}"


def summary(engine: Engine) -> str:
    """Batches (active), and the version: what a check, backup or restore reports when it is done."""
    with engine.connect() as conn:
        statuses = conn.execute(select(schema.batches.c.status)).scalars().all()
        version = conn.execute(select(schema.store_meta.c.value).where(schema.store_meta.c.key == "version")).scalar()
    return f"{len(statuses)} batch(es), waarvan {statuses.count('active')} actief; versie {version}"


# --- backup and restore ---------------------------------------------------------------------

_BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_EXAMPLE_URLS = {"sqlite": "--db sqlite:///data/hersteld.db",
                 "postgresql": "--db postgresql+psycopg://gebruiker@server/nieuwe_databank"}


def backup(url: str, out: Path) -> list[str]:
    """Write a backup of the store at ``url`` to the new file ``out``; return the problems `check`
    finds in the copy (SQLite) or nothing (PostgreSQL).

    SQLite: the online backup API copies every page in one step, a consistent snapshot even while
    an import runs, into one self-contained file. PostgreSQL: ``pg_dump --format=custom``, which
    also reads one snapshot. The file appears only when complete.

    Raises
    ------
    AdminError
        When ``out`` exists, the store cannot be read or ``pg_dump`` is missing or fails.
    """
    if out.exists():
        raise AdminError(f"{out} bestaat al: kies een nieuwe bestandsnaam (bv. met de datum erin). Een back-up "
                         "overschrijft nooit een bestaand bestand.")
    backend = make_url(url).get_backend_name()
    if backend not in _BACKENDS:
        raise AdminError(_unsupported(backend))
    partial = out.with_name(f".{out.name}.onvolledig")
    try:
        if backend == "sqlite":
            problems = _backup_sqlite(url, partial)
        else:
            _run_pg("pg_dump", url, ["--format=custom", f"--file={partial}"],
                    shown=["--format=custom", f"--file={out}"])
            problems = []
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return problems


def _backup_sqlite(url: str, partial: Path) -> list[str]:
    engine = _existing_store(url)
    try:
        with closing(sqlite3.connect(partial)) as target, closing(engine.raw_connection()) as source:
            source.driver_connection.backup(target)  # pages=-1: one step, one snapshot
            target.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the backup
    finally:
        engine.dispose()
    copy = create_engine(f"sqlite:///{partial}")
    try:
        return check(copy)
    finally:
        copy.dispose()


def restore(path: Path, url: str) -> list[str]:
    """Put a backup made by `backup` into the empty store at ``url``; return the problems `check`
    finds in the restored store.

    SQLite backups go into SQLite (the backup API the other way), pg_dump archives into PostgreSQL
    (``pg_restore`` in one transaction, so a failed restore leaves the database as it was).

    Raises
    ------
    AdminError
        When the file is no backup, does not fit the store's kind, the store is not empty, or
        ``pg_restore`` is missing or fails.
    """
    kind = _backup_kind(path)
    backend = make_url(url).get_backend_name()
    if kind != backend:
        raise AdminError(f"{path.name} is een back-up van een {_BACKENDS[kind]}-databank en kan alleen in een "
                         f"{_BACKENDS[kind]}-databank teruggezet worden, maar --db wijst naar "
                         f"{_BACKENDS.get(backend, backend)}. Geef bv. {_EXAMPLE_URLS[kind]} op.")
    _refuse_filled(url)
    if kind == "sqlite":
        _restore_sqlite(path, url)
    else:
        # --clean --if-exists: the empty tables of a store opened before are replaced as well.
        _run_pg("pg_restore", url, ["--no-owner", "--no-privileges", "--clean", "--if-exists",
                                    "--single-transaction", "--exit-on-error"], files=[str(path)])
    engine = store_engine(url)
    try:
        return check(engine)
    finally:
        engine.dispose()


def _backup_kind(path: Path) -> str:
    if not path.is_file():
        raise AdminError(f"Het back-upbestand {path} bestaat niet.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise AdminError(f"{path} is geen back-up van Kernmonitor: verwacht een SQLite-bestand of een pg_dump-archief "
                     "(--format=custom), zoals python -m dashboard backup ze schrijft. Een pg_dump in tekstvorm "
                     "(.sql) zet je terug met psql -f BESTAND.")


def _refuse_filled(url: str) -> None:
    """Refuse a target that holds anything but an empty store: a restore never mixes two stores."""
    engine = _open(url)
    try:
        with engine.connect() as conn:
            counts = {name: conn.execute(select(func.count()).select_from(any_table(name))).scalar_one()
                      for name in inspect(conn).get_table_names() if name != schema.store_meta.name}
    finally:
        engine.dispose()
    filled = {name: count for name, count in counts.items() if count}
    if filled:
        listed = ", ".join(f"{name}: {count} rij(en)" for name, count in sorted(filled.items()))
        raise AdminError(f"Geweigerd: de doeldatabank {_shown(url)} is niet leeg ({listed}). Er is niets veranderd. "
                         f"Zet de back-up terug in een nieuwe, lege databank (bv. {_EXAMPLE_URLS[engine.dialect.name]}"
                         f"{'' if engine.dialect.name == 'sqlite' else ', na createdb nieuwe_databank'}) en wijs "
                         "KERNMONITOR_DB daarna naar die databank.")


def _restore_sqlite(path: Path, url: str) -> None:
    target_path = Path(make_url(url).database or "")
    if target_path.exists() and target_path.resolve() == path.resolve():
        raise AdminError(f"{path} is zelf de doeldatabank: geef met --db een andere, lege databank op.")
    engine = store_engine(url)
    try:
        with closing(sqlite3.connect(path)) as source, closing(engine.raw_connection()) as target:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {schema.batches.name, schema.store_meta.name} <= tables:
                raise AdminError(f"{path} is een SQLite-bestand, maar geen Kernmonitor-databank (de tabellen batches "
                                 "en store_meta ontbreken).")
            source.backup(target.driver_connection)
    finally:
        engine.dispose()


def _run_pg(program: str, url: str, options: list[str], *, shown: list[str] | None = None,
            files: list[str] = ()) -> None:
    """Run pg_dump or pg_restore against ``url``; the password goes through PGPASSWORD, never argv."""
    target = make_url(url)
    conninfo = URL.create("postgresql", username=target.username, host=target.host, port=target.port,
                          database=target.database, query=target.query).render_as_string(hide_password=False)
    executable = shutil.which(program)
    if executable is None:
        command = shlex.join([program, *(shown or options), f"--dbname={conninfo}", *files])
        raise AdminError(f"{program} staat niet op het PATH van deze computer. Installeer de PostgreSQL-"
                         "clientprogramma's (Debian/Ubuntu: apt-get install postgresql-client, dezelfde "
                         f"hoofdversie als de server of nieuwer) en voer dan uit:\n  {command}\n"
                         "met het wachtwoord in de omgevingsvariabele PGPASSWORD of in ~/.pgpass.")
    env = {**os.environ, **({"PGPASSWORD": target.password} if target.password else {})}
    done = subprocess.run([executable, *options, f"--dbname={conninfo}", *files], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise AdminError(f"{program} is mislukt (exitcode {done.returncode}): {done.stderr.strip()}\nControleer "
                         f"--db, en of {program} minstens dezelfde hoofdversie heeft als de server "
                         f"({program} --version).")


def _existing_store(url: str) -> Engine:
    """An engine on a store that exists: opening an SQLite path that does not would create a file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).is_file()):
        raise AdminError(f"Geen databank gevonden op {parsed.database or '(in het geheugen)'}: controleer --db of "
                         "KERNMONITOR_DB.")
    return _open(url)


def _open(url: str) -> Engine:
    engine = store_engine(url)
    try:
        engine.connect().close()
    except OperationalError as problem:
        engine.dispose()
        raise AdminError(f"Kan de databank {_shown(url)} niet openen: {str(problem.orig).strip()}. Controleer --db "
                         "(bestaat de databank? PostgreSQL: maak ze aan met createdb).") from problem
    return engine


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _unsupported(backend: str) -> str:
    return (f"Back-up en terugzetten kennen alleen SQLite en PostgreSQL, niet {backend}: gebruik de eigen "
            "hulpmiddelen van die databank.")


# --- command line ---------------------------------------------------------------------------


def _check_command(args: argparse.Namespace) -> int:
    url = args.db or db_url()
    try:
        engine = _existing_store(url)
    except AdminError as problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        problems = check(engine)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} probleem/problemen gevonden in {_shown(url)}.", file=sys.stderr)
            return 1
        print(f"De databank {_shown(url)} is in orde: {summary(engine)}.", file=sys.stderr)
        return 0
    finally:
        engine.dispose()


def _backup_command(args: argparse.Namespace) -> int:
    try:
        problems = backup(args.db or db_url(), args.out)
    except AdminError as problem:
        print(problem, file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    size = f"{args.out.stat().st_size / 1e6:.1f}".replace(".", ",")
    if problems:
        print(f"De back-up is geschreven naar {args.out} ({size} MB), maar de databank heeft de problemen hierboven.",
              file=sys.stderr)
        return 1
    print(f"Back-up geschreven naar {args.out} ({size} MB). Terugzetten in een lege databank: "
          f"python -m dashboard restore {args.out} --db URL", file=sys.stderr)
    return 0


def _restore_command(args: argparse.Namespace) -> int:
    url = args.db or db_url()
    try:
        problems = restore(args.file, url)
    except AdminError as problem:
        print(problem, file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    engine = store_engine(url)
    try:
        done = f"{args.file} teruggezet in {_shown(url)}: {summary(engine)}."
    finally:
        engine.dispose()
    if problems:
        print(f"{done} De controle vond de problemen hierboven.", file=sys.stderr)
        return 1
    print(f"{done} De controle vond geen problemen; wijs KERNMONITOR_DB (of --db) naar deze databank om ze te "
          "gebruiken.", file=sys.stderr)
    return 0
