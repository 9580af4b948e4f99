"""Bringing a store made by an earlier version up to the schema: additive changes only.

A new table is created; a new column (always nullable) or index of an existing table is added; rows an
earlier version could not record get the value that version implied: every units batch held
complete inventories of source ``other``. The one constraint that grew, the list of batch kinds
(``areas`` came with the table of that name), is widened in place: every stored kind is in the new
list, so no row changes.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, inspect, literal, select

from dashboard.store import schema


def missing(conn: Connection) -> list[tuple[str, str | None]]:
    """(table, column) the database lacks; column None: the whole table."""
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    gaps: list[tuple[str, str | None]] = []
    for name, table in schema.metadata.tables.items():
        if name not in present:
            gaps.append((name, None))
            continue
        columns = {column["name"] for column in inspector.get_columns(name)}
        gaps += [(name, column.name) for column in table.columns if column.name not in columns]
    return gaps


def upgrade(conn: Connection) -> None:
    """Create missing tables and columns, and fill what they describe for earlier batches."""
    gaps = missing(conn)
    new_tables = {table for table, column in gaps if column is None}
    schema.metadata.create_all(conn)
    for table, column in gaps:
        if column is None:
            continue
        spec = schema.metadata.tables[table].c[column]
        if not spec.nullable:
            raise RuntimeError(f"Kolom {table}.{column} kan niet toegevoegd worden aan een bestaande databank.")
        kind = spec.type.compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    for table in schema.metadata.tables.values():  # indexes of tables that existed already
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    if "inventories" in new_tables:
        _describe_earlier_inventories(conn)
    _widen_batch_kinds(conn)


def _widen_batch_kinds(conn: Connection) -> None:
    """Let batches of every kind of ``schema.BATCH_KINDS`` in where the store's CHECK constraint
    ``batch_kind`` names fewer (a store made before areas could be imported)."""
    found = [c for c in inspect(conn).get_check_constraints("batches") if c["name"] == "batch_kind"]
    if not found or all(f"'{kind}'" in found[0]["sqltext"] for kind in schema.BATCH_KINDS):
        return
    wanted = "kind IN (" + ", ".join(f"'{kind}'" for kind in schema.BATCH_KINDS) + ")"
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql(f"ALTER TABLE batches DROP CONSTRAINT batch_kind, "
                             f"ADD CONSTRAINT batch_kind CHECK ({wanted})")
        return
    # SQLite cannot alter a constraint. Its documented way to loosen one without copying the table
    # (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes") edits the
    # table's definition in sqlite_schema, inside this transaction, and bumps the schema version.
    definition = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'batches'").scalar_one()
    if found[0]["sqltext"] not in definition:
        raise RuntimeError("De lijst van soorten batches in deze databank kan niet bijgewerkt worden: de tabel batches "
                           "is anders gedefinieerd dan Kernmonitor ze maakte. Zet een back-up terug in een nieuwe "
                           "databank (python -m dashboard restore).")
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'batches'",
                             (definition.replace(found[0]["sqltext"], wanted),))
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def _describe_earlier_inventories(conn: Connection) -> None:
    units = schema.units
    query = select(units.c.batch_id, units.c.nis_code, units.c.observed_on, literal("complete"), literal("other"),
                   func.count(), literal(0)).group_by(units.c.batch_id, units.c.nis_code, units.c.observed_on)
    target = schema.inventories.c
    conn.execute(insert(schema.inventories).from_select(
        [target.batch_id, target.nis_code, target.observed_on, target.inventory_kind, target.source,
         target.units_in_file, target.units_carried_over], query))
