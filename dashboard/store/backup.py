"""Backup and restore of a store (the commands are `dashboard.cli.admin`; the check is
`dashboard.store.integrity`). ``backup`` writes a consistent copy while the dashboard
keeps running: SQLite's online backup API, or ``pg_dump --format=custom`` for PostgreSQL.
``restore`` puts such a copy into an empty store (SQLite's backup API the other way, or
``pg_restore``) and checks the result.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, inspect, select
from sqlalchemy import table as any_table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from dashboard.store import schema
from dashboard.store.engine import open_engine as store_engine  # opens a store without creating or repairing it
from dashboard.store.integrity import check

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class AdminError(RuntimeError):
    """A check, backup or restore that cannot go on; the message says why and what to do, in Dutch."""


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
    engine = existing_store(url)
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
        raise AdminError(f"Geweigerd: de doeldatabank {shown_url(url)} is niet leeg ({listed}). Er is niets veranderd. "
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


def existing_store(url: str) -> Engine:
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
        raise AdminError(f"Kan de databank {shown_url(url)} niet openen: {str(problem.orig).strip()}. Controleer --db "
                         "(bestaat de databank? PostgreSQL: maak ze aan met createdb).") from problem
    return engine


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _unsupported(backend: str) -> str:
    return (f"Back-up en terugzetten kennen alleen SQLite en PostgreSQL, niet {backend}: gebruik de eigen "
            "hulpmiddelen van die databank.")
