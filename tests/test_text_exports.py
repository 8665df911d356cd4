"""CSV and TSV exports, as Anki's text importer (and a two-column flashcard app) reads them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from anki.collection import Collection, ImportCsvRequest

from factdeck.pipeline import read_deck

from conftest import ROOTS

# The definition has markup, a line break and a tab: it must arrive as the same plain text.
TRICKY = 'definition: "A <b>collective</b> farm,\\nrun\\tjointly & shared."'
TRICKY_TEXT = "A <b>collective</b> farm,\nrun\tjointly & shared."


@pytest.fixture
def cards(root) -> Path:
    folder = root("minimal")
    path = folder / "cards.yaml"
    path.write_text(path.read_text().replace("definition: A collective farm.", TRICKY))
    return folder


@pytest.fixture
def export(run_cli, tmp_path):
    def run(cards: Path, fmt: str, out: str = "dist") -> Path:
        result = run_cli(cards, "--out", tmp_path / out, "--only", fmt)
        assert result.code == 0, result.err
        return tmp_path / out / f"minimal.{fmt}"

    return run


def import_csv(col: Collection, path: Path):
    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def test_csv_imports_into_anki_with_decks_tags_and_plain_text(cards, export, collection):
    deck, _ = read_deck(cards)
    log = import_csv(collection, export(cards, "csv"))
    assert len(log.new) == collection.note_count() == len(deck.cards) == 5
    for card in deck.cards:
        (note_id,) = collection.find_notes(f"tag:factdeck::{card.kind}")
        note = collection.get_note(note_id)
        assert note.note_type()["name"] == "Basic"
        assert sorted(note.tags) == sorted(card.tags)
        assert collection.decks.name(note.cards()[0].did) == card.deck == "Minimal::Basics"
        assert note["Front"] and note["Back"]
    term = collection.get_note(collection.find_notes("tag:factdeck::term")[0])
    assert term["Front"] == "Kolkhoz"
    # Plain text: Anki escaped the markup itself and turned the line break into <br>.
    assert term["Back"] == "A &lt;b&gt;collective&lt;/b&gt; farm,<br>run\tjointly &amp; shared."
    quote = collection.get_note(collection.find_notes("tag:factdeck::quote")[0])
    assert quote["Front"] == "Either we do it, or we shall be crushed"
    assert "Joseph Stalin" in quote["Back"] and "February 1931" in quote["Back"]


def test_reimporting_an_edited_csv_updates_instead_of_duplicating(cards, export, collection):
    import_csv(collection, export(cards, "csv"))
    path = cards / "cards.yaml"
    path.write_text(path.read_text().replace("Industrialization", "Rapid industrialization"))
    log = import_csv(collection, export(cards, "csv", out="dist2"))
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert collection.note_count() == 5
    (note_id,) = collection.find_notes("tag:factdeck::fact")
    assert collection.get_note(note_id)["Back"] == "Rapid industrialization"


def test_csv_columns_hold_note_and_source_for_other_note_types(cards, export):
    lines = export(cards, "csv").read_text(encoding="utf-8").splitlines(keepends=True)
    headers = [line for line in lines if line.startswith("#")]
    assert headers[0] == "#separator:comma\n" and "#html:false\n" in headers
    columns = next(h for h in headers if h.startswith("#columns:"))[len("#columns:"):].strip().split(",")
    rows = list(csv.DictReader(lines[len(headers):], fieldnames=columns))
    assert [row["Front"] for row in rows][:2] == ["Kolkhoz", "The party adopts the First Five-Year Plan."]
    assert rows[0]["Back"] == TRICKY_TEXT  # quoted, so the line break and tab survive
    assert rows[3]["Note"] == "The plan had called for only 20 percent."
    assert rows[0]["Source"] == "An Author, “A Book”, 2001"
    assert len({row["GUID"] for row in rows}) == 5


def test_tsv_is_two_columns_one_card_a_line(cards, export, collection):
    path = export(cards, "tsv")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == 5
    assert all(line.count("\t") == 1 and not line.startswith("#") for line in lines[:-1])
    assert lines[0] == "Kolkhoz\tA <b>collective</b> farm, run jointly & shared."
    log = import_csv(collection, path)  # Anki takes it too, as Front and Back of a Basic note
    assert len(log.new) == 5
    assert collection.get_note(collection.find_notes("Kolkhoz")[0])["Back"].startswith("A ")


def test_exports_are_built_only_when_asked(run_cli, tmp_path):
    result = run_cli(ROOTS / "minimal", "--out", tmp_path)
    assert result.code == 0, result.err
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.tsv"))
    assert list(tmp_path.glob("*.apkg"))
