"""The store: batches of units, campaign figures, votes and shopping areas in SQLite or PostgreSQL.

SQLite (WAL mode) is the embedded default; any SQLAlchemy URL selects another database. Every
write is one transaction that also bumps the store version, so a batch lands whole or not at
all, and readers that cache on :meth:`Store.version` see it at once. Writers take the store's
write lock as their transaction begins (`Store._write`), so two imports at once queue instead of
failing, and readers never wait.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, func, insert, select, update

from analysis.sources import counted_inventories, counted_units
from dashboard.i18n import BATCH_KIND_LABELS
from dashboard.settings import db_url, source_preference
from dashboard.store import audit, batch_cache, bulk, migration, schema
from dashboard.store import engine as engines
from dashboard.store.engine import WRITER, open_engine, raising_store_faults
from dashboard.store.engine import StoreBusy as StoreBusy  # where callers have always found it

_VERSION = select(schema.store_meta.c.value).where(schema.store_meta.c.key == "version")
#: PostgreSQL advisory lock held while a process creates the schema ("KERN" in ASCII).
_CREATE_LOCK = 0x4B45524E


@dataclass(frozen=True, kw_only=True)
class Batch:
    """What a batch is besides its rows."""

    kind: str
    file_name: str
    raw: bytes | None = None
    imported_by: str = "onbekend"
    is_sample: bool = False
    rows_total: int | None = None
    note: str | None = None
    sha256: str | None = None
    #: Where a units file comes from (`analysis.sources.SOURCES`; None: ``other``).
    source: str | None = None
    #: Where the import was made (an address, or ``audit.COMMAND_LINE``), for the audit log.
    client: str = ""


class NoActiveBatch(LookupError):
    """No active batch has this number (it never existed, or it was rolled back already)."""

    def __init__(self, batch_id: int):
        super().__init__(f"Geen actieve batch met nummer {batch_id}: ze bestaat niet of werd al ongedaan gemaakt. "
                         "Er is niets gewijzigd.")
        self.batch_id = batch_id


class AlreadyImported(ValueError):
    """An active batch already holds a file with this SHA-256 (``batch_id`` names it)."""

    def __init__(self, batch_id: int):
        super().__init__(f"Dit bestand werd al geïmporteerd als batch {batch_id}.")
        self.batch_id = batch_id


class SampleDataPresent(RuntimeError):
    """Imported data would land beside generated sample data; the two never mix (``batch_ids``: the
    sample's active batches)."""

    def __init__(self, batch_ids: list[int]):
        listed = ", ".join(map(str, batch_ids))
        super().__init__(
            f"de databank bevat voorbeelddata (fictief, batch {listed}); echte gegevens komen er nooit naast. "
            "Verwijder de voorbeelddata eerst (python -m dashboard seed --remove) of importeer met "
            "--replace-sample; op de pagina Gegevens: 'Voorbeelddata verwijderen en importeren'. Er is niets "
            "opgeslagen.")
        self.batch_ids = batch_ids


@raising_store_faults
class Store:
    """A Kernmonitor store at a SQLAlchemy URL (``KERNMONITOR_DB`` or the embedded SQLite file).

    The schema is created on first use. A fault of the database or its disk raises the store's own
    Dutch error (`dashboard.store.engine.StoreFault`: busy, full, unavailable), never the driver's.
    """

    def __init__(self, url: str | None = None):
        self.url = url or db_url()
        self.engine = open_engine(self.url)
        # The same pool; its connections take the write lock as their transaction begins.
        self._writer = self.engine.execution_options(**{WRITER: True})
        with self.engine.connect() as conn:
            ready = not migration.missing(conn) and conn.execute(_VERSION).first() is not None
        if not ready:
            self._create()

    def _create(self) -> None:
        """Create the missing tables and the version row, one process at a time: two imports that
        open a new store at the same moment would otherwise both create it, and one would fail."""
        with self._writer.begin() as conn:  # SQLite: BEGIN IMMEDIATE, see `_engine`
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_CREATE_LOCK)))
            migration.upgrade(conn)
            if conn.execute(_VERSION).first() is None:
                conn.execute(insert(schema.store_meta).values(key="version", value=0))

    @contextmanager
    def _write(self, staged: list | None = None) -> Iterator[Connection]:
        """A write transaction that holds the store's write lock from its first statement.

        ``staged`` collects the staging files a writer attaches (`dashboard.store.bulk`); they are
        detached and removed when the transaction ends.

        Writers queue here instead of failing halfway, and what a writer reads inside the
        transaction (the duplicate-file check) stays true until it commits. SQLite: ``BEGIN
        IMMEDIATE`` (see `_engine`). PostgreSQL: the version row, which every write bumps anyway, is
        locked first. Both wait at most ``engines.BUSY_TIMEOUT_MS``, then raise `StoreBusy`. Readers never
        wait for writers (WAL, MVCC) and see a batch whole or not at all. A full disk or a lost server
        raises `StoreFull` or `StoreUnavailable`; nothing is written then.
        """
        with self._writer.connect() as conn:
            committing = False
            try:
                with conn.begin():
                    if conn.dialect.name != "sqlite":
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {engines.BUSY_TIMEOUT_MS}")
                        conn.execute(_VERSION.with_for_update())
                    yield conn
                    committing = True
            except Exception as problem:
                fault = engines.store_fault(problem, self.url, committing=committing)
                if fault is None or fault is problem:
                    raise
                raise fault from problem
            finally:
                if staged:
                    bulk.release(conn, staged)
            engines.count_commit()

    def version(self) -> int:
        """A number that changes with every batch written or rolled back (a cache key)."""
        with self.engine.connect() as conn:
            return conn.execute(_VERSION).scalar_one()

    def is_empty(self) -> bool:
        """Whether the store holds no batch at all."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(schema.batches)).scalar_one() == 0

    def add_batch(self, batch: Batch, rows: pd.DataFrame, rejected: pd.DataFrame | None = None, *,
                  inventories: pd.DataFrame | None = None, rows_rejected: int | None = None,
                  refuse_duplicate: bool = False, replace_sample: bool = False) -> int:
        """Write one batch with its rows (and rejected rows) in one transaction; return its id.

        ``rows`` has the columns of the batch kind's table (``schema.DATA_COLUMNS``); missing
        optional columns are stored as NULL. ``inventories`` describes each inventory of a units
        batch (``schema.INVENTORY_COLUMNS``); by default each municipality and date of ``rows`` is a
        complete inventory of the batch's source. ``rejected`` holds one problem per row
        (``schema.REJECTED_COLUMNS``); ``rows_rejected`` counts the file rows left out (by
        default one per problem).

        Raises
        ------
        AlreadyImported
            With ``refuse_duplicate``, when an active batch has the same SHA-256. The check runs
            inside the write transaction, so two processes importing one file at once cannot
            both land.
        SampleDataPresent
            When a batch that is not sample data would land beside active sample batches. With
            ``replace_sample`` those are rolled back in the same transaction instead, so the
            sample is gone exactly when the batch lands.
        StoreBusy
            When another write held the store longer than the busy timeout; nothing is written.
        """
        if batch.kind not in schema.DATA_TABLES:
            raise ValueError(f"Onbekende soort gegevens {batch.kind!r}.")
        rejected = rejected if rejected is not None else pd.DataFrame(columns=schema.REJECTED_COLUMNS)
        digest = batch.sha256 or hashlib.sha256(batch.raw or b"").hexdigest()
        staged: list = []
        with self._write(staged) as conn:
            if refuse_duplicate and (earlier := conn.execute(_active_with_checksum(digest)).scalar()) is not None:
                raise AlreadyImported(earlier)
            if not batch.is_sample and (sample := _active_sample(conn)):
                if not replace_sample:
                    raise SampleDataPresent(sample)
                _roll_back(conn, sample)
            batch_id = conn.execute(
                insert(schema.batches).returning(schema.batches.c.batch_id),
                {
                    "kind": batch.kind, "file_name": batch.file_name, "sha256": digest,
                    "rows_total": batch.rows_total if batch.rows_total is not None else len(rows) + len(rejected),
                    "rows_imported": len(rows) - _carried_over(inventories),
                    "rows_rejected": rows_rejected if rows_rejected is not None else len(rejected),
                    "imported_by": batch.imported_by, "imported_at": datetime.now(UTC),
                    "is_sample": batch.is_sample, "status": "active", "note": batch.note,
                    "source": (batch.source or "other") if batch.kind == "units" else None,
                },
            ).scalar_one()
            bulk.insert_file(conn, batch_id, batch.raw)
            if batch.kind == "units":
                described = inventories if inventories is not None else _complete_inventories(rows, batch.source)
                bulk.insert_frame(conn, schema.inventories, described, schema.INVENTORY_COLUMNS, batch_id,
                                  staged=staged)
            table = schema.DATA_TABLES[batch.kind]
            bulk.insert_frame(conn, table, rows, schema.DATA_COLUMNS[batch.kind], batch_id, staged=staged)
            bulk.insert_frame(conn, schema.rejected_rows, rejected, schema.REJECTED_COLUMNS, batch_id, staged=staged)
            if not batch.is_sample:
                audit.record(conn, actor=batch.imported_by, action="import", client=batch.client,
                             detail=f"batch {batch_id}: {batch.file_name} ({len(rows)} rij(en) "
                                    f"{BATCH_KIND_LABELS[batch.kind]})")
            _bump_version(conn)
        return batch_id

    def rollback_batch(self, batch_id: int, *, by: str = "onbekend", client: str = "") -> None:
        """Mark a batch rolled back: its rows stop counting, as if it had never been imported.
        ``by`` and ``client`` say who and from where, for the audit log."""
        with self._write() as conn:
            if _roll_back(conn, [batch_id]) != 1:
                raise NoActiveBatch(batch_id)
            audit.record(conn, actor=by, action="rollback", detail=f"batch {batch_id}", client=client)
            _bump_version(conn)

    def remove_sample(self, *, by: str = "onbekend", client: str = "") -> list[int]:
        """Roll back every active sample batch in one transaction (they stay in the history);
        return their numbers (none: nothing to do)."""
        with self._write() as conn:
            sample = _active_sample(conn)
            if sample:
                _roll_back(conn, sample)
                audit.record(conn, actor=by, action="sample_removed", client=client,
                             detail="batch " + ", ".join(map(str, sample)))
                _bump_version(conn)
        return sample

    def record_event(self, *, actor: str, action: str, detail: str = "", client: str = "") -> None:
        """Log an event that changes no data (a sign-in, an account change) in its own transaction."""
        with self._write() as conn:
            audit.record(conn, actor=actor, action=action, detail=detail, client=client)

    def audit_log(self, *, limit: int | None = None) -> pd.DataFrame:
        """The audit log, newest first (`dashboard.store.audit`)."""
        with self.engine.connect() as conn:
            return audit.events(conn, limit=limit)

    def batches(self) -> pd.DataFrame:
        """The batch history, newest first (the files are in ``batch_files``)."""
        query = select(schema.batches).order_by(schema.batches.c.batch_id.desc())
        with self.engine.connect() as conn:
            return pd.read_sql(query, conn)

    def batch_with_checksum(self, sha256: str) -> int | None:
        """The active batch that imported a file with this SHA-256, if any (a hint for previews:
        `add_batch` with ``refuse_duplicate`` is the race-free check)."""
        with self.engine.connect() as conn:
            return conn.execute(_active_with_checksum(sha256)).scalar_one_or_none()

    def rejected(self, batch_id: int) -> pd.DataFrame:
        """The problems kept with a batch (rejected rows and warnings)."""
        table = schema.rejected_rows
        query = select(*[table.c[c] for c in schema.REJECTED_COLUMNS]).where(table.c.batch_id == batch_id)
        with self.engine.connect() as conn:
            return pd.read_sql(query.order_by(table.c.row_number), conn)

    def save_mapping(self, name: str, kind: str, mapping: dict[str, str | None], *, saved_by: str,
                     client: str = "") -> None:
        """Keep a header mapping under a name, for the next file from the same source (replaces one
        of the same name)."""
        values = {"kind": kind, "mapping_json": json.dumps(mapping, ensure_ascii=False), "saved_by": saved_by,
                  "saved_at": datetime.now(UTC)}
        table = schema.header_mappings
        with self._write() as conn:
            done = conn.execute(update(table).where(table.c.name == name).values(**values)).rowcount
            if not done:
                conn.execute(insert(table).values(name=name, **values))
            audit.record(conn, actor=saved_by, action="mapping_saved", detail=f"{name} ({kind})", client=client)

    def mapping(self, name: str) -> tuple[str, dict[str, str | None]] | None:
        """A saved header mapping's kind and mapping, or None when no mapping has that name."""
        table = schema.header_mappings
        with self.engine.connect() as conn:
            row = conn.execute(select(table.c.kind, table.c.mapping_json).where(table.c.name == name)).first()
        return (row.kind, json.loads(row.mapping_json)) if row else None

    def mappings(self, kind: str | None = None) -> dict[str, dict[str, str | None]]:
        """Saved header mappings by name (of one kind, or all)."""
        table = schema.header_mappings
        query = select(table.c.name, table.c.mapping_json).order_by(table.c.name)
        if kind is not None:
            query = query.where(table.c.kind == kind)
        with self.engine.connect() as conn:
            return {name: json.loads(text) for name, text in conn.execute(query)}

    def has_sample_data(self) -> bool:
        """Whether any active batch holds generated sample data."""
        return bool(self.sample_batches())

    def sample_batches(self) -> list[int]:
        """The active batches of generated sample data."""
        with self.engine.connect() as conn:
            return _active_sample(conn)

    def units(self, *, counted: bool = True) -> pd.DataFrame:
        """Units of active batches, with ``is_register`` (from a register of vacant premises only);
        for one unit (municipality + ``unit_id``) on one date the latest batch wins. Ids are only
        unique within a municipality (town registers number from 1).

        ``counted``: only the inventories that count (`analysis.sources.counted_units`: one
        source of complete inventories per municipality and year, a register only without one);
        otherwise all of them (to compare a register with an inventory).
        """
        frame = self._active_rows("units")
        inventories = self.inventories()
        frame = counted_units(frame, inventories, source_preference(), keep_all=not counted)
        return latest_batch_wins(frame, key=["nis_code", "unit_id", "observed_on"], within=["nis_code", "observed_on"])

    def registers(self) -> pd.DataFrame:
        """The units of every active register of vacant premises, counted or not (to compare with the
        complete inventory of the same year); columns as `units`."""
        inventories = self.inventories()
        registers = inventories[inventories["inventory_kind"] == "register"]
        table = schema.batches
        query = select(table.c.batch_id, table.c.sha256, table.c.imported_at).where(
            table.c.batch_id.in_([int(b) for b in registers["batch_id"].unique()]))
        with self.engine.connect() as conn:
            batches = pd.read_sql(query, conn)
        frame = batch_cache.read_table(self.engine, "units", batches=batches)
        return counted_units(frame, registers, keep_all=True).query("is_register").reset_index(drop=True)

    def inventories(self) -> pd.DataFrame:
        """The inventories of active units batches (``batch_id`` and ``schema.INVENTORY_COLUMNS``),
        with the batch's ``file_name`` and ``imported_at`` and ``is_counted``
        (`analysis.sources.counted_inventories` with the preference of the settings)."""
        table, batches = schema.inventories, schema.batches
        query = (select(table, batches.c.file_name, batches.c.imported_at)
                 .join(batches, batches.c.batch_id == table.c.batch_id)
                 .where(batches.c.status == "active").order_by(table.c.batch_id, table.c.nis_code, table.c.observed_on))
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["observed_on"] = pd.to_datetime(frame["observed_on"])
        return frame.assign(is_counted=counted_inventories(frame, source_preference()))

    def campaign(self) -> pd.DataFrame:
        """Campaign figures of active batches; per municipality and edition the latest batch wins."""
        return self._active_rows("campaign", key=["nis_code", "edition"])

    def votes(self) -> pd.DataFrame:
        """Per-shop ambassador votes of active batches; per municipality, edition and shop the
        latest batch wins."""
        return self._active_rows("votes", key=["nis_code", "edition", "shop_name"], within=["nis_code", "edition"])

    def areas(self) -> pd.DataFrame:
        """Declared shopping areas of every active batch, each row with its ``batch_id``
        (`dashboard.tables.areas.current_areas` keeps the latest per municipality and id)."""
        return self._active_rows("areas")

    def _active_rows(self, kind: str, *, key: list[str] | None = None, within: list[str] | None = None
                     ) -> pd.DataFrame:
        """The rows of the active batches of ``kind``; with ``key``, the latest batch's per key."""
        table = schema.batches
        active = select(table.c.batch_id, table.c.sha256, table.c.imported_at).where(
            table.c.status == "active", table.c.kind == kind)
        with self.engine.connect() as conn:
            batches = pd.read_sql(active, conn)
        frame = batch_cache.read_table(self.engine, kind, batches=batches)
        return frame if key is None else latest_batch_wins(frame, key=key, within=within or key)


def _carried_over(inventories: pd.DataFrame | None) -> int:
    """Rows an update carried over from the inventory before it (stored, but not from the file)."""
    return 0 if inventories is None else int(inventories["units_carried_over"].sum())


def _complete_inventories(rows: pd.DataFrame, source: str | None) -> pd.DataFrame:
    """Each municipality and date of ``rows`` as a complete inventory of ``source``."""
    sizes = rows.groupby(["nis_code", "observed_on"], observed=True).size().reset_index(name="units_in_file")
    return sizes.assign(inventory_kind="complete", source=source or "other", units_carried_over=0,
                        based_on_batch_id=None)


def _active_sample(conn: Connection) -> list[int]:
    table = schema.batches
    query = select(table.c.batch_id).where(table.c.is_sample.is_(True), table.c.status == "active")
    return sorted(conn.execute(query).scalars())


def _roll_back(conn: Connection, batch_ids: list[int]) -> int:
    """Mark active batches rolled back; return how many were."""
    table = schema.batches
    return conn.execute(update(table).where(table.c.batch_id.in_(batch_ids), table.c.status == "active")
                        .values(status="rolled_back", rolled_back_at=datetime.now(UTC))).rowcount


def latest_batch_wins(frame: pd.DataFrame, *, key: list[str], within: list[str]) -> pd.DataFrame:
    """One row per ``key``: the row of the latest batch.

    Only rows whose ``within`` group (an inventory: place and date) comes from more than one
    batch are compared, so a store of separate inventories costs almost nothing here.
    """
    if frame["batch_id"].nunique() < 2:
        return frame.reset_index(drop=True)
    frame = frame.iloc[frame["batch_id"].argsort(kind="stable")]
    overlapping = frame.groupby(within, observed=True)["batch_id"].transform("nunique") > 1
    if not overlapping.any():
        return frame.reset_index(drop=True)
    superseded = overlapping & frame[overlapping].duplicated(key, keep="last").reindex(frame.index,
                                                                                       fill_value=False)
    return frame[~superseded].reset_index(drop=True)


def _active_with_checksum(sha256: str):
    return (select(schema.batches.c.batch_id)
            .where(schema.batches.c.sha256 == sha256, schema.batches.c.status == "active").limit(1))


def _bump_version(conn: Connection) -> None:
    conn.execute(update(schema.store_meta).where(schema.store_meta.c.key == "version")
                 .values(value=schema.store_meta.c.value + 1))
