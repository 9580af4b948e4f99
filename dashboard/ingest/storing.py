"""Writing a prepared file as one batch: whole or not at all, never the same file twice."""

from __future__ import annotations

import pandas as pd

from dashboard.ingest.pipeline import Prepared, prepare
from dashboard.ingest.problems import ImportRejected
from dashboard.store.database import AlreadyImported, Batch, SampleDataPresent, Store, StoreBusy


def import_prepared(store: Store, prepared: Prepared, *, partial: bool = False, imported_by: str,
                    replace_sample: bool = False, is_sample: bool = False) -> int:
    """Store a prepared file as one batch and return its number.

    Without ``partial`` any error refuses the whole file. With ``partial`` the rows without
    errors land and every problem (errors and warnings) is kept with the batch. Sample data and
    imported data never mix: a store with sample data refuses the file, unless
    ``replace_sample`` removes the sample in the same transaction. ``is_sample`` marks a file of
    generated data (the benchmark's) as sample data itself.

    Raises
    ------
    ImportRejected
        With the problems, when the file was imported before, has errors (and not ``partial``),
        or has no valid row; when the store holds sample data (and not ``replace_sample``); or
        when another import kept the store busy (then a retry works).
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
    batch = Batch(kind=prepared.kind, file_name=prepared.file_name, raw=prepared.raw, imported_by=imported_by,
                  rows_total=len(prepared.cells), sha256=prepared.sha256, is_sample=is_sample,
                  note=f"{prepared.description}; {len(prepared.error_rows)} rij(en) geweigerd" if partial else
                  prepared.description)
    rejected = prepared.problems.astype({"row_number": "object"})
    rejected["row_number"] = rejected["row_number"].map(lambda n: None if pd.isna(n) else int(n))
    try:
        return store.add_batch(batch, rows.reset_index(drop=True), rejected, rows_rejected=len(prepared.error_rows),
                               refuse_duplicate=True, replace_sample=replace_sample)
    except AlreadyImported as duplicate:  # another process imported the same file a moment ago
        raise _imported_before(duplicate.batch_id) from duplicate
    except (StoreBusy, SampleDataPresent) as refused:
        raise ImportRejected(f"Geweigerd: {refused}") from refused


def _imported_before(batch_id: int) -> ImportRejected:
    return ImportRejected(f"Geweigerd: dit bestand werd al geïmporteerd als batch {batch_id}. "
                          f"Maak batch {batch_id} eerst ongedaan als je het opnieuw wilt importeren.")


def import_file(store: Store, raw: bytes, file_name: str, *, imported_by: str, partial: bool = False,
                replace_sample: bool = False, is_sample: bool = False, **options) -> int:
    """`prepare` and `import_prepared` in one step."""
    return import_prepared(store, prepare(raw, file_name, **options), partial=partial, imported_by=imported_by,
                           replace_sample=replace_sample, is_sample=is_sample)
