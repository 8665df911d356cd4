"""The .apkg as a user meets it: imported into a real Anki collection."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from factdeck.builders.anki_lock import LOCK_NAME, Lock, format_lock
from factdeck.pipeline import read_deck

IF_NEWER = 0  # ImportAnkiPackageUpdateCondition: update notes and note types only when newer


def import_package(col: Collection, package: Path):
    options = ImportAnkiPackageOptions(update_notes=IF_NEWER, update_notetypes=IF_NEWER)
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options)).log


@pytest.fixture
def build(run_cli, monkeypatch, tmp_path):
    """Build a card folder's .apkg at a given epoch; returns its path."""

    def run(cards: Path, epoch: int = 1700000000, out: Path | None = None) -> Path:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        out = out or tmp_path / "dist"
        result = run_cli(cards, "--out", out, "--only", "apkg")
        assert result.code == 0, result.err
        (package,) = out.glob("*.apkg")
        return package

    return run


def test_every_card_renders_with_its_fields_and_source(root, build, collection):
    cards = root("minimal")
    deck, _ = read_deck(cards)
    log = import_package(collection, build(cards))

    assert len(log.new) == len(deck.cards) == collection.note_count() == 5
    expected_cards = sum(len(card.DIRECTIONS) for card in deck.cards)
    assert collection.card_count() == expected_cards == 7
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        question, answer = card.question(), card.answer()
        assert "{{" not in question and "{{" not in answer
        assert "A Book" in answer  # the cited source's title, on the answer side only
        assert "A Book" not in question
    # Term cards go both ways: the definition is asked on one and answered on the other.
    term_cards = [collection.get_card(c) for c in collection.find_cards('"note:Term (Minimal) v2"')]
    assert sorted(c.template()["name"] for c in term_cards) == ["Definition → Term", "Term → Definition"]
    asks_definition = next(c for c in term_cards if c.template()["name"] == "Definition → Term")
    assert "A collective farm." in asks_definition.question()
    assert "Kolkhoz" not in asks_definition.question()


def test_decks_tags_and_note_type_ids_come_from_config(root, build, collection):
    cards = root("minimal")
    import_package(collection, build(cards))
    note = collection.get_note(collection.find_notes("Kolkhoz")[0])
    assert sorted(note.tags) == ["basics", "factdeck::term"]
    assert note.note_type()["id"] == 1200000002  # version 2 of the term note type
    card = note.cards()[0]
    assert collection.decks.name(card.did) == "Minimal::Basics"
    figure = collection.get_note(collection.find_notes('"note:Figure (Minimal) v2"')[0])
    assert figure["Remark"] == "The plan had called for only 20 percent."


def test_identical_reimport_adds_and_updates_nothing(root, build, collection):
    package = build(root("minimal"))
    import_package(collection, package)
    log = import_package(collection, package)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 0, 0)
    assert collection.note_count() == 5


def test_edited_card_updates_in_place_and_keeps_its_reviews(root, build, collection, tmp_path):
    cards = root("minimal")
    (cards / LOCK_NAME).write_text(format_lock(Lock()))  # each note keeps the time of its own last change
    import_package(collection, build(cards, epoch=1700000000))
    collection.decks.select(collection.decks.id_for_name("Minimal::Basics"))
    reviewed = collection.sched.getCard()
    collection.sched.answerCard(reviewed, 3)
    reviewed_note = reviewed.nid

    text = (cards / "cards.yaml").read_text()
    (cards / "cards.yaml").write_text(text.replace("A collective farm.", "A collective farm run by its members."))
    log = import_package(collection, build(cards, epoch=1700086400, out=tmp_path / "dist2"))

    # Only the edited card's note is newer (factdeck.lock keeps the others' times): one update.
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 1, 0)
    assert log.updated[0].fields[1] == "A collective farm run by its members."
    assert collection.note_count() == 5
    note = collection.get_note(collection.find_notes("Kolkhoz")[0])
    assert note["Definition"] == "A collective farm run by its members."
    assert collection.db.scalar("select count() from revlog where cid in (select id from cards where nid = ?)",
                                reviewed_note) == 1


def test_rebuild_with_the_same_epoch_is_byte_identical(root, build, tmp_path):
    cards = root("minimal")
    first = build(cards, out=tmp_path / "a").read_bytes()
    second = build(cards, out=tmp_path / "b").read_bytes()
    assert first == second
    later = build(cards, epoch=1700000001, out=tmp_path / "c").read_bytes()
    assert later != first


def test_package_is_compressed_with_entry_dates_from_the_epoch(root, build):
    package = build(root("minimal"), epoch=1700000000)  # 2023-11-14 22:13:20 UTC
    with zipfile.ZipFile(package) as archive:
        infos = archive.infolist()
    assert {info.filename for info in infos} == {"collection.anki2", "media"}
    assert all(info.date_time == (2023, 11, 14, 22, 13, 20) for info in infos)
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in infos)


def test_card_text_is_escaped_not_markup(root, build, collection):
    cards = root("minimal")
    text = (cards / "cards.yaml").read_text()
    (cards / "cards.yaml").write_text(text.replace("A collective farm.", "<b>bold</b> & <img src=x onerror=alert(1)>"))
    import_package(collection, build(cards))
    note = collection.get_note(collection.find_notes("Kolkhoz")[0])
    assert "<img" not in note["Definition"] and "&lt;img src=x onerror=alert(1)&gt;" in note["Definition"]


def test_bundled_deck_imports_completely(build, collection, tmp_path):
    cards = tmp_path / "cards"  # a copy: the build keeps the lock it finds up to date
    shutil.copytree(Path(__file__).parent.parent / "cards", cards)
    deck, _ = read_deck(cards)
    log = import_package(collection, build(cards))
    assert len(log.new) == collection.note_count() == len(deck.cards)
    names = {name for name, _ in ((d.name, d.id) for d in collection.decks.all_names_and_ids())}
    assert set(deck.subdecks) <= names
    for card_id in collection.find_cards(""):
        card = collection.get_card(card_id)
        assert card.question().strip() and "{{" not in card.answer()
