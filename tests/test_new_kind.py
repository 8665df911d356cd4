"""A kind is one class: a kind defined here alone, with no edit anywhere else, builds everywhere.

The kind uses the generic templates (``anki/prompt-to-answer.html``, the
``front_any``/``back_any`` print faces, the text exports' ``front``/``back``),
as a new kind does until it wants a look of its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pdfplumber
import pytest
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

from factdeck.model import CARD_KINDS, Card, Direction, TextField, register_kind
from factdeck.schema import cards_schema, deck_schema


@dataclass(frozen=True)
class WordCard(Card):
    KIND: ClassVar[str] = "word"
    DESCRIPTION: ClassVar[str] = "A word of another language and what it means, asked both ways."
    FIELDS: ClassVar[tuple[TextField, ...]] = (
        TextField("word", "Word", "The word, as it is written."),
        TextField("meaning", "Meaning", "What it means, in a few words."),
        TextField("example", "Example", "Optional: the word in a sentence.", required=False))
    PROMPT: ClassVar[str] = "word"
    ANSWER: ClassVar[str] = "meaning"
    DIRECTIONS: ClassVar[tuple[Direction, ...]] = (
        Direction("Word → Meaning", "prompt-to-answer.html", "Word · what does it mean?", "word", "meaning",
                  "Meaning", printed=True),
        Direction("Meaning → Word", "prompt-to-answer.html", "Word · say it", "meaning", "word", "Word"))
    word: str = ""
    meaning: str = ""
    example: str = ""


WORDS = """\
deck: Words
cards:
  - id: kolkhoz-word
    kind: word
    word: колхоз
    meaning: collective farm
    source: book
"""


@pytest.fixture
def word_kind() -> Iterator[type[Card]]:
    """The kind registered for one test, as factdeck registers its own: the registry is as it was afterwards."""
    register_kind(WordCard)
    try:
        yield WordCard
    finally:
        del CARD_KINDS[WordCard.KIND]


@pytest.fixture
def word_deck(word_kind, case) -> Path:
    cards = case("minimal")
    (cards / "words.yaml").write_text(WORDS, encoding="utf-8")
    settings = cards / "deck.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  word: 1200000601\n", encoding="utf-8")
    return cards


def test_a_kind_defined_in_a_test_builds_to_anki_print_and_text(word_deck, run_cli, collection):
    built = run_cli(word_deck, "--out", "dist")
    assert built.code == 0, built.err
    assert "6 notes, 9 Anki cards" in built.out and "6 cards on 1" in built.out
    assert run_cli(word_deck, "--out", "dist", "--only", "csv").code == 0

    options = ImportAnkiPackageOptions(update_notes=0, update_notetypes=0)
    collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(Path("dist/minimal.apkg")),
                                                            options=options))
    (note_id,) = collection.find_notes("tag:factdeck::word")
    note = collection.get_note(note_id)
    assert note.keys() == ["Word", "Meaning", "Example", "Source", "Remark", "Card ID", "Image", "Answer Image",
                           "Audio"]
    assert note.note_type()["name"] == "Word (Minimal) v1"
    asked = {card.template()["name"]: (card.question(), card.answer()) for card in note.cards()}
    assert set(asked) == {"Word → Meaning", "Meaning → Word"}
    question, answer = asked["Word → Meaning"]
    assert "Word · what does it mean?" in question and "колхоз" in question
    assert "collective farm" not in question and "collective farm" in answer and "A Book" in answer
    question, _ = asked["Meaning → Word"]
    assert "collective farm" in question and "колхоз" not in question

    with pdfplumber.open("dist/minimal.pdf") as pdf:
        fronts, backs = (page.extract_text() for page in pdf.pages)
    assert "колхоз" in fronts and "WORD" in fronts and "6/6" in fronts
    assert "collective farm" in backs and "MEANING" in backs

    rows = [row for row in csv.reader(Path("dist/minimal.csv").open(encoding="utf-8")) if row[0] == "колхоз"]
    assert [row[:2] for row in rows] == [["колхоз", "collective farm"]]


def test_a_new_kind_is_checked_and_described_like_the_others(word_deck, run_cli):
    words = word_deck / "words.yaml"
    words.write_text(WORDS.replace("    meaning: collective farm\n", "    meanig: collective farm\n"),
                     encoding="utf-8")
    result = run_cli(word_deck, "--check")
    assert result.code == 1
    assert "cards/words.yaml:6:5: card 'kolkhoz-word': unknown field 'meanig' in a word card " \
           "(did you mean 'meaning'?)" in result.err

    schema = cards_schema()["definitions"]
    assert schema["word"]["required"] == ["id", "kind", "word", "meaning"]
    assert schema["word"]["properties"]["example"]["description"] == "Optional: the word in a sentence."
    assert "word" in deck_schema()["properties"]["note_type_ids"]["properties"]


def test_a_deck_that_starts_using_a_kind_is_given_an_id_to_paste(word_kind, case, run_cli):
    cards = case("minimal")
    (cards / "words.yaml").write_text(WORDS, encoding="utf-8")
    first, again = run_cli(cards, "--check"), run_cli(cards, "--check")
    assert first.code == 1 and first.err == again.err
    (line, summary) = first.err.splitlines()
    assert line.startswith("cards/deck.yaml:5:3: 'note_type_ids' has no id for kind 'word', which the card "
                           "at cards/words.yaml:4:11 uses: add the line 'word: ")
    fresh = int(line.split("'word: ")[1].split("'")[0])
    settings = cards / "deck.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"  word: {fresh}\n", encoding="utf-8")
    assert run_cli(cards, "--check").code == 0


def test_the_registry_refuses_a_second_kind_of_the_same_name(word_kind):
    with pytest.raises(ValueError, match="already registered"):
        register_kind(WordCard)
