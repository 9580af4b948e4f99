"""Writing a prepared file as one batch: whole or not at all, never the same file twice."""

from __future__ import annotations

import pandas as pd

from dashboard import settings
from dashboard.i18n import INVENTORY_KIND_LABELS
from dashboard.ingest import inventory_plan
from dashboard.ingest.pipeline import Prepared, prepare
from dashboard.ingest.problems import ImportRejected
from dashboard.store.database import AlreadyImported, Batch, SampleDataPresent, Store, StoreBusy


def import_prepared(store: Store, prepared: Prepared, *, partial: bool = False, imported_by: str,
                    replace_sample: bool = False, is_sample: bool = False, inventory: str | dict | None = None,
                    source: str | None = None, accept_proposals: bool = False, client: str = "") -> int:
    """Store a prepared file as one batch and return its number (``client``: where the import
    came from, for the audit log).

    Without ``partial`` any error refuses the whole file. With ``partial`` the rows without
    errors land and every problem (errors and warnings) is kept with the batch. Sample data and
    imported data never mix: a store with sample data refuses the file, unless
    ``replace_sample`` removes the sample in the same transaction. ``is_sample`` marks a file of
    generated data (the benchmark's) as sample data itself.

    A units file's inventories are stored as the kinds ``inventory`` names (one for all, or per
    NIS code; `dashboard.ingest.inventory_plan`); without it, as proposed where that is clear
    (or everywhere, with ``accept_proposals``: the page showed the proposals and the user kept them).
    ``source``: where the file comes from (None: proposed from its headers).

    Raises
    ------
    ImportRejected
        With the problems, when the file was imported before, has errors (and not ``partial``),
        or has no valid row; when the store holds sample data (and not ``replace_sample``); when
        a municipality's kind of inventory is not clear or cannot be stored; or when another
        import kept the store busy (then a retry works).
    """
    # Checked first so a file imported before is named as such even when it has errors; the
    # race-free check is the one inside the write transaction (`refuse_duplicate` below).
    earlier = store.batch_with_checksum(prepared.sha256)
    if earlier is not None:
        raise _imported_before(earlier)
    errors = prepared.errors
    if not prepared.file_errors.empty:
        raise ImportRejected(f"Geweigerd: {prepared.file_name} kan niet geïmporteerd worden. Er is niets "
                             "opgeslagen.", prepared.problems)
    if not errors.empty and not partial:
        raise ImportRejected(
            f"Geweigerd: {len(errors)} fout(en) in {len(prepared.error_rows)} rij(en) van {prepared.file_name}. "
            "Er is niets opgeslagen. Verbeter de rijen hieronder, of importeer alleen de goede rijen "
            "(--partial).", prepared.problems)
    rows = prepared.valid_rows
    if rows.empty:
        raise ImportRejected(f"Geweigerd: geen enkele goede rij in {prepared.file_name}.", prepared.problems)
    inventories = None
    if not (is_sample or replace_sample) and (sample := store.sample_batches()):
        raise ImportRejected(f"Geweigerd: {SampleDataPresent(sample)}")  # before any plan against fictional data
    if prepared.kind == "units":
        planned = plan_for(store, prepared, inventory=inventory, source=source, replace_sample=replace_sample,
                           accept_proposals=accept_proposals)
        rows, inventories, source = planned.rows, planned.inventories, planned.source
    batch = Batch(kind=prepared.kind, file_name=prepared.file_name, raw=prepared.raw, imported_by=imported_by,
                  rows_total=prepared.rows_read, sha256=prepared.sha256, is_sample=is_sample, source=source,
                  client=client,
                  note=f"{prepared.description}; {len(prepared.error_rows)} rij(en) geweigerd" if partial else
                  prepared.description)
    rejected = prepared.problems.astype({"row_number": "object"})
    rejected["row_number"] = rejected["row_number"].map(lambda n: None if pd.isna(n) else int(n))
    try:
        return store.add_batch(batch, rows.reset_index(drop=True), rejected, inventories=inventories,
                               rows_rejected=len(prepared.error_rows), refuse_duplicate=True,
                               replace_sample=replace_sample)
    except AlreadyImported as duplicate:  # another process imported the same file a moment ago
        raise _imported_before(duplicate.batch_id) from duplicate
    except (StoreBusy, SampleDataPresent) as refused:
        raise ImportRejected(f"Geweigerd: {refused}") from refused


def plan_for(store: Store, prepared: Prepared, *, inventory: str | dict | None = None, source: str | None = None,
             replace_sample: bool = False, accept_proposals: bool = False, strict: bool = True,
             stored: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> inventory_plan.Plan:
    """`dashboard.ingest.inventory_plan.plan` of a units file's valid rows against the store (an
    empty one when the sample will be replaced).

    Raises
    ------
    ImportRejected
        With ``strict``: when a kind chosen cannot be stored (`Plan.refusals`), or when a
        municipality's kind is not clear, ``inventory`` does not name it and the proposals are
        not accepted: the message names the counts and the choices. Without ``strict`` the plan
        comes back as it is, for a preview.

    ``stored``: the store's ``units()`` and ``inventories()`` when the caller holds them already.
    """
    if stored is None:
        # A kind chosen for the whole file needs the stored units only to update them (the
        # proposals then only fill a preview, which passes them).
        needed = not isinstance(inventory, str) or inventory == "update"
        inventories = store.inventories()
        stored = (store.units() if needed else pd.DataFrame(), inventories)
    stored, inventories = stored
    if replace_sample:
        stored, inventories = stored.iloc[0:0], inventories.iloc[0:0]
    planned = inventory_plan.plan(prepared.valid_rows, headers=list(prepared.preview.columns),
                                  file_name=prepared.file_name, stored=stored, stored_inventories=inventories,
                                  inventory=inventory, source=source, preference=settings.source_preference())
    if strict and planned.refusals:
        raise ImportRejected("Geweigerd: " + " ".join(planned.refusals) + " Er is niets opgeslagen.")
    if strict and not accept_proposals and not planned.unclear.empty:
        raise ImportRejected(_unclear_message(planned.unclear))
    return planned


def _unclear_message(unclear) -> str:
    reasons = "; ".join(unclear["reason"])
    choices = "; ".join(f"--inventory {kind} ({label})" for kind, label in INVENTORY_KIND_LABELS.items())
    return (f"Geweigerd: niet duidelijk wat dit bestand is. {reasons}. Kies {choices}. Een aanvulling vervangt de "
            "panden in het bestand en neemt de andere van de laatste inventaris ongewijzigd over. Er is niets "
            "opgeslagen.")


def _imported_before(batch_id: int) -> ImportRejected:
    return ImportRejected(f"Geweigerd: dit bestand werd al geïmporteerd als batch {batch_id}. "
                          f"Maak batch {batch_id} eerst ongedaan als je het opnieuw wilt importeren.")


def import_file(store: Store, raw: bytes, file_name: str, *, imported_by: str, partial: bool = False,
                replace_sample: bool = False, is_sample: bool = False, inventory: str | dict | None = None,
                source: str | None = None, **options) -> int:
    """`prepare` and `import_prepared` in one step."""
    return import_prepared(store, prepare(raw, file_name, **options), partial=partial, imported_by=imported_by,
                           replace_sample=replace_sample, is_sample=is_sample, inventory=inventory, source=source)
