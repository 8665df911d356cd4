"""The upgrade story: a user who studies the deck and restyled it imports a newer build.

One module-scoped collection plays the user: it imported the first build, restyled
the note type of the card it then reviewed. Each test copies it and imports a later build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from unittest import mock

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

from factdeck.model import CARD_KINDS
from factdeck.cli import main
from factdeck.pipeline import read_deck

from conftest import ROOTS

FIRST_EPOCH = 1700000000
USER_CSS = "\n.card { background: black; color: gold; }"
NEVER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER


def build(cards: Path, epoch: int, out: Path) -> Path:
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": str(epoch)}):
        assert main([str(cards), "--out", str(out), "--only", "apkg", "-q"]) == 0
    return out / "minimal.apkg"


def import_package(col: Collection, package: Path, **options):
    request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(**options))
    return col.import_anki_package(request).log


@pytest.fixture(scope="module")
def studied(tmp_path_factory):
    """The user's collection after importing, restyling and one review."""
    folder = tmp_path_factory.mktemp("user")
    cards = folder / "cards"
    shutil.copytree(ROOTS / "minimal", cards)
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
    (note_id,) = col.find_notes("tag:fact")
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


def test_a_build_newer_than_the_restyling_replaces_it_unless_told_never(user, tmp_path):
    col, epoch = user["col"], user["restyled_at"] + 1
    package = build(user["cards"], epoch, user["out"])
    shutil.copy(tmp_path / "collection.anki2", tmp_path / "before.anki2")

    import_package(col, package)  # Anki's default: update note types when newer
    css = col.models.get(user["type_id"])["css"]
    assert USER_CSS not in css and ".fd-card" in css
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
