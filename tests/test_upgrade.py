"""The upgrade story: a user who studies the deck and restyled it imports a newer build.

One module-scoped collection plays the user: it imported the first build, restyled
the note type of the card it then reviewed. Each test copies it and imports a later build.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from unittest import mock

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

from factdeck.builders.anki_lock import LOCK_NAME, Lock, format_lock
from factdeck.model import CARD_KINDS
from factdeck.cli import main
from factdeck.pipeline import read_deck

from conftest import REPO, ROOTS

FIRST_EPOCH = 1700000000
USER_CSS = "\n.card { background: black; color: gold; }"
NEVER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER


def build(cards: Path, epoch: int, out: Path) -> Path:
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": str(epoch)}):
        assert main([str(cards), "--out", str(out), "--only", "apkg", "-q"]) == 0
    return out / "minimal.apkg"


def import_package(col: Collection, package: Path, **options):
    request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(**options))
    log = col.import_anki_package(request).log
    col.models._clear_cache()  # pylib caches note types it has read; the import changed them underneath
    return log


@pytest.fixture(scope="module")
def studied(tmp_path_factory):
    """The user's collection after importing, restyling and one review."""
    folder = tmp_path_factory.mktemp("user")
    cards = folder / "cards"
    shutil.copytree(ROOTS / "minimal", cards)
    (cards / LOCK_NAME).write_text(format_lock(Lock()))  # a deck that keeps each note's time of change
    col = Collection(str(folder / "collection.anki2"))
    import_package(col, build(cards, FIRST_EPOCH, folder / "dist"))
    col.decks.select(col.decks.id_for_name("Minimal::Basics"))
    card = col.sched.getCard()
    col.sched.answerCard(card, 3)
    note_type = card.note().note_type()
    note_type["css"] += USER_CSS
    col.models.update_dict(note_type)
    restyled_at = col.models.get(note_type["id"])["mod"]
    col.close()
    return {"folder": folder, "cards": cards, "note": card.nid, "type_id": note_type["id"],
            "kind": note_type["name"].split()[0].lower(), "restyled_at": restyled_at}


@pytest.fixture
def user(studied, tmp_path):
    """A fresh copy of the user's collection and cards, with the fact card's answer edited."""
    cards = tmp_path / "cards"
    shutil.copytree(studied["cards"], cards)
    (cards / "cards.yaml").write_text((cards / "cards.yaml").read_text().replace(
        "answer: Industrialization", "answer: Rapid industrialization"))
    shutil.copy(studied["folder"] / "collection.anki2", tmp_path / "collection.anki2")
    col = Collection(str(tmp_path / "collection.anki2"))
    yield {**studied, "cards": cards, "col": col, "out": tmp_path / "dist"}
    col.close()


def reviews_of(col: Collection, note_id: int) -> int:
    return col.db.scalar("select count() from revlog where cid in (select id from cards where nid = ?)", note_id)


def answer_of_fact_card(col: Collection) -> str:
    (note_id,) = col.find_notes("tag:factdeck::fact")
    return col.get_note(note_id)["Answer"]


def test_a_newer_build_updates_text_and_keeps_reviews_and_restyling(user):
    col, epoch = user["col"], FIRST_EPOCH + 86400
    assert epoch < user["restyled_at"]  # built from a commit made before the user restyled
    path = user["cards"] / "cards.yaml"  # also: one card removed, one added
    text = path.read_text().replace("- id: collectivized-by-1940", "- id: collectivized-by-1941")
    path.write_text(text)
    log = import_package(col, build(user["cards"], epoch, user["out"]))
    assert len(log.new) == 1 and len(log.conflicting) == 0
    assert col.note_count() == 6  # the removed card's note stays until the user deletes it
    assert answer_of_fact_card(col) == "Rapid industrialization"
    assert reviews_of(col, user["note"]) == 1
    assert col.get_note(user["note"]).cards()[0].type != 0  # still a card in learning, not new again
    assert col.models.get(user["type_id"])["css"].endswith(USER_CSS)


def test_a_build_newer_than_the_restyling_replaces_it_only_if_its_note_type_changed(user, tmp_path):
    col, epoch = user["col"], user["restyled_at"] + 1
    import_package(col, build(user["cards"], epoch, user["out"]))  # a later release, same note types
    assert col.models.get(user["type_id"])["css"].endswith(USER_CSS)
    assert answer_of_fact_card(col) == "Rapid industrialization"

    style = tmp_path / "templates" / "anki" / "style.css"  # factdeck's styling changes in this release
    style.parent.mkdir(parents=True)
    style.write_text((REPO / "templates" / "anki" / "style.css").read_text() + ".fd-kind { color: teal; }\n")
    package = build(user["cards"], epoch + 1, user["out"])
    shutil.copy(tmp_path / "collection.anki2", tmp_path / "before.anki2")
    import_package(col, package)  # Anki's default: update note types when newer
    css = col.models.get(user["type_id"])["css"]
    assert USER_CSS not in css and ".fd-kind { color: teal; }" in css
    assert answer_of_fact_card(col) == "Rapid industrialization" and reviews_of(col, user["note"]) == 1

    other = Collection(str(tmp_path / "before.anki2"))
    try:
        import_package(other, package, update_notetypes=NEVER)  # "Update note types: Never"
        assert other.models.get(user["type_id"])["css"].endswith(USER_CSS)
        assert answer_of_fact_card(other) == "Rapid industrialization"
    finally:
        other.close()


def test_a_new_note_type_version_is_a_new_note_type_that_merges_cleanly(user, monkeypatch, tmp_path):
    kind = user["kind"]
    monkeypatch.setattr(CARD_KINDS[kind], "NOTE_TYPE_VERSION", CARD_KINDS[kind].NOTE_TYPE_VERSION + 1)
    package = build(user["cards"], FIRST_EPOCH + 86400, user["out"])
    deck, _ = read_deck(user["cards"])
    col, new_id = user["col"], user["type_id"] + 1
    shutil.copy(tmp_path / "collection.anki2", tmp_path / "before.anki2")

    # Without merging, the new version arrives beside the old one; notes already on the old
    # version are left alone (reported as conflicts), nothing is duplicated.
    log = import_package(col, package)
    assert col.models.get(new_id)["name"].endswith(f"v{CARD_KINDS[kind].NOTE_TYPE_VERSION}")
    assert col.get_note(user["note"]).mid == user["type_id"]
    assert len(log.conflicting) == sum(card.kind == kind for card in deck.cards) and len(log.new) == 0
    assert col.note_count() == 5

    # "Merge note types" moves the notes to the new version, with their reviews.
    other = Collection(str(tmp_path / "before.anki2"))
    try:
        log = import_package(other, package, merge_notetypes=True)
        assert len(log.conflicting) == len(log.new) == 0
        assert other.get_note(user["note"]).mid == new_id
        assert other.models.get(user["type_id"]) is None
        assert reviews_of(other, user["note"]) == 1 and other.note_count() == 5
    finally:
        other.close()


def test_a_field_the_user_added_stops_updates_to_that_kind(user):
    """Documented as a limit: personal additions belong in templates, not in fields."""
    col = user["col"]
    note_type = col.models.get(user["type_id"])
    col.models.add_field(note_type, col.models.new_field("My mnemonic"))
    col.models.update_dict(note_type)
    sources = user["cards"] / "sources.yaml"  # a new title reaches every note's Source field
    sources.write_text(sources.read_text().replace("title: A Book", "title: A Revised Book"))
    log = import_package(col, build(user["cards"], FIRST_EPOCH + 86400, user["out"]))
    assert len(log.conflicting) >= 1 and len(log.new) == 0 and col.note_count() == 5
    assert "A Book" in col.get_note(user["note"])["Source"]  # this kind: left as it was
    others = [col.get_note(n) for n in col.find_notes("") if col.get_note(n).mid != user["type_id"]]
    assert others and all("A Revised Book" in note["Source"] for note in others)
    copies = [m.name for m in col.models.all_names_and_ids() if m.name.endswith("+")]
    assert len(copies) == 1  # factdeck's note type arrived as a copy beside the user's


V1_PACKAGE = ROOTS / "upgrade-from-v1" / "minimal-v1.apkg"  # the previous release's note types


def test_note_types_v1_upgrade_to_v2_in_one_import_and_stay_clean(tmp_path):
    """Fields renamed (Note -> Remark, By -> Speaker): 'Merge note types' moves every note, reviews kept."""
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_package(col, V1_PACKAGE)
        col.decks.select(col.decks.id_for_name("Minimal::Basics"))
        reviewed = col.sched.getCard()
        col.sched.answerCard(reviewed, 3)
        v1_ids = {m.id for m in col.models.all_names_and_ids() if m.name.endswith("(Minimal) v1")}
        assert len(v1_ids) == 5

        cards = tmp_path / "cards"
        shutil.copytree(ROOTS / "minimal", cards)
        (cards / LOCK_NAME).write_text(format_lock(Lock()))
        log = import_package(col, build(cards, FIRST_EPOCH + 86400, tmp_path / "v2"), merge_notetypes=True)
        assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 5, 0)
        names = [m.name for m in col.models.all_names_and_ids() if "(Minimal)" in m.name]
        assert sorted(names) == sorted(f"{kind.title()} (Minimal) v2" for kind in CARD_KINDS if kind != "cloze")  # v1 gone, no "+"
        assert reviews_of(col, reviewed.nid) == 1 and col.card_count() == 7
        figure = col.get_note(col.find_notes('"Card ID:collectivized-by-1940"')[0])
        assert figure["Remark"] == "The plan had called for only 20 percent." and figure["Note"] == ""

        # The one manual step (README): delete the emptied fields the v1 names left behind.
        for note_type in [col.models.get(m.id) for m in col.models.all_names_and_ids() if "(Minimal)" in m.name]:
            for field in [f for f in note_type["flds"] if f["name"] in ("Note", "By")]:
                col.models.remove_field(note_type, field)
            col.models.update_dict(note_type)
        col.models._clear_cache()

        edit = cards / "cards.yaml"  # the next release changes one card; imported without merging
        edit.write_text(edit.read_text().replace("answer: Industrialization", "answer: Rapid industrialization"))
        later = int(time.time()) + 86400  # released after the user's clean-up (which touched every note)
        log = import_package(col, build(cards, later, tmp_path / "v3"))
        assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 1, 0)
        assert not [m.name for m in col.models.all_names_and_ids() if m.name.endswith("+")]
        assert reviews_of(col, reviewed.nid) == 1
    finally:
        col.close()
