"""The Gegevens page (pages/gegevens.py) in AppTest, signed in as a coordinator: upload, mapping, report,
changes, confirm, rollback. What viewers see is in test_auth.py."""

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import ingest
from dashboard.store.database import Store
from dashboard.store.schema import header_mappings
from dashboard.ui import file_check
from tests import ingest_files as files
from tests.conftest import COORDINATOR, sign_in

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "gegevens.py")


@pytest.fixture
def url(tmp_path, monkeypatch, coordinator) -> str:
    url = f"sqlite:///{tmp_path / 'gegevens.db'}"
    monkeypatch.setenv("KERNMONITOR_DB", url)
    return url


def _page() -> AppTest:
    return sign_in(AppTest.from_file(PAGE, default_timeout=60).run())


def _table(at: AppTest, column: str):
    """The shown table that has this column (AppTest does not find st.dataframe by key)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _upload(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.file_uploader(key="upload").upload(name, raw, "text/csv")
    return at.run()


def test_nothing_is_written_before_the_confirm(url):
    at = _upload(_page(), "kortrijk.csv", files.KORTRIJK_CP1252)
    assert not at.exception
    assert "4 rijen" in at.caption[0].value and "0 fout(en)" in at.caption[0].value
    assert _table(at, "Handelsnaam").shape == (4, 9)  # the preview of the file's first rows
    changes = _table(at, "Leegstand voor → na")
    assert changes.iloc[0].tolist() == ["Kortrijk", "01/01/2024", "– (eerste inventaris)", 4, 0, 0, 0,
                                        "– → 33,3 %"]
    assert "Je importeert als **an**" in at.caption[1].value
    assert Store(url).is_empty()
    at.button(key="confirm_import").click().run()
    assert "Opgeslagen als batch 1: 4 rij(en)." in [message.value for message in at.success]
    batch = Store(url).batches().iloc[0]
    assert (batch["imported_by"], batch["rows_imported"], batch["file_name"]) == (COORDINATOR, 4, "kortrijk.csv")


def test_report_names_row_column_and_value_and_partial_import(url):
    raw = files.units_csv(files.good_rows(2) + ["Atlantis;Markt;1;bezet;80;01/01/2024"])
    at = _upload(_page(), "deels.csv", raw)
    report = _table(at, "probleem")
    assert report[["rijen", "aantal", "kolom", "waarde"]].values.tolist() == [["4", 1, "gemeente", "Atlantis"]]
    assert report["probleem"].iloc[0].startswith("onbekende gemeente")
    assert not [e for e in at.expander if e.label.startswith("Alle ")]  # one problem: no list row by row
    assert at.get("download_button")[0].proto.label == "Rapport downloaden (CSV)"
    at.button(key="confirm_import").click().run()
    assert at.error[0].value.startswith("Geweigerd: 1 fout(en) in 1 rij(en)")
    assert Store(url).is_empty()
    at.checkbox(key="partial").check().run()
    at.button(key="confirm_import").click().run()
    assert at.success[0].value == ("Opgeslagen als batch 1: 2 rij(en); 1 rij(en) met fouten apart bewaard (met hun "
                                   "reden, in de batch).")
    assert len(Store(url).units()) == 2


def test_the_same_problem_in_many_rows_is_one_line_and_the_full_list_is_kept(url):
    # 30 rows of Antwerpen (not in West-Vlaanderen), rows 2–31; one unreadable floor area in row 32.
    rows = [f"Antwerpen;Meir;{n};bezet;80;01/01/2024" for n in range(1, 31)]
    rows.append("Kortrijk;Markt;1;bezet;veel;01/01/2024")
    at = _upload(_page(), "antwerpen.csv", files.units_csv(rows))
    kinds = _table(at, "aantal")
    assert kinds[["ernst", "rijen", "aantal", "kolom", "waarde"]].values.tolist() == [
        ["fout", "2–31", 30, "gemeente", "Antwerpen"], ["waarschuwing", "32", 1, "wvo", "veel"]]
    assert kinds["probleem"].iloc[0].startswith("Antwerpen ligt niet in West-Vlaanderen")
    assert at.expander[-1].label == "Alle 31 problemen, rij per rij"
    full = _table(at, "rij")
    assert len(full) == 31 and full["rij"].tolist()[:2] == [2, 3]


def test_adjusting_a_column_mapping_and_saving_it(url):
    raw = b"Plaats;Adres;Nr;Toestand;Oppervl;Peildatum\nKortrijk;Markt;1;bezet;80;01/01/2024\n"
    at = _upload(_page(), "ieper.csv", raw)
    keys = {box.label: box.key for box in at.selectbox if box.key and box.key.startswith("map_")}
    assert at.selectbox(key=keys["Oppervl"]).value is None  # not recognised
    at.selectbox(key=keys["Oppervl"]).set_value("floor_area_m2")
    at.selectbox(key=keys["Adres"]).set_value("street").run()
    assert _table(at, "Nieuw")["Nieuw"].tolist() == [1]
    at.text_input(key="mapping_name").input("Stad Ieper").run()
    at.button(key="save_mapping").click().run()
    assert Store(url).mappings("units")["Stad Ieper"]["Oppervl"] == "floor_area_m2"
    with Store(url).engine.connect() as conn:
        assert conn.execute(select(header_mappings.c.saved_by)).scalar_one() == COORDINATOR
    fresh = _upload(_page(), "ieper-2025.csv", raw.replace(b"2024", b"2025"))
    fresh.selectbox(key="saved_mapping").set_value("Stad Ieper").run()
    mapped = {box.label: box.value for box in fresh.selectbox if box.key and box.key.startswith("map_")}
    assert (mapped["Oppervl"], mapped["Adres"], mapped["Plaats"]) == ("floor_area_m2", "street", "municipality")


def test_a_file_is_checked_once_per_mapping_and_the_session_keeps_one(url, monkeypatch):
    checked = []  # the mapping each check was asked for (None: found from the headers)
    real = ingest.prepare
    monkeypatch.setattr(ingest, "prepare", lambda *args, **options: checked.append(options["mapping"])
                        or real(*args, **options))
    raw = b"Plaats;Adres;Nr;Toestand;Oppervl;Peildatum\nKortrijk;Markt;1;bezet;80;01/01/2024\n"
    at = _upload(_page(), "ieper.csv", raw)
    keys = {box.label: box.key for box in at.selectbox if box.key and box.key.startswith("map_")}
    at.selectbox(key=keys["Oppervl"]).set_value("floor_area_m2").run()
    at.run()  # a rerun: the file as mapped comes from the session, not checked again
    assert checked[0] is None and checked[1]["Oppervl"] == "floor_area_m2" and len(checked) == 2
    held = at.session_state[file_check.CHECKED_FILE][1]
    assert held.mapping["Oppervl"] == "floor_area_m2" and held.raw is None  # each run brings its own bytes
    at = _upload(at, "kortrijk.csv", files.KORTRIJK_CP1252)  # another file takes the place of the first
    assert len(checked) == 3 and at.session_state[file_check.CHECKED_FILE][1].file_name == "kortrijk.csv"


def test_an_unreadable_file_says_why(url):
    at = _upload(_page(), "leeg.csv", b"")
    assert at.error[0].value.startswith("Dit bestand kan niet gelezen worden: Het bestand is leeg.")


def test_history_and_rollback(url):
    store = Store(url)
    at = _upload(_page(), "kortrijk.csv", files.KORTRIJK_CP1252)
    at.button(key="confirm_import").click().run()
    history = _table(at, "Batch")
    assert history[["Batch", "Soort", "Bestand", "Rijen", "Door", "Status"]].values.tolist() == [
        [1, "verkooppunten", "kortrijk.csv", 4, "an", "actief"]]
    assert at.selectbox(key="rollback_batch").value is None  # nothing chosen until the coordinator chooses
    assert "rollback" not in {button.key for button in at.button}
    at.selectbox(key="rollback_batch").set_value(1).run()
    confirm = at.checkbox(key="rollback_confirm_1")
    assert confirm.label == "Ik wil batch 1 (kortrijk.csv, 4 rij(en), geïmporteerd door an) ongedaan maken"
    assert at.button(key="rollback").disabled
    confirm.check().run()
    at.button(key="rollback").click().run()
    assert store.batches()["status"].tolist() == ["rolled_back"]
    assert store.units().empty
    assert _table(at, "Batch")["Status"].tolist() == ["ongedaan gemaakt"]
    log = store.audit_log()
    assert log[["actor", "action", "detail"]].values.tolist() == [
        ["an", "rollback", "batch 1"], ["an", "import", "batch 1: kortrijk.csv (4 rij(en) verkooppunten)"],
        ["an", "sign_in", ""]]
    assert set(log["client"]) == {"lokaal"}  # AppTest has no address: a session on the server itself


def test_after_an_import_the_rollback_box_chooses_nothing(url):
    at = _upload(_page(), "kortrijk.csv", files.KORTRIJK_CP1252)
    at.button(key="confirm_import").click().run()
    at.selectbox(key="rollback_batch").set_value(1).run()
    at.checkbox(key="rollback_confirm_1").check().run()
    at = _upload(at, "kortrijk-2025.csv", files.KORTRIJK_CP1252.replace(b"2024", b"2025"))
    at.button(key="confirm_import").click().run()
    assert [int(b) for b in Store(url).batches()["batch_id"]] == [2, 1]
    assert at.selectbox(key="rollback_batch").value is None  # batch 1 is no longer pre-selected
    assert "rollback" not in {button.key for button in at.button}


def test_templates_are_offered(url):
    at = _page()
    labels = [button.proto.label for button in at.get("download_button")]
    assert {"Sjabloon verkooppunten", "Sjabloon campagne", "Sjabloon stemmen"} <= set(labels)


def test_text_from_the_file_is_shown_literally(url):
    raw = b"gemeente;**vet**;status;peildatum\nAtlantis;1;leeg;2024\n"
    at = _upload(_page(), "<img src=x onerror=alert(1)>.csv", raw)
    at.button(key="confirm_import").click().run()
    assert "van \\<img src=x onerror=alert(1)\\>.csv" in at.error[0].value  # markdown and HTML escaped
    assert "\\*\\*vet\\*\\*" in [box.label for box in at.selectbox]


def test_a_store_with_sample_data_offers_to_remove_it_with_the_import(url):
    from dashboard.store.database import Batch
    from tests.conftest import unit_rows

    store = Store(url)
    store.add_batch(Batch(kind="units", file_name="voorbeelddata (fictief): units", is_sample=True, sha256="s" * 64),
                    unit_rows({"unit_id": "s1", "status": "vacant", "group_code": "00"}, {"unit_id": "s2"},
                              observed_on="2024-01-01"))  # sample Kortrijk: 1 of 2 vacant
    at = _upload(_page(), "kortrijk.csv", files.KORTRIJK_CP1252)
    assert any("voorbeelddata (fictief)" in warning.value and "nooit naast" in warning.value
               for warning in at.warning)
    changes = _table(at, "Leegstand voor → na")  # against an empty store: the sample goes
    assert changes.iloc[0].tolist() == ["Kortrijk", "01/01/2024", "– (eerste inventaris)", 4, 0, 0, 0,
                                        "– → 33,3 %"]
    assert [button.label for button in at.button if button.key == "confirm_replace_sample"] == [
        "Voorbeelddata verwijderen en importeren"]
    assert not [button for button in at.button if button.key == "confirm_import"]
    at.button(key="confirm_replace_sample").click().run()
    stored = "Opgeslagen als batch 2: 4 rij(en). De voorbeelddata zijn verwijderd."
    assert stored in [message.value for message in at.success]
    assert store.batches().set_index("batch_id")["status"].to_dict() == {1: "rolled_back", 2: "active"}
    assert sorted(store.units()["unit_id"]) != ["s1", "s2"] and len(store.units()) == 4


def test_a_correction_is_proposed_as_an_update_and_a_kind_it_cannot_be_is_refused(url):
    from tests.test_inventory_kinds import CORRECTION, KORTRIJK

    at = _upload(_page(), "kortrijk.csv", KORTRIJK)
    at.button(key="confirm_import").click().run()
    at = _upload(_page(), "correctie.csv", CORRECTION)
    proposal = _table(at, "Voorstel").iloc[0]
    assert proposal["Voorstel"] == "aanvulling (wijzigingen)"
    assert proposal["Waarom"] == ("3 panden voor Kortrijk, de laatste inventaris (01/01/2024) telt er 10, waarvan 2 "
                                  "in het bestand: een aanvulling?")
    assert (proposal["Overgenomen panden"], proposal["Telt mee"]) == (8, "telt mee")
    # Markt 2 and 3 change, Zuidstraat 1 is new, the 8 others carry over: 2/10 → 2/11.
    changes = _table(at, "Leegstand voor → na")
    assert changes.iloc[0].tolist() == ["Kortrijk", "01/06/2024", "01/01/2024", 1, 2, 8, 0, "20,0 % → 18,2 %"]
    at.selectbox(key="inventory_kind").set_value("register").run()
    assert any("een register bevat alleen leegstaande panden, maar 2 van de 3 zijn bezet" in error.value
               for error in at.error)
    assert at.button(key="confirm_import").disabled
    at.selectbox(key="inventory_kind").set_value("automatisch").run()
    at.button(key="confirm_import").click().run()
    assert "Opgeslagen als batch 2: 3 rij(en)." in [message.value for message in at.success]
    units = Store(url).units()
    assert (units["observed_on"] == "2024-06-01").sum() == 11  # and still 10 on 1/1/2024
    assert not at.exception, at.exception
    history = _table(at, "Batch")
    assert history[["Batch", "Bron", "Rijen"]].values.tolist() == [[2, "andere bron", 3], [1, "Locatus", 10]]


def test_a_register_is_said_to_change_no_inventory(url):
    from tests.test_inventory_kinds import KORTRIJK

    at = _upload(_page(), "kortrijk.csv", KORTRIJK)
    at.button(key="confirm_import").click().run()
    register = b"gemeente;straat;huisnummer;status;peildatum\nKortrijk;Markt;2;leeg;01/03/2024\n"
    at = _upload(_page(), "register.csv", register)
    assert _table(at, "Voorstel").iloc[0]["Voorstel"] == "register (alleen leegstaande panden)"
    assert ("Een register van leegstaande panden verandert geen inventaris: de pagina Gemeente vergelijkt het met de "
            "volledige inventaris van hetzelfde jaar.") in [caption.value for caption in at.caption]
    preview = _table(at, "huisnummer")
    assert preview.index.name == "rij" and preview.index.tolist() == [2]  # numbered as in the file
