"""Printed quotes are the ones of the text's language, and marked-up text is typeset like plain text:
a German card prints „so“, a French one « ainsi », and "*Dizzy* with success" prints “Dizzy with success”."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf

from factdeck.typography import quotes_language, typographic


def test_a_tag_docutils_does_not_know_falls_back_to_its_language_then_to_english():
    assert quotes_language("de-AT") == "de"
    assert quotes_language("sr-Latn") == "sr"
    assert quotes_language("de-CH") == "de-ch"  # a region with quotes of its own keeps them
    assert typographic('"so"', "de-CH") == "«so»"
    assert typographic('"so"', "tlh") == "“so”"  # unknown: English, curly rather than straight
    assert typographic('"so"', "") == "“so”"


def squashed_text(pdf: Path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))


def add_cards(cards: Path, text: str) -> None:
    path = cards / "cards.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_cards_print_the_quotes_of_their_language_on_the_cards_and_the_timeline(case, run_cli):
    cards = case("minimal")
    add_cards(cards, '''
  - id: german-date
    kind: date
    language: de
    date: "1930"
    event: Stalins Artikel "Vor Erfolgen von Schwindel befallen" erscheint.
  - id: french-fact
    kind: fact
    language: fr
    question: Quel article parut en 1930 ?
    answer: Le "vertige du succès".
''')
    assert run_cli(cards, "--out", "dist", "--only", "pdf", "--only", "timeline", "-q").code == 0
    printed = squashed_text(Path("dist/minimal.pdf"))
    assert "Stalins Artikel „Vor Erfolgen von Schwindel befallen“ erscheint." .replace(" ", "") in printed
    assert "Le«vertigedusuccès»." in printed
    assert "„VorErfolgenvonSchwindelbefallen“" in squashed_text(Path("dist/minimal-timeline.pdf"))


def test_a_deck_in_german_prints_german_quotes_in_its_sources_too(case, run_cli):
    cards = case("minimal")
    deck = cards / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8") + "language: de\n", encoding="utf-8")
    add_cards(cards, '''
  - id: dizzy
    kind: fact
    question: Welcher Artikel erschien 1930?
    answer: '"Vor Erfolgen von Schwindel befallen"'
    source: book
''')
    assert run_cli(cards, "--out", "dist", "--only", "pdf", "-q").code == 0
    printed = squashed_text(Path("dist/minimal.pdf"))
    assert "„VorErfolgenvonSchwindelbefallen“" in printed
    title = (cards / "sources.yaml").read_text(encoding="utf-8").split("title:")[1].splitlines()[0].strip()
    assert f"„{title.strip(chr(34)).replace(' ', '')}“" in printed


def test_marked_up_text_prints_curly_quotes_across_its_emphasis(case, run_cli):
    cards = case("minimal")
    deck = cards / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8") + "markup: markdown\n", encoding="utf-8")
    add_cards(cards, '''
  - id: dizzy-markup
    kind: fact
    question: Which article of Stalin's appeared in March 1930?
    answer: '"*Dizzy* with success" -- in Pravda'
    source: book
''')
    assert run_cli(cards, "--out", "dist", "--only", "pdf", "-q").code == 0
    printed = squashed_text(Path("dist/minimal.pdf"))
    assert "WhicharticleofStalin’sappeared" in printed
    assert "“Dizzywithsuccess”—inPravda" in printed
