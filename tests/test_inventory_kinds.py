"""Kinds of inventory (complete, update, register) and sources: each file gives the numbers a
person computes by hand, or a Dutch refusal that says what to choose (SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.cli.main import main
from dashboard.store import integrity
from dashboard.store.database import Store
from dashboard.tables.indicators import vacancy_table
from tests.conftest import _postgres_server, fresh_postgres_database


def _export(town: str, prefix: str, vacant: list[bool]) -> bytes:
    """A Locatus-like export of 1/1/2024: units <prefix>1… at Markt 1…, vacant where ``vacant`` says."""
    rows = [f"{prefix}{n};{town};Markt;{n};{'leeg;00-Leegstand' if empty else 'bezet;11-Dagelijks'};01/01/2024"
            for n, empty in enumerate(vacant, start=1)]
    return ("pand_id;gemeente;straat;huisnummer;status;groep;peildatum\n" + "\n".join(rows) + "\n").encode()


#: Kortrijk on 1/1/2024, a Locatus export: 10 units L1–L10 at Markt 1–10, Markt 1 and 2 vacant → 2/10.
KORTRIJK = _export("Kortrijk", "L", [True] * 2 + [False] * 8)
#: The town's correction of 1/6/2024, by address only: Markt 2 taken again, Markt 3 now empty
#: (written "3 " with a space), Zuidstraat 1 new and occupied.
CORRECTION = (b"gemeente;straat;huisnummer;status;peildatum\n"
              b"Kortrijk;Markt;2;bezet;01/06/2024\n"
              b"Kortrijk;MARKT;3 ;leeg;01/06/2024\n"
              b"Kortrijk;Zuidstraat;1;bezet;01/06/2024\n")


def _import(tmp_path, capsys, url: str, name: str, raw: bytes, *options: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(raw)
    code = main(["import", str(path), "--db", url, "--by", "test", *options])
    return code, capsys.readouterr().err


def _municipal(url: str, nis_code: str) -> pd.DataFrame:
    table = vacancy_table(Store(url).units(), level="municipality")
    return table[table["nis_code"] == nis_code].set_index("observed_on")


def test_a_correction_is_refused_without_a_kind_then_updates_and_rolls_back(store_url, tmp_path, capsys):
    assert _import(tmp_path, capsys, store_url, "kortrijk.csv", KORTRIJK)[0] == 0
    code, err = _import(tmp_path, capsys, store_url, "correctie.csv", CORRECTION)
    assert code == 1
    assert ("3 panden voor Kortrijk, de laatste inventaris (01/01/2024) telt er 10, waarvan 2 in het bestand: "
            "een aanvulling?") in err
    assert "--inventory complete" in err and "--inventory update" in err and "--inventory register" in err
    assert len(Store(store_url).batches()) == 1  # nothing stored

    code, err = _import(tmp_path, capsys, store_url, "correctie.csv", CORRECTION, "--inventory", "update")
    assert code == 0, err
    assert "Kortrijk 01/06/2024: aanvulling (wijzigingen), bron Locatus, 3 uit het bestand + 8 ongewijzigd " \
           "overgenomen" in err
    rows = _municipal(store_url, "34022")
    after = rows.loc[pd.Timestamp("2024-06-01")]
    # 10 + Zuidstraat 1 = 11 units; vacant: Markt 1 (carried over) and Markt 3 → 2/11.
    assert (after["units_total"], after["units_vacant"]) == (11, 2)
    assert after["vacancy_rate_units"] == pytest.approx(2 / 11)
    # Matched by address onto L2 and L3, so flows follow them: one new vacancy, one reoccupation,
    # one opening, no closure; all 10 earlier units followed by their Locatus id.
    assert [after[c] for c in ["new_vacancies", "reoccupations", "openings", "closures"]] == [1, 1, 1, 0]
    assert (after["units_followed_by_id"], after["units_followed_by_address"]) == (10, 0)
    batch = Store(store_url).batches().set_index("batch_id").loc[2]
    assert (batch["rows_total"], batch["rows_imported"], batch["rows_rejected"], batch["source"]) == (3, 3, 0, "other")
    assert integrity.check(Store(store_url).engine) == []

    assert main(["rollback", "2", "--db", store_url]) == 0
    rows = _municipal(store_url, "34022")
    assert rows.index.tolist() == [pd.Timestamp("2024-01-01")]
    assert (rows.iloc[0]["units_total"], rows.iloc[0]["vacancy_rate_units"]) == (10, 0.2)


def test_a_kind_the_file_cannot_be_is_refused(store_url, tmp_path, capsys):
    code, err = _import(tmp_path, capsys, store_url, "correctie.csv", CORRECTION, "--inventory", "update")
    assert code == 1 and "nog geen inventaris op of voor die datum" in err
    code, err = _import(tmp_path, capsys, store_url, "kortrijk.csv", KORTRIJK, "--inventory", "register")
    assert code == 1 and "een register bevat alleen leegstaande panden, maar 8 van de 10 zijn bezet" in err
    assert Store(store_url).batches().empty


#: Diksmuide on 1/1/2024 (Locatus): 10 units, Markt 1 vacant → 1/10.
DIKSMUIDE = _export("Diksmuide", "D", [True] + [False] * 9)
#: The town's register of 1/3/2024: Markt 1 (vacant in Locatus too), Markt 5 (occupied there),
#: Zuidstraat 9 (not in Locatus).
REGISTER = (b"gemeente;straat;huisnummer;status;leeg sinds;peildatum\n"
            b"Diksmuide;Markt;1;leeg;01/01/2022;01/03/2024\n"
            b"Diksmuide;Markt;5;leeg;01/12/2023;01/03/2024\n"
            b"Diksmuide;Zuidstraat;9;leeg;;01/03/2024\n")


def test_a_register_never_counts_twice_and_is_compared_by_address(store_url, tmp_path, capsys):
    assert _import(tmp_path, capsys, store_url, "diksmuide.csv", DIKSMUIDE)[0] == 0
    code, err = _import(tmp_path, capsys, store_url, "register.csv", REGISTER)  # all vacant: clearly a register
    assert code == 0, err
    assert "register (alleen leegstaande panden), bron register van de gemeente, 3 uit het bestand (telt niet " \
           "mee" in err
    rows = _municipal(store_url, "32003")
    assert rows.index.tolist() == [pd.Timestamp("2024-01-01")]  # the register adds no inventory
    assert (rows.iloc[0]["units_total"], rows.iloc[0]["units_vacant"]) == (10, 1)

    assert main(["indicators", "--topic", "register", "--db", store_url]) == 0
    out, err = capsys.readouterr()
    assert ("Diksmuide 2024: register van 01/03/2024, 3 panden, tegenover de inventaris van 01/01/2024: 1 in beide "
            "leeg, 1 in de inventaris bezet, 1 alleen in het register, 0 alleen in de inventaris leeg.") in err
    listed = pd.read_csv(pd.io.common.StringIO(out), dtype=str)
    assert listed[["match", "street", "house_number", "inventory_unit_id"]].fillna("").values.tolist() == [
        ["both_vacant", "Markt", "1", "D1"], ["occupied_in_inventory", "Markt", "5", "D5"],
        ["register_only", "Zuidstraat", "9", ""]]


def test_a_register_alone_gives_vacant_premises_but_no_rate(store_url, tmp_path, capsys):
    assert _import(tmp_path, capsys, store_url, "diksmuide.csv", DIKSMUIDE)[0] == 0
    ieper = REGISTER.replace(b"Diksmuide", b"Ieper")
    assert _import(tmp_path, capsys, store_url, "ieper.csv", ieper)[0] == 0
    row = _municipal(store_url, "33011").iloc[0]
    assert bool(row["is_register_only"]) and row["units_vacant"] == 3
    assert pd.isna(row["vacancy_rate_units"]) and pd.isna(row["units_total"]) and pd.isna(row["vacancy_band"])
    assert row["units_vacant_dated"] == 2  # Zuidstraat 9 has no date
    # The province adds up inventories of every outlet: Diksmuide's 10 units, 1 vacant; not Ieper.
    province = vacancy_table(Store(store_url).units(), level="province").set_index("year").loc[2024]
    assert (province["units_total"], province["units_vacant"]) == (10, 1)


#: Kortrijk's own survey of 1/6/2024: 4 units, 1 vacant → 1/4.
OWN_SURVEY = (b"gemeente;straat;huisnummer;status;peildatum\n"
              b"Kortrijk;Markt;1;leeg;01/06/2024\nKortrijk;Markt;2;bezet;01/06/2024\n"
              b"Kortrijk;Markt;3;bezet;01/06/2024\nKortrijk;Markt;4;bezet;01/06/2024\n")


def test_two_sources_of_one_year_never_add_up_and_the_preference_decides(store_url, tmp_path, capsys,
                                                                         monkeypatch):
    assert _import(tmp_path, capsys, store_url, "kortrijk.csv", KORTRIJK)[0] == 0
    code, err = _import(tmp_path, capsys, store_url, "telling.csv", OWN_SURVEY, "--inventory", "complete",
                        "--source", "own_survey")
    assert code == 0 and "bron eigen telling, 4 uit het bestand (telt niet mee" in err
    assert Store(store_url).batches().set_index("batch_id")["source"].to_dict() == {1: "locatus", 2: "own_survey"}
    rows = _municipal(store_url, "34022")
    assert rows.index.tolist() == [pd.Timestamp("2024-01-01")]  # Locatus first: 2/10
    assert rows.iloc[0]["vacancy_rate_units"] == 0.2
    monkeypatch.setenv("KERNMONITOR_SOURCE_PREFERENCE", "own_survey,locatus,other")
    rows = _municipal(store_url, "34022")
    assert rows.index.tolist() == [pd.Timestamp("2024-06-01")]
    assert rows.iloc[0]["vacancy_rate_units"] == 0.25


def _update_file(changes: dict[int, bool], new: list[bool]) -> bytes:
    rows = [f"Kortrijk;Markt;{n};{'leeg' if empty else 'bezet'};01/07/2024" for n, empty in changes.items()]
    rows += [f"Kortrijk;Nieuwstraat;{n};{'leeg' if empty else 'bezet'};01/07/2024" for n, empty in enumerate(new, 1)]
    return ("gemeente;straat;huisnummer;status;peildatum\n" + "\n".join(rows) + "\n").encode()


def _update_then_rollback(url: str, vacant: list[bool], changes: dict[int, bool], new: list[bool]) -> None:
    from dashboard import ingest

    store = Store(url)
    # Declared complete: a file of vacant units only would otherwise be taken for a register.
    ingest.import_file(store, _export("Kortrijk", "L", vacant), "kortrijk.csv", imported_by="test",
                       inventory="complete")
    alone = vacancy_table(store.units(), level="municipality")
    update = ingest.import_file(store, _update_file(changes, new), "update.csv", imported_by="test",
                                inventory="update")
    after = vacancy_table(store.units(), level="municipality").set_index("observed_on").loc[pd.Timestamp("2024-07-01")]
    # By hand: the changed units take their new status, the others keep theirs, the new ones add.
    merged = [changes.get(n, empty) for n, empty in enumerate(vacant, start=1)] + new
    assert (after["units_total"], after["units_vacant"]) == (len(merged), sum(merged))
    store.rollback_batch(update)
    pd.testing.assert_frame_equal(vacancy_table(store.units(), level="municipality"), alone)


def _cases():
    from hypothesis import strategies as st

    return st.lists(st.booleans(), min_size=1, max_size=25).flatmap(lambda vacant: st.tuples(
        st.just(vacant), st.dictionaries(st.integers(1, len(vacant)), st.booleans(), max_size=len(vacant)),
        st.lists(st.booleans(), max_size=5))).filter(lambda case: case[1] or case[2])  # an update changes something


def test_an_update_rolled_back_leaves_the_complete_inventory_alone(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_cases())
    def check(case):
        _update_then_rollback(f"sqlite:///{tmp_path_factory.mktemp('eigenschap') / 'k.db'}", *case)

    check()


def test_an_update_rolled_back_leaves_the_complete_inventory_alone_on_postgresql():
    from hypothesis import HealthCheck, given, settings

    server = _postgres_server()

    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_cases())
    def check(case):
        with fresh_postgres_database(server) as url:
            _update_then_rollback(url, *case)

    check()


def test_the_preview_says_which_source_the_figures_use(store_url, tmp_path, capsys):
    from dashboard import ingest

    assert _import(tmp_path, capsys, store_url, "kortrijk.csv", KORTRIJK)[0] == 0
    store = Store(store_url)
    survey = ingest.prepare(OWN_SURVEY, "telling.csv")
    planned = ingest.plan_for(store, survey, inventory="complete", source="own_survey", strict=False)
    assert planned.proposals["counts"].tolist() == [
        "telt niet mee: de cijfers van 2024 blijven die van Locatus (batch 1; voorkeur Locatus, eigen telling, "
        "andere bron)"]
    locatus_again = ingest.prepare(KORTRIJK.replace(b"01/01/2024", b"01/02/2024"), "locatus-februari.csv")
    planned = ingest.plan_for(store, locatus_again, strict=False)
    assert (planned.source, planned.proposals["counts"].tolist()) == ("locatus", ["telt mee"])
    ingest.import_prepared(store, survey, imported_by="test", inventory="complete", source="own_survey")
    planned = ingest.plan_for(Store(store_url), ingest.prepare(OWN_SURVEY.replace(b"2024", b"2023"), "t.csv"),
                              source="own_survey", strict=False)
    assert planned.proposals["counts"].tolist() == ["telt mee"]  # 2023 has no other inventory


def test_the_changes_leave_out_a_register_beside_a_complete_inventory():
    from dashboard.ingest import inventory_plan
    from dashboard.ui.import_views import planned_changes
    from tests.conftest import unit_rows

    # Kortrijk: 4 units, 1 vacant, a complete inventory; Ieper: 2 vacant premises, a register.
    rows = pd.concat([unit_rows({"status": "vacant", "group_code": "00"}, {}, {}, {}, observed_on="2024-01-01"),
                      unit_rows(*[{"status": "vacant", "group_code": "00", "unit_id": f"r{n}"} for n in range(2)],
                                observed_on="2024-01-01", nis_code="33011")], ignore_index=True)
    stored = unit_rows({}).iloc[0:0].assign(is_register=pd.Series(dtype=bool))
    planned = inventory_plan.plan(rows, headers=["gemeente", "status"], file_name="west.csv", stored=stored,
                                  stored_inventories=pd.DataFrame(columns=["batch_id", "nis_code", "observed_on",
                                                                           "inventory_kind", "source", "is_counted"]),
                                  inventory={"34022": "complete", "33011": "register"})
    changes = planned_changes(stored, planned)
    assert changes.values.tolist() == [["Kortrijk", "01/01/2024", "– (eerste inventaris)", 4, 0, 0, 0,
                                        "– → 25,0 %"]]
