"""The store's tables, defined once (SQLAlchemy Core).

Every data row belongs to a batch: one import, with its file, checksum, who and when. Only rows
of active batches count; where two active batches describe the same unit on the same date, the
later batch wins.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from analysis.sources import INVENTORY_KINDS, SOURCES

metadata = MetaData()

BATCH_KINDS = ("units", "campaign", "votes", "areas")
BATCH_STATUSES = ("active", "rolled_back")
UNIT_STATUSES = ("occupied", "vacant")
#: Severities of a rejected row's problem: an error keeps the row out, a warning lets it in.
ERROR = "fout"
WARNING = "waarschuwing"

store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

batches = Table(
    "batches",
    metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_imported", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("imported_by", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    # The file itself is in `batch_files`. Stores made before that table keep the files of their
    # earlier batches in a column ``raw`` here, which this model no longer names.
    Column("is_sample", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("rolled_back_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=True),
    # Where a units file comes from (`analysis.sources.SOURCES`); empty for campaign and votes.
    Column("source", String(16), nullable=True),
    CheckConstraint(f"kind IN {BATCH_KINDS}", name="batch_kind"),
    CheckConstraint(f"status IN {BATCH_STATUSES}", name="batch_status"),
    # Which batches are active, without reading past a stored file (stores made before
    # `batch_files` keep it before ``status`` in the row, so a scan would read every file's pages).
    Index("ix_batches_status", "status", "kind", "batch_id"),
)

#: The file of each batch (its bytes as imported), in a table of its own: the bytes are the last
#: value of the row, which lets SQLite write them a slice at a time (`dashboard.store.bulk.insert_file`).
batch_files = Table(
    "batch_files",
    metadata,
    Column("batch_id", Integer, ForeignKey("batches.batch_id"), primary_key=True, autoincrement=False),
    Column("raw", LargeBinary, nullable=False),
)


def _batch_column() -> Column:
    return Column("batch_id", Integer, ForeignKey("batches.batch_id"), nullable=False)


units = Table(
    "units",
    metadata,
    _batch_column(),
    Column("unit_id", Text, nullable=False),
    Column("nis_code", String(5), nullable=False),
    Column("municipality", Text),
    Column("postcode", String(4)),
    Column("street", Text),
    Column("house_number", Text),
    Column("name", Text),
    Column("category", Text),
    Column("group_code", String(2)),
    Column("status", String(8), nullable=False),
    Column("floor_area_m2", Float),
    Column("vacant_since", Date),
    Column("vacant_since_precision", String(5)),  # "month" or "year" (its first day); NULL: the day
    Column("observed_on", Date, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("chain", Boolean),
    Column("shopping_area", Text),
    CheckConstraint(f"status IN {UNIT_STATUSES}", name="unit_status"),
    CheckConstraint("floor_area_m2 IS NULL OR floor_area_m2 >= 0", name="unit_floor_area"),
    Index("ix_units_batch", "batch_id"),
    Index("ix_units_observed_nis", "observed_on", "nis_code"),
)

#: Per units batch, each municipality's inventory in it: its kind (`analysis.sources.INVENTORY_KINDS`),
#: the source its figures count as (an update keeps that of the inventory it updates) and how many of its
#: units came from the file and how many an update carried over from ``based_on_batch_id``.
inventories = Table(
    "inventories",
    metadata,
    Column("batch_id", Integer, ForeignKey("batches.batch_id"), nullable=False),
    Column("nis_code", String(5), nullable=False),
    Column("observed_on", Date, nullable=False),
    Column("inventory_kind", String(8), nullable=False),
    Column("source", String(16), nullable=False),
    Column("units_in_file", Integer, nullable=False),
    Column("units_carried_over", Integer, nullable=False),
    Column("based_on_batch_id", Integer, nullable=True),
    PrimaryKeyConstraint("batch_id", "nis_code", "observed_on"),
    CheckConstraint(f"inventory_kind IN {INVENTORY_KINDS}", name="inventory_kind"),
    CheckConstraint(f"source IN {SOURCES}", name="inventory_source"),
)
#: Columns of an inventories frame, without ``batch_id``.
INVENTORY_COLUMNS = [c.name for c in inventories.columns if c.name != "batch_id"]

campaign = Table(
    "campaign",
    metadata,
    _batch_column(),
    Column("nis_code", String(5), nullable=False),
    Column("municipality", Text),
    Column("edition", Integer, nullable=False),
    Column("participating_shops", Integer),
    Column("bags_distributed", Integer),
    Column("ambassador_candidates", Integer),
    Column("votes_cast", Integer),
    Column("ambassadors", Integer),
    Column("events", Integer),
    Column("social_reach", Integer),
    Column("budget_eur", Numeric(14, 2)),
    Index("ix_campaign_batch", "batch_id"),
)

votes = Table(
    "votes",
    metadata,
    _batch_column(),
    Column("nis_code", String(5), nullable=False),
    Column("municipality", Text),
    Column("edition", Integer, nullable=False),
    Column("shop_name", Text, nullable=False),
    Column("kbo_number", String(10)),
    Column("votes", Integer, nullable=False),
    Column("winner", Boolean, nullable=False),
    Index("ix_votes_batch", "batch_id"),
)

#: Declared shopping areas (`dashboard.ingest.areas`): an area is known by its municipality and the
#: file's id; the latest active batch's row wins. A polygon is WKT in WGS84 (lon lat); the point
#: is the file's, or one inside the polygon.
areas = Table(
    "areas",
    metadata,
    _batch_column(),
    Column("area_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("area_type", Text, nullable=False),
    Column("nis_code", String(5), nullable=False),
    Column("municipality", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geometry", Text),
    Column("area_ha", Float),
    Index("ix_areas_batch", "batch_id"),
)

rejected_rows = Table(
    "rejected_rows",
    metadata,
    _batch_column(),
    Column("row_number", Integer),
    Column("column_name", Text),
    Column("value", Text),
    Column("problem", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Index("ix_rejected_batch", "batch_id"),
)

header_mappings = Table(
    "header_mappings",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("mapping_json", Text, nullable=False),
    Column("saved_by", Text, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("client", Text, nullable=False),
)

#: The data table of each batch kind.
DATA_TABLES = {"units": units, "campaign": campaign, "votes": votes, "areas": areas}
#: Columns of each data table, without ``batch_id``: the frame a batch brings.
DATA_COLUMNS = {kind: [c.name for c in table.columns if c.name != "batch_id"]
                for kind, table in DATA_TABLES.items()}
#: Columns of a rejected-row report.
REJECTED_COLUMNS = [c.name for c in rejected_rows.columns if c.name != "batch_id"]
