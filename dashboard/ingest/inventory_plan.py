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
from dashboard.ingest.places import name_of

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
    earlier = _earlier_inventories(stored, rows)
    proposals = propose(rows, earlier).assign(chosen=lambda p: p["nis_code"].map(
        lambda nis: choices.get(nis, inventory if isinstance(inventory, str) else None)))
    proposals["inventory_kind"] = proposals["chosen"].fillna(proposals["proposed_kind"])
    source = source or propose_source(headers, file_name, proposals["inventory_kind"].tolist())
    if source not in SOURCES:
        raise ValueError(f"Onbekende bron {source!r}: kies {', '.join(SOURCES)}.")
    refusals = [refusal for proposal in proposals.itertuples() if (refusal := _refusal(proposal))]
    described = proposals[["nis_code", "observed_on", "inventory_kind", "units_in_file"]].assign(
        source="register" if source == "other" else source, units_carried_over=0, based_on_batch_id=None)
    described["source"] = described["source"].where(described["inventory_kind"] == "register", source)
    keys = ["nis_code", "observed_on"]
    updates = proposals.index[(proposals["inventory_kind"] == "update") & (proposals["previous_units"] > 0)]
    merged = []
    for at in updates:  # an update is stored whole: the file's units and those it carries over
        proposal = proposals.loc[at]
        incoming = rows[(rows["nis_code"] == proposal["nis_code"]) & (rows["observed_on"] == proposal["observed_on"])]
        after, carried = updated_inventory(_previous(earlier, proposal["nis_code"], proposal["observed_on"]), incoming)
        merged.append(after)
        described.loc[at, ["source", "based_on_batch_id"]] = _update_base(proposal, stored_inventories)
        described.loc[at, "units_carried_over"] = carried
    if merged:
        kept = rows.merge(proposals.loc[updates, keys], on=keys, how="left", indicator=True)["_merge"] == "left_only"
        rows = pd.concat([rows[kept.to_numpy()], *merged], ignore_index=True)
    proposals["units_carried_over"] = described["units_carried_over"]
    proposals["is_counted"], proposals["counts"] = _which_counts(described, stored_inventories, preference)
    inventories = described[["nis_code", "observed_on", "inventory_kind", "source", "units_in_file",
                             "units_carried_over", "based_on_batch_id"]]
    return Plan(source=source, proposals=proposals, rows=rows, inventories=inventories, refusals=refusals)


def _earlier_inventories(stored: pd.DataFrame, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The stored units of complete inventories (no registers) per municipality of ``rows``."""
    if stored.empty:
        return {}
    wanted = stored["nis_code"].isin(set(rows["nis_code"])).to_numpy() & ~stored["is_register"].to_numpy(bool)
    own = stored[wanted].assign(observed_on=lambda f: pd.to_datetime(f["observed_on"]))
    own = own.astype({"nis_code": object, "unit_id": object, "street": object, "house_number": object})
    return dict(tuple(own.groupby("nis_code", sort=False)))


def propose(rows: pd.DataFrame, earlier: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per municipality and date in ``rows``: the kind the file most likely is, whether that is
    clear, and why (`PROPOSAL_COLUMNS` up to ``reason``). ``earlier``: the stored units of complete
    inventories per municipality (`_earlier_inventories`).

    Clear: every unit of the file vacant (a register: a file with occupied units elsewhere is an
    inventory, however few units a municipality has in it); no earlier inventory, or at least half
    of the latest inventory's units in the file (complete). Otherwise an update is proposed, not
    clear.
    """
    found = []
    is_vacant = rows["status"].eq("vacant")
    only_vacant = bool(is_vacant.all())
    grouped = is_vacant.groupby([rows["nis_code"], rows["observed_on"]], sort=True)
    positions = grouped.indices  # the rows of each inventory, taken only to match them
    for (nis_code, day), size, vacant in zip(grouped.size().index, grouped.size(), grouped.sum(), strict=True):
        previous = _previous(earlier, nis_code, day)
        matched = (int(matched_ids(previous, rows.iloc[positions[(nis_code, day)]]).notna().sum())
                   if len(previous) else 0)
        size, vacant = int(size), int(vacant)
        name = name_of(nis_code)
        counted = f"{format_number(size)} panden voor {name}"
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
                      "units_in_file": size, "units_vacant": vacant,
                      "previous_observed_on": previous["observed_on"].iloc[0] if len(previous) else pd.NaT,
                      "previous_units": len(previous), "units_matched": matched, "proposed_kind": kind,
                      "is_clear": clear, "reason": reason})
    return pd.DataFrame(found, columns=PROPOSAL_COLUMNS[:PROPOSAL_COLUMNS.index("chosen")])


_NONE = pd.DataFrame(columns=["unit_id", "nis_code", "street", "house_number", "status", "observed_on"])


def _previous(earlier: dict[str, pd.DataFrame], nis_code: str, day) -> pd.DataFrame:
    """The municipality's latest complete inventory on or before ``day`` (empty: none)."""
    own = earlier.get(nis_code)
    if own is None:
        return _NONE
    own = own[own["observed_on"] <= day]
    return own[own["observed_on"] == own["observed_on"].max()]


def _update_base(proposal, inventories: pd.DataFrame) -> tuple[str, int | None]:
    """The source and batch of the inventory an update continues: its figures keep that source."""
    own = inventories[(inventories["nis_code"] == proposal["nis_code"]) & inventories["is_counted"]
                      & (inventories["observed_on"] == proposal["previous_observed_on"])]
    if own.empty:  # a store that does not describe it (it always does)
        return "other", None
    return str(own["source"].iloc[-1]), int(own["batch_id"].iloc[-1])


def _refusal(proposal) -> str | None:
    kind = proposal.inventory_kind
    where = f"{proposal.municipality} ({format_date(proposal.observed_on)})"
    if kind not in INVENTORY_KINDS:
        return f"{where}: onbekende soort inventaris {kind!r}; kies {', '.join(INVENTORY_KINDS)}."
    if kind == "update" and proposal.previous_units == 0:
        return (f"{where}: een aanvulling wijzigt de laatste inventaris, maar er is nog geen inventaris op of voor "
                "die datum. Importeer het bestand als complete inventaris (--inventory complete).")
    occupied = proposal.units_in_file - proposal.units_vacant
    if kind == "register" and occupied:
        return (f"{where}: een register bevat alleen leegstaande panden, maar {format_number(occupied)} van de "
                f"{format_number(proposal.units_in_file)} zijn bezet. Kies complete of update, of laat de bezette "
                "rijen weg.")
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
    new, old = together[together["is_new"]], together[~together["is_new"]]
    year_of = [old["nis_code"].astype(str), old["observed_on"].dt.year]
    old = old[pd.MultiIndex.from_arrays(year_of).isin(list(zip(new["nis_code"].astype(str),
                                                                 new["observed_on"].dt.year, strict=True)))]
    by_year = dict(tuple(old.groupby([old["nis_code"].astype(str), old["observed_on"].dt.year])))
    for row in new.itertuples():
        year = row.observed_on.year
        others = by_year.get((str(row.nis_code), year), old.iloc[0:0])
        winners = others[others["is_counted"]]
        if row.is_counted and row.inventory_kind == "register":
            messages.append(f"telt mee als register: {year} heeft geen volledige inventaris, dus leegstaande panden "
                            "zonder leegstandspercentage")
        elif row.is_counted:
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
