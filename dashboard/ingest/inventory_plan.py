"""What a units file is, per municipality, and what the store will hold after it.

Each municipality's inventory in a file is ``complete`` (every outlet on that date), an
``update`` of the latest stored state (the file's units replace theirs, the rest carries over)
or a ``register`` of vacant premises only (`analysis.sources`). `plan` proposes a kind per
inventory from the file and the store, says why, applies the kinds chosen and returns the rows
to store: for an update, the whole inventory after it, so rolling the batch back restores the
state before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.inventory_changes import matched_ids, updated_inventory
from analysis.sources import DEFAULT_PREFERENCE, INVENTORY_KINDS, SOURCES, counted_inventories
from dashboard.i18n import SOURCE_LABELS, format_date, format_number
from dashboard.ingest.columns import normalise_header
from dashboard.ingest.places import place

#: Headers only a Locatus export writes (normalised, see `dashboard.ingest.columns.normalise_header`).
_LOCATUS_HEADERS = frozenset({"vkpid", "pndid", "wvo", "groep", "hoofdbranche", "pvastraat", "pvahuisnr1",
                              "pvapostcode"})
#: A file holding at least this share of the previous inventory's units is clearly a complete inventory.
_COMPLETE_SHARE = 0.5
#: The batch number a planned inventory gets in comparisons: after every stored one.
_NEW_BATCH = 2**62
PROPOSAL_COLUMNS = ["nis_code", "municipality", "observed_on", "units_in_file", "units_vacant", "previous_observed_on",
                    "previous_units", "units_matched", "proposed_kind", "is_clear", "reason", "chosen",
                    "inventory_kind", "units_carried_over", "is_counted", "counts"]


@dataclass(frozen=True)
class Plan:
    """A units file's inventories as they will be stored.

    Attributes
    ----------
    source : the batch's source.
    proposals : one row per inventory in the file (`PROPOSAL_COLUMNS`): the kind proposed and
        why, the kind chosen, and which source the municipality's figures for that year use.
    rows : the units to store (an update's carried-over units included).
    inventories : the batch's inventories (``dashboard.store.schema.INVENTORY_COLUMNS``).
    refusals : why the kinds chosen cannot be stored (Dutch sentences); empty when they can.
    """

    source: str
    proposals: pd.DataFrame
    rows: pd.DataFrame
    inventories: pd.DataFrame
    refusals: list[str]

    @property
    def unclear(self) -> pd.DataFrame:
        """Inventories whose kind nobody chose and the file does not make clear."""
        return self.proposals[~self.proposals["is_clear"] & self.proposals["chosen"].isna()]


def propose_source(headers: list[str], file_name: str, kinds: list[str]) -> str:
    """The source a file most likely comes from: ``register`` when every inventory in it is one,
    ``locatus`` for a Locatus export's headers or name, otherwise ``other``.

    >>> propose_source(["VKP_ID", "NAAM", "GROEP", "WVO"], "export.csv", ["complete"])
    'locatus'
    >>> propose_source(["straat", "nr"], "leegstand.csv", ["register"]), propose_source(["straat"], "a.csv", [])
    ('register', 'other')
    """
    if kinds and all(kind == "register" for kind in kinds):
        return "register"
    if "locatus" in file_name.lower() or {normalise_header(h) for h in headers} & _LOCATUS_HEADERS:
        return "locatus"
    return "other"


def plan(rows: pd.DataFrame, *, headers: list[str], file_name: str, stored: pd.DataFrame,
         stored_inventories: pd.DataFrame, inventory: str | dict | None = None, source: str | None = None,
         preference=DEFAULT_PREFERENCE) -> Plan:
    """Propose and apply inventory kinds for a units file's valid ``rows``.

    Parameters
    ----------
    stored : the units that count now (``Store.units()``, with ``is_register``).
    stored_inventories : the store's inventories (``Store.inventories()``).
    inventory : one kind for every inventory in the file, or ``{nis_code: kind}``; None: the
        proposed kinds (see `propose`; `Plan.unclear` lists those that need a choice).
    source : the file's source; None: `propose_source`.
    """
    choices = inventory if isinstance(inventory, dict) else {}
    proposals = propose(rows, stored).assign(chosen=lambda p: p["nis_code"].map(
        lambda nis: choices.get(nis, inventory if isinstance(inventory, str) else None)))
    proposals["inventory_kind"] = proposals["chosen"].fillna(proposals["proposed_kind"])
    source = source or propose_source(headers, file_name, proposals["inventory_kind"].tolist())
    if source not in SOURCES:
        raise ValueError(f"Onbekende bron {source!r}: kies {', '.join(SOURCES)}.")
    parts, described, refusals, carried_counts = [], [], [], []
    for proposal, (_, incoming) in zip(proposals.itertuples(), rows.groupby(["nis_code", "observed_on"], sort=True),
                                       strict=True):
        kind, carried = proposal.inventory_kind, 0
        base_source, based_on = _update_base(proposal, stored_inventories) if kind == "update" else (None, None)
        refusal = _refusal(proposal, kind, incoming)
        if refusal:
            refusals.append(refusal)
        if kind == "update" and not refusal:
            incoming, carried = updated_inventory(_previous(stored, proposal.nis_code, proposal.observed_on), incoming)
        parts.append(incoming)
        carried_counts.append(carried)
        described.append({"nis_code": proposal.nis_code, "observed_on": proposal.observed_on, "inventory_kind": kind,
                          "source": base_source or ("register" if kind == "register" and source == "other"
                                                    else source),
                          "units_in_file": proposal.units_in_file, "units_carried_over": carried,
                          "based_on_batch_id": based_on})
    inventories = pd.DataFrame(described, columns=["nis_code", "observed_on", "inventory_kind", "source",
                                                   "units_in_file", "units_carried_over", "based_on_batch_id"])
    proposals["units_carried_over"] = carried_counts
    proposals["is_counted"], proposals["counts"] = _which_counts(inventories, stored_inventories, preference)
    planned = pd.concat(parts, ignore_index=True) if parts else rows.iloc[0:0]
    return Plan(source=source, proposals=proposals, rows=planned, inventories=inventories, refusals=refusals)


def propose(rows: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
    """Per municipality and date in ``rows``: the kind the file most likely is, whether that is
    clear, and why (`PROPOSAL_COLUMNS` up to ``reason``).

    Clear: every unit of the file vacant (a register: a file with occupied units elsewhere is an
    inventory, however few units a municipality has in it); no earlier inventory, or at least half
    of the latest inventory's units in the file (complete). Otherwise an update is proposed, not
    clear.
    """
    found = []
    only_vacant = bool((rows["status"] == "vacant").all())
    for (nis_code, day), incoming in rows.groupby(["nis_code", "observed_on"], sort=True):
        vacant = int((incoming["status"] == "vacant").sum())
        previous = _previous(stored, nis_code, day)
        matched = int(matched_ids(previous, incoming).notna().sum()) if len(previous) else 0
        name = _name(nis_code)
        counted = f"{format_number(len(incoming))} panden voor {name}"
        if only_vacant:
            kind, clear, reason = "register", True, f"{counted}, alle leeg: een register van leegstaande panden?"
        elif previous.empty:
            kind, clear, reason = "complete", True, f"{counted}; nog geen eerdere inventaris: een volledige inventaris"
        else:
            last = f"de laatste inventaris ({format_date(previous['observed_on'].iloc[0])}) telt er " \
                   f"{format_number(len(previous))}, waarvan {format_number(matched)} in het bestand"
            clear = matched >= _COMPLETE_SHARE * len(previous)
            kind = "complete" if clear else "update"
            reason = f"{counted}, {last}: " + ("een volledige inventaris" if clear else "een aanvulling?")
        found.append({"nis_code": nis_code, "municipality": name, "observed_on": day,
                      "units_in_file": len(incoming), "units_vacant": vacant,
                      "previous_observed_on": previous["observed_on"].iloc[0] if len(previous) else pd.NaT,
                      "previous_units": len(previous), "units_matched": matched, "proposed_kind": kind,
                      "is_clear": clear, "reason": reason})
    return pd.DataFrame(found, columns=PROPOSAL_COLUMNS[:PROPOSAL_COLUMNS.index("chosen")])


def _previous(stored: pd.DataFrame, nis_code: str, day) -> pd.DataFrame:
    """The municipality's latest complete inventory on or before ``day`` (registers do not count)."""
    own = stored[(stored["nis_code"] == nis_code) & ~stored["is_register"].astype(bool)
                 & (pd.to_datetime(stored["observed_on"]) <= day)] if len(stored) else stored
    if own.empty:
        return stored.iloc[0:0].assign(observed_on=pd.Series(dtype="datetime64[ns]"))
    dates = pd.to_datetime(own["observed_on"])
    return own[dates == dates.max()].astype({"unit_id": object, "street": object, "house_number": object})


def _update_base(proposal, inventories: pd.DataFrame) -> tuple[str | None, int | None]:
    """The source and batch of the inventory an update continues: its figures keep that source."""
    if pd.isna(proposal.previous_observed_on):
        return None, None
    own = inventories[(inventories["nis_code"] == proposal.nis_code) & inventories["is_counted"]
                      & (inventories["observed_on"] == proposal.previous_observed_on)]
    if own.empty:
        return None, None
    return str(own["source"].iloc[-1]), int(own["batch_id"].iloc[-1])


def _refusal(proposal, kind: str, incoming: pd.DataFrame) -> str | None:
    where = f"{proposal.municipality} ({format_date(proposal.observed_on)})"
    if kind not in INVENTORY_KINDS:
        return f"{where}: onbekende soort inventaris {kind!r}; kies {', '.join(INVENTORY_KINDS)}."
    if kind == "update" and proposal.previous_units == 0:
        return (f"{where}: een aanvulling wijzigt de laatste inventaris, maar er is nog geen inventaris op of voor "
                "die datum. Importeer het bestand als complete inventaris (--inventory complete).")
    occupied = len(incoming) - proposal.units_vacant
    if kind == "register" and occupied:
        return (f"{where}: een register bevat alleen leegstaande panden, maar {format_number(occupied)} van de "
                f"{format_number(len(incoming))} zijn bezet. Kies complete of update, of laat de bezette rijen weg.")
    return None


def _which_counts(planned: pd.DataFrame, stored: pd.DataFrame, preference) -> tuple[list[bool], list[str]]:
    """Per planned inventory: whether the municipality's figures of that year will use it, and if
    not which source they use (`analysis.sources.counted_inventories` after the import)."""
    keys = ["nis_code", "observed_on", "inventory_kind", "source"]
    together = pd.concat([stored[keys + ["batch_id"]].assign(is_new=False, was_counted=stored["is_counted"]),
                          planned[keys].assign(batch_id=_NEW_BATCH, is_new=True, was_counted=False)],
                         ignore_index=True)
    together["observed_on"] = pd.to_datetime(together["observed_on"])
    together["is_counted"] = counted_inventories(together, preference)
    messages = []
    new = together[together["is_new"]]
    for row in new.itertuples():
        year = row.observed_on.year
        others = together[(together["nis_code"] == row.nis_code) & (together["observed_on"].dt.year == year)
                          & ~together["is_new"]]
        winners = others[others["is_counted"]]
        if row.is_counted:
            dropped = others[others["was_counted"].astype(bool) & ~others["is_counted"]]
            replaced = sorted({SOURCE_LABELS[s] for s in dropped["source"]})
            messages.append("telt mee" + (f"; vervangt voor {year}: {', '.join(replaced)} (batch "
                                          f"{', '.join(map(str, sorted(dropped['batch_id'])))})" if replaced else ""))
        elif row.inventory_kind == "register":
            messages.append(f"register: alleen leegstaande panden; de cijfers van {year} komen uit de volledige "
                            "inventaris, het register wordt ermee vergeleken")
        else:
            used = sorted({SOURCE_LABELS[s] for s in winners["source"]})
            messages.append(f"telt niet mee: de cijfers van {year} blijven die van {', '.join(used)} (batch "
                            f"{', '.join(map(str, sorted(winners['batch_id'])))}; voorkeur "
                            f"{', '.join(SOURCE_LABELS[s] for s in preference)})")
    return new["is_counted"].tolist(), messages


def _name(nis_code: str) -> str:
    found = place(nis_code)
    return found.name if found else nis_code
