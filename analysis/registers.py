"""A town's register of vacant premises beside a complete inventory of the same year.

The register and the inventory (Locatus, a town survey) rarely agree: the comparison a
town-centre manager wants is which premises both call vacant, which the register lists but the
inventory calls occupied or lacks, and which the inventory finds vacant but the register misses.
"""

from __future__ import annotations

import pandas as pd

from analysis.inventory_changes import matched_ids

#: How a premises compares, in the order a report lists them.
MATCHES = ("both_vacant", "occupied_in_inventory", "register_only", "inventory_only")
COMPARISON_COLUMNS = ["nis_code", "match", "street", "house_number", "name", "unit_id", "inventory_unit_id",
                      "inventory_status", "vacant_since", "vacant_since_precision"]


def register_comparison(register: pd.DataFrame, inventory: pd.DataFrame) -> pd.DataFrame:
    """Per premises of one municipality's register and complete inventory: how they compare.

    The register's premises are matched to the inventory's units by ``unit_id``, then by address
    (`analysis.inventory_changes.matched_ids`). ``match`` is one of `MATCHES`:

    - ``both_vacant``: in the register, and vacant in the inventory;
    - ``occupied_in_inventory``: in the register, but occupied in the inventory;
    - ``register_only``: in the register, not found in the inventory;
    - ``inventory_only``: vacant in the inventory, not in the register.

    Parameters
    ----------
    register, inventory : DataFrame
        Units with ``unit_id``, ``nis_code``, ``street``, ``house_number``, ``name``, ``status``
        and ``vacant_since``.

    Returns
    -------
    DataFrame with `COMPARISON_COLUMNS`, one row per premises (address and name as the register
    writes them; the inventory's for ``inventory_only``). ``vacant_since`` (with
    ``vacant_since_precision`` where the units have it) is the register's, or the inventory's when
    the register does not say and the inventory has the premises vacant too.

    Examples
    --------
    >>> inventory = pd.DataFrame({"unit_id": ["L1", "L2", "L3", "L4"], "nis_code": "34022",
    ...     "street": ["Markt", "Markt", "Markt", "Markt"], "house_number": ["1", "2", "3", "4"],
    ...     "name": None, "status": ["vacant", "occupied", "vacant", "occupied"],
    ...     "vacant_since": pd.to_datetime(["2020-03-01", None, None, None])})
    >>> register = pd.DataFrame({"unit_id": ["r1", "r2", "r3"], "nis_code": "34022",
    ...     "street": ["Markt", "Markt", "Zuidstraat"], "house_number": ["1", "2", "9"], "name": None,
    ...     "status": "vacant", "vacant_since": pd.NaT})
    >>> register_comparison(register, inventory)[["match", "house_number"]].values.tolist()
    [['both_vacant', '1'], ['occupied_in_inventory', '2'], ['register_only', '9'], ['inventory_only', '3']]
    >>> register_comparison(register, inventory)["vacant_since"].iloc[0]  # the register does not say: the inventory
    Timestamp('2020-03-01 00:00:00')
    """
    register = register.reset_index(drop=True)
    inventory = inventory.astype({"unit_id": object, "street": object, "house_number": object})
    found = matched_ids(inventory, register.astype({"unit_id": object, "street": object, "house_number": object}))
    status = inventory.drop_duplicates("unit_id").set_index("unit_id")["status"]
    listed = register.assign(inventory_unit_id=found.to_numpy(), inventory_status=found.map(status).to_numpy())
    _vacant_since_from(listed, inventory)
    listed["match"] = listed["inventory_status"].map({"vacant": "both_vacant", "occupied": "occupied_in_inventory"}
                                                     ).fillna("register_only")
    missed = inventory[(inventory["status"] == "vacant") & ~inventory["unit_id"].isin(set(found.dropna()))]
    missed = missed.assign(match="inventory_only", inventory_unit_id=missed["unit_id"], unit_id=None,
                           inventory_status="vacant")
    both = pd.concat([listed, missed], ignore_index=True)
    if "vacant_since_precision" not in both:  # units stored before precision was kept: days
        both["vacant_since_precision"] = None
    both["match"] = pd.Categorical(both["match"], categories=MATCHES, ordered=True)
    return both.sort_values("match", kind="stable")[COMPARISON_COLUMNS].reset_index(drop=True)


def comparison_counts(comparison: pd.DataFrame) -> pd.Series:
    """How many premises of each `MATCHES` (zeros included).

    >>> comparison_counts(pd.DataFrame({"match": ["both_vacant", "register_only", "both_vacant"]})).tolist()
    [2, 0, 1, 0]
    """
    return comparison["match"].astype(pd.CategoricalDtype(MATCHES)).value_counts().reindex(MATCHES, fill_value=0)


def _vacant_since_from(listed: pd.DataFrame, inventory: pd.DataFrame) -> None:
    """Where the register does not say since when a premises is vacant, the inventory's date (and
    its precision), when the inventory has it vacant too."""
    vacant = inventory[inventory["status"] == "vacant"].drop_duplicates("unit_id").set_index("unit_id")
    missing = listed["vacant_since"].isna() & listed["inventory_unit_id"].isin(vacant.index)
    if not missing.any():
        return
    found = listed.loc[missing, "inventory_unit_id"]
    listed["vacant_since"] = pd.to_datetime(listed["vacant_since"]).astype("datetime64[ns]")
    listed.loc[missing, "vacant_since"] = pd.to_datetime(found.map(vacant["vacant_since"])).to_numpy()
    if "vacant_since_precision" in vacant:
        listed["vacant_since_precision"] = listed.get("vacant_since_precision", pd.Series(None, index=listed.index)
                                                      ).astype(object)
        listed.loc[missing, "vacant_since_precision"] = found.map(vacant["vacant_since_precision"].astype(object))
