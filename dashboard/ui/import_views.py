"""Builders for the Gegevens page: the import preview tables, the batch history, templates.

Plain functions of data, so tests check them without a browser; the page only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis.inventory_changes import COMPARED_COLUMNS, inventory_changes
from dashboard.i18n import (
    BATCH_KIND_LABELS,
    DATE_FORMAT,
    DATETIME_FORMAT,
    INVENTORY_KIND_LABELS,
    SOURCE_LABELS,
    format_pct,
)
from dashboard.ingest import Prepared, compact, problems
from dashboard.ingest.columns import KIND_LABELS, specs
from dashboard.ingest.inventory_plan import Plan
from dashboard.ingest.problems import REPORT_HEADERS
from dashboard.regions import municipality_names

AUTOMATIC = "automatisch"
UNUSED = "(niet gebruiken)"
BATCH_HEADERS = {"batch_id": "Batch", "kind": "Soort", "source": "Bron", "file_name": "Bestand",
                 "rows_imported": "Rijen",
                 "rows_rejected": "Geweigerd", "imported_by": "Door", "imported_at": "Op", "status": "Status"}
STATUS_LABELS = {"active": "actief", "rolled_back": "ongedaan gemaakt"}
KIND_SHORT = BATCH_KIND_LABELS


@dataclass(frozen=True)
class ImportOptions:
    """The import widgets' values."""

    kind: str | None
    observed_on: date | None
    sheet: str | None
    saved_mapping: str | None


def kind_options() -> list[str]:
    return [AUTOMATIC, *KIND_LABELS]


def kind_label(kind: str) -> str:
    return "automatisch (uit de kopregel)" if kind == AUTOMATIC else KIND_LABELS[kind]


def inventory_kind_label(kind: str) -> str:
    return "voorstel per gemeente (zie hieronder)" if kind == AUTOMATIC else INVENTORY_KIND_LABELS[kind]


def column_options(kind: str) -> list[str | None]:
    """What a file column can fill: nothing, or one canonical column of the kind."""
    return [None, *specs(kind)]


def column_label(kind: str):
    labels = {name: f"{spec.label} ({name})" for name, spec in specs(kind).items()}
    return lambda name: UNUSED if name is None else labels[name]


def problem_table(prepared: Prepared) -> pd.DataFrame:
    """The validation report with Dutch headers, whole-file problems first; empty where a problem
    has no row, column or value."""
    return _blank(prepared.problems).rename(columns=REPORT_HEADERS)


def grouped_problem_table(prepared: Prepared) -> pd.DataFrame:
    """One row per kind of problem (`dashboard.ingest.problems.grouped`) with Dutch headers: the
    same problem in a thousand rows is one row with its row ranges and count."""
    return _blank(problems.grouped(prepared.problems)).rename(columns=problems.GROUPED_HEADERS)


def preview(prepared: Prepared, rows: int = 10) -> pd.DataFrame:
    """The file's first rows as read, numbered as in the file ("rij"), empty cells empty."""
    return _blank(prepared.preview.head(rows)).rename_axis("rij")


def stored_message(prepared: Prepared, batch_id: int, *, partial: bool, replaced_sample: bool) -> str:
    """What an import stored: "Opgeslagen als batch 3: 4 rijen; 3 rijen met fouten apart bewaard."."""
    message = f"Opgeslagen als batch {batch_id}: {len(prepared.valid_rows)} rij(en)"
    refused = prepared.errors["row_number"].dropna().nunique() if partial else 0
    if refused:
        message += f"; {refused} rij(en) met fouten apart bewaard (met hun reden, in de batch)"
    return message + "." + (" De voorbeelddata zijn verwijderd." if replaced_sample else "")


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing cells as empty text, never "None" or "<NA>" (numbers stay numbers elsewhere)."""
    shown = frame.astype(object)
    return shown.where(shown.notna(), "")


def change_table(stored_units: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Per municipality and inventory: units new, changed, unchanged, gone, and the rate before → after."""
    changes = inventory_changes(stored_units, incoming)
    names = municipality_names("2018")
    return pd.DataFrame({
        "Gemeente": changes["nis_code"].map(names).fillna(changes["nis_code"]),
        "Peildatum": pd.to_datetime(changes["observed_on"]).dt.strftime(DATE_FORMAT),
        "Vergeleken met": pd.to_datetime(changes["compared_with"]).dt.strftime(DATE_FORMAT).fillna(
            "– (eerste inventaris)"),
        "Nieuw": changes["units_new"], "Gewijzigd": changes["units_changed"],
        "Ongewijzigd": changes["units_unchanged"], "Verdwenen": changes["units_gone"],
        "Leegstand voor → na": [f"{format_pct(before)} → {format_pct(after)}" for before, after
                                in zip(changes["vacancy_rate_before"], changes["vacancy_rate_after"], strict=True)],
    })


def proposal_table(planned: Plan) -> pd.DataFrame:
    """Per municipality and date in the file: what it is taken for, why, and whether it counts."""
    rows = planned.proposals
    return pd.DataFrame({
        "Gemeente": rows["municipality"], "Peildatum": rows["observed_on"].dt.strftime(DATE_FORMAT),
        "Panden in het bestand": rows["units_in_file"],
        "Laatste inventaris": rows["previous_observed_on"].dt.strftime(DATE_FORMAT).fillna("–"),
        "Panden daarin": rows["previous_units"], "Daarvan in het bestand": rows["units_matched"],
        "Voorstel": rows["proposed_kind"].map(INVENTORY_KIND_LABELS), "Waarom": rows["reason"],
        "Wordt opgeslagen als": rows["inventory_kind"].map(INVENTORY_KIND_LABELS),
        "Overgenomen panden": rows["units_carried_over"], "Telt mee": rows["counts"],
    })


def planned_changes(stored_units: pd.DataFrame, planned: Plan) -> pd.DataFrame:
    """`change_table` of the inventories that will be stored and count: not registers (they change
    no inventory: the Gemeente page compares them), nor those another source takes precedence over
    (`proposal_table` says so)."""
    shown = planned.proposals[planned.proposals["is_counted"] & (planned.proposals["inventory_kind"] != "register")]
    rows = planned.rows[[*COMPARED_COLUMNS, "unit_id", "nis_code", "observed_on"]]
    # Each inventory of the rows judged once; when every one is shown, the rows are not copied
    # (a merge copied every column of every row: 0,2 GB at the row limit).
    numbers, first = compact.combinations(rows["nis_code"], rows["observed_on"])
    inventories = pd.MultiIndex.from_arrays([rows["nis_code"].iloc[first], rows["observed_on"].iloc[first]])
    kept = inventories.isin(pd.MultiIndex.from_frame(shown[["nis_code", "observed_on"]]))[numbers]
    return change_table(stored_units[~stored_units["is_register"].astype(bool)], rows if kept.all() else rows[kept])


def rows_per_municipality(prepared: Prepared) -> pd.DataFrame:
    """For campaign and votes files: how many rows each municipality brings, per edition."""
    rows = prepared.valid_rows
    names = municipality_names("2018")
    counts = rows.groupby(["nis_code", "edition"]).size().reset_index(name="Rijen")
    counts.insert(0, "Gemeente", counts.pop("nis_code").map(names))
    return counts.rename(columns={"edition": "Editie"})


#: Who imported a batch, as viewers see it: account names are for coordinators only.
ANONYMOUS_IMPORTER = "coördinator"


def history_table(batches: pd.DataFrame, *, names: bool = True) -> pd.DataFrame:
    """The batch history with Dutch headers and values; without ``names`` every importer but the
    sample's reads `ANONYMOUS_IMPORTER`."""
    table = batches[list(BATCH_HEADERS)].copy()
    if not names:
        table["imported_by"] = table["imported_by"].where(batches["is_sample"].astype(bool), ANONYMOUS_IMPORTER)
    table["kind"] = table["kind"].map(KIND_SHORT)
    table["source"] = table["source"].map(SOURCE_LABELS)
    table["status"] = table["status"].map(STATUS_LABELS)
    table["imported_at"] = pd.to_datetime(table["imported_at"], utc=True).dt.tz_convert("Europe/Brussels") \
        .dt.strftime(DATETIME_FORMAT)
    return table.rename(columns=BATCH_HEADERS)


def active_batches(batches: pd.DataFrame) -> list[int]:
    return [int(b) for b in batches.loc[batches["status"] == "active", "batch_id"]]


def import_summary(prepared: Prepared) -> str:
    """One line on what the file is and holds."""
    errors, warnings = len(prepared.errors), len(prepared.problems) - len(prepared.errors)
    return (f"{prepared.description} · {prepared.rows_read} rijen · {KIND_LABELS[prepared.kind]} · "
            f"{errors} fout(en), {warnings} waarschuwing(en) · {len(prepared.valid_rows)} rijen klaar om te importeren")
