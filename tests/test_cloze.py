"""Cloze cards as a user meets them: in Anki, on paper and in the text exports."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pdfplumber
import pytest
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

from factdeck.builders import PrintOptions
from factdeck.builders.printing.layout import plan
from factdeck.cloze import parse_cloze
from factdeck.pipeline import read_deck

from test_pdf import MM

LAUNCH = "Stalin launched collectivization in {} to merge holdings into {}."


@pytest.fixture
def built(case, run_cli) -> Path:
    """tests/roots/cloze-deck built to apkg, pdf, csv and tsv in ./dist."""
    cards = case("cloze-deck")
    for only in ((), ("--only", "csv"), ("--only", "tsv")):
        result = run_cli(cards, "--out", "dist", *only)
        assert result.code == 0, result.err
        if not only:  # apkg and pdf; 5 notes of other kinds make 7 cards; the cloze notes 2 + 1
            assert "7 notes, 10 Anki cards" in result.out and "8 cards on 1" in result.out
    return Path("dist")


def shown(side: str) -> str:
    """What a reader sees of a rendered side: tags and the <style> dropped, entities decoded."""
    side = re.sub(r"<style>.*?</style>|</?span[^>]*>", "", side, flags=re.S)  # a deletion's span is inline
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", side)).split())


def test_a_cloze_note_is_one_anki_card_per_deletion_hiding_it_until_the_answer(built, collection):
    options = ImportAnkiPackageOptions(update_notes=0, update_notetypes=0)
    collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(built / "minimal.apkg"),
                                                            options=options))
    (launch,) = collection.find_notes('"Text:*collectivization*"')
    note = collection.get_note(launch)
    assert note.note_type()["type"] == 1  # Anki's cloze note type
    cards = sorted(note.cards(), key=lambda card: card.ord)
    assert [card.ord for card in cards] == [0, 1]

    first, second = ((shown(card.question()), shown(card.answer())) for card in cards)
    assert LAUNCH.format("[...]", "kolkhozy") in first[0] and "1929" not in first[0]
    assert LAUNCH.format("1929", "kolkhozy") in first[1]
    assert LAUNCH.format("1929", "[farms]") in second[0] and "kolkhozy" not in second[0]
    assert LAUNCH.format("1929", "kolkhozy") in second[1]
    for question, answer in (first, second):  # source and note: on the answer side only
        assert "A Book" in answer and "reversed in March 1930" in answer
        assert "A Book" not in question and "March 1930" not in question
    assert re.search(r'<span class="cloze"[^>]*>1929</span>', cards[0].answer())  # marked, and styled

    (markup,) = collection.find_notes('"Text:*plain text*"')
    (card,) = collection.get_note(markup).cards()
    assert "&lt;b&gt; tag &amp; a #hash" in card.question()  # text outside deletions stays text
    assert shown(card.question()).startswith("Cloze · fill the gap A <b> tag & a #hash stay [...]")


def printed_faces(pdf_path: Path, cards: Path) -> dict[tuple[str, int], tuple[str, set[str]]]:
    """Each printed face's words and its bold words, by (side, printed card number from 0)."""
    deck, _ = read_deck(cards)
    layout = plan(len(deck.as_printed().cards), PrintOptions())
    faces = {}
    with pdfplumber.open(pdf_path) as pdf:
        for page, laid_out in zip(pdf.pages, layout.pages):
            for face in laid_out.faces:
                box = face.box
                crop = page.crop((box.x * MM, box.y * MM, (box.x + box.width) * MM, (box.y + box.height) * MM))
                words = crop.extract_words(extra_attrs=["fontname"])
                faces[face.side, face.index] = (" ".join(w["text"] for w in words),
                                                {w["text"] for w in words if "Bold" in w["fontname"]})
    return faces


def test_each_deletion_is_a_printed_card_with_the_blank_on_the_front_and_the_answer_on_the_back(built):
    faces = printed_faces(built / "minimal.pdf", Path("cards"))
    assert len(faces) == 16  # 5 notes of other kinds, 3 cloze cards from 2 notes; front and back each
    text = {where: squash(words) for where, (words, _) in faces.items()}
    bold = {where: squash(" ".join(sorted(words))) for where, (_, words) in faces.items()}
    assert squash(LAUNCH.format("[...]", "kolkhozy")) in text["front", 5] and "6/8" in text["front", 5]
    assert squash(LAUNCH.format("1929", "kolkhozy")) in text["back", 5] and "March1930" in text["back", 5]
    assert "[...]" in bold["front", 5] and "1929" in bold["back", 5] and "kolkhozy" not in bold["back", 5]
    assert squash(LAUNCH.format("1929", "[farms]")) in text["front", 6] and "7/8" in text["front", 6]
    assert squash(LAUNCH.format("1929", "kolkhozy")) in text["back", 6]
    assert "kolkhozy" in bold["back", 6] and "1929" not in bold["back", 6]  # the asked deletion alone
    assert squash("A <b> tag & a #hash stay [...] on every card.") in text["front", 7]
    assert "plain" in bold["back", 7] and "text" in bold["back", 7]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_text_exports_have_a_row_per_deletion_with_its_own_guid(built):
    rows = [row for row in csv.reader(line for line in (built / "minimal.csv").open(encoding="utf-8")
                                      if not line.startswith("#")) if row[5] == "Minimal::Cloze"]
    assert [row[:2] for row in rows] == [
        [LAUNCH.format("[...]", "kolkhozy"), LAUNCH.format("1929", "kolkhozy")],
        [LAUNCH.format("1929", "[farms]"), LAUNCH.format("1929", "kolkhozy")],
        ["A <b> tag & a #hash stay [...] on every card.", "A <b> tag & a #hash stay plain text on every card."],
    ]
    assert len({row[6] for row in rows}) == 3
    tsv = (built / "minimal.tsv").read_text(encoding="utf-8").splitlines()
    assert f"{LAUNCH.format('1929', '[farms]')}\t{LAUNCH.format('1929', 'kolkhozy')}" in tsv


@pytest.mark.parametrize(("text", "offset", "says"), [
    ("{{c0::a}}", 0, "numbers start at c1"),
    ("x {{c1::a::}}", 2, "empty hint"),
    ("{{c1::a}} {{c1::b}}", None, None),  # one number twice: one card hiding both
    ("{{c2::a}}", 0, "'c2' but no 'c1'"),
])
def test_cloze_text_is_checked(text: str, offset: int | None, says: str | None) -> None:
    problems = parse_cloze(text).problems
    assert problems == () if says is None else (problems[0][0] == offset and says in problems[0][1])
