"""The store's integrity check: what a crash, a bug or a hand edit could leave behind.

A batch whose row counts do not match its stored rows (half a batch), rows of a batch that does
not exist, a missing version row, unknown statuses. ``python -m dashboard check`` runs it; a
backup and a restore (`dashboard.store.backup`) run it on what they wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, Engine, distinct, func, inspect, select

from dashboard.i18n import format_number
from dashboard.store import bulk, schema
from dashboard.store.schema import ERROR, WARNING

_RESTORE_ADVICE = ("Maak de batch ongedaan (python -m dashboard rollback {id}) en importeer het bestand opnieuw, "
                   "of zet een back-up terug (python -m dashboard restore).")
_BACKUP_ADVICE = "Zet een back-up terug (python -m dashboard restore) als je de geschiedenis volledig wilt."


#: Tables later versions added: a store without them is older, not broken (`dashboard.store.migration`).
_NEWER_TABLES = {"inventories", "areas", "batch_files"}


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
        if missing and set(missing) <= _NEWER_TABLES:
            return [f"De tabel(len) {', '.join(missing)} ontbreken: de databank komt van een eerdere versie van "
                    "Kernmonitor. Open ze één keer met deze versie (bv. python -m dashboard batches --db ...) om ze "
                    "bij te werken, en controleer dan opnieuw."]
        if missing:
            return [f"De tabel(len) {', '.join(missing)} ontbreken: dit is geen (volledige) Kernmonitor-databank. "
                    "Controleer --db of KERNMONITOR_DB, of zet een back-up terug."]
        batches = {row.batch_id: row for row in conn.execute(select(schema.batches))}
        return [*_meta_problems(conn), *_batch_problems(batches.values()), *_count_problems(conn, batches),
                *_rejected_problems(conn, batches), *_value_problems(conn), *_file_problems(conn),
                *_staging_problems(engine)]


def staging_orphans(engine: Engine) -> list[Path]:
    """Staging files that imports killed midway left beside an SQLite store (none elsewhere)."""
    store = _sqlite_file(engine)
    return bulk.orphans(store) if store else []


def remove_staging_orphans(engine: Engine) -> list[Path]:
    """Remove the staging files of killed imports (`staging_orphans`); return what was removed."""
    store = _sqlite_file(engine)
    return bulk.remove_orphans(store) if store else []


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    return Path(database) if engine.dialect.name == "sqlite" and database and database != ":memory:" else None


def _staging_problems(engine: Engine) -> list[str]:
    left = staging_orphans(engine)
    if not left:
        return []
    size = sum(path.stat().st_size for path in left if path.exists()) / 1024 / 1024
    return [f"{len(left)} tijdelijk(e) bestand(en) van afgebroken imports ({format_number(size, 1)} MB) naast de "
            f"databank: {', '.join(path.name for path in left)}. De databank zelf is in orde; python -m dashboard "
            "check --repair (of de volgende import) ruimt ze op."]


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
    problems, orphans, flagged = [], [], set()
    inventories = schema.inventories
    carried = dict(conn.execute(select(inventories.c.batch_id, func.sum(inventories.c.units_carried_over))
                                .group_by(inventories.c.batch_id)).all())
    for kind, table in schema.DATA_TABLES.items():
        stored = dict(conn.execute(select(table.c.batch_id, func.count()).group_by(table.c.batch_id)).all())
        orphans += [_orphans(table.name, batch_id, stored[batch_id]) for batch_id in sorted(set(stored) - set(batches))]
        for batch in batches.values():
            count = stored.get(batch.batch_id, 0)
            # An update stores the units it carried over from the inventory before it as well.
            kept = int(carried.get(batch.batch_id) or 0)
            if batch.kind == kind and count != batch.rows_imported + kept:
                flagged.add(batch.batch_id)
                told = f"{batch.rows_imported} rij(en) geïmporteerd" + (f" en {kept} overgenomen" if kept else "")
                problems.append(f"Batch {batch.batch_id} ({batch.file_name}): {told} volgens de batch, maar "
                                f"{count} opgeslagen in tabel {table.name} (een halve batch). {_advice(batch)}")
            elif batch.kind != kind and count:
                problems.append(f"Batch {batch.batch_id} ({batch.file_name}) is van soort {batch.kind}, maar tabel "
                                f"{table.name} bevat {count} rij(en) van die batch. {_advice(batch)}")
    return problems + orphans + _inventory_problems(conn, {k: v for k, v in batches.items() if k not in flagged})


def _inventory_problems(conn: Connection, batches: dict) -> list[str]:
    """Every inventory of a units batch is described once, with as many units as it says (of
    ``batches`` not reported as half batches already)."""
    units, inventories = schema.units, schema.inventories
    keys = (units.c.batch_id, units.c.nis_code, units.c.observed_on)
    stored = {tuple(row[:3]): row[3] for row in conn.execute(select(*keys, func.count()).group_by(*keys))}
    described = {(row.batch_id, row.nis_code, row.observed_on): row.units_in_file + row.units_carried_over
                 for row in conn.execute(select(inventories))}
    problems = []
    for key in sorted(set(stored) | set(described), key=str):
        if stored.get(key, 0) != described.get(key, 0) and key[0] in batches:
            batch = batches[key[0]]
            problems.append(f"Batch {batch.batch_id} ({batch.file_name}), gemeente {key[1]} op {key[2]}: "
                            f"{stored.get(key, 0)} verkooppunt(en) opgeslagen, maar de inventaris beschrijft er "
                            f"{described.get(key, 0)}. {_advice(batch)}")
    return problems


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
