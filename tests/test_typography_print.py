"""Each printed face reads at a glance: what it asks or answers on top, the answer in bold and nothing
else, the note and sources small but dark enough for an inkjet, and k/N apart from the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from factdeck.builders import PrintOptions
from factdeck.builders.printing.layout import Box, plan
from factdeck.cli import main
from factdeck.pipeline import read_deck

ROOTS = Path(__file__).parent / "roots"
MM = 72 / 25.4
NUMBER = re.compile(r"\d+/\d+")


@pytest.fixture(scope="module")
def faces(tmp_path_factory) -> dict[tuple[str, str], list[dict]]:
    """(card id, side) -> the characters pdfplumber reads on that face of tests/roots/minimal."""
    cards = ROOTS / "minimal"
    out = tmp_path_factory.mktemp("dist")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main([str(cards), "--out", str(out), "--only", "pdf", "-q"]) == 0
    deck, _ = read_deck(cards)
    found = {}
    with pdfplumber.open(out / "minimal.pdf") as pdf:
        for sheet, page in zip(plan(len(deck.cards), PrintOptions()).pages, pdf.pages):
            for face in sheet.faces:
                found[deck.cards[face.index].id, face.side] = page.crop(_bbox(face.box)).chars
    return found


def _bbox(box: Box) -> tuple[float, float, float, float]:
    return (box.x * MM, box.y * MM, (box.x + box.width) * MM, (box.y + box.height) * MM)


def _text(chars: list[dict]) -> str:
    return "".join(c["text"] for c in chars if not c["text"].isspace())


def _bold(chars: list[dict]) -> str:
    return _text([c for c in chars if "Bold" in c["fontname"]])


def test_fronts_carry_the_cue_anki_shows_above_the_question(faces) -> None:
    for card_id, cue in [("kolkhoz", "TERM·DEFINE"), ("plan-adopted", "DATE·WHEN?"),
                         ("quote-crushed", "QUOTATION·WHOSAIDIT?"), ("why-collectivize", "QUESTION")]:
        chars = faces[card_id, "front"]
        top = min(c["top"] for c in chars)
        assert _text([c for c in chars if c["top"] < top + 1]) == cue


def test_bold_marks_the_answer_and_nothing_else(faces) -> None:
    assert {_bold(chars) for (_, side), chars in faces.items() if side == "front"} == {""}
    assert _bold(faces["plan-adopted", "back"]) == "1928"
    assert _bold(faces["quote-crushed", "back"]) == "JosephStalin"
    assert _bold(faces["collectivized-by-1940", "back"]) == "about97percent"
    assert _bold(faces["kolkhoz", "back"]) == _bold(faces["why-collectivize", "back"]) == ""  # all of it answers


def test_small_type_is_large_and_dark_enough_for_an_inkjet(faces) -> None:
    for chars in faces.values():
        for char in chars:
            if char["text"].isspace():
                continue
            assert char["size"] >= 7 - 0.01, char["text"]
            (grey,) = set(char["non_stroking_color"] or (0,))  # luma: 0 black, 1 white
            assert grey <= 0.35, char["text"]


def test_the_card_number_stands_apart_from_the_sources(faces) -> None:
    for (card_id, side), chars in faces.items():
        lines: dict[float, list[dict]] = {}
        for char in chars:
            lines.setdefault(round(char["top"], 1), []).append(char)
        *above, last = sorted(lines)
        assert NUMBER.fullmatch(_text(lines[last])), (card_id, side)  # alone on its line, at the foot
        sources = max(c["bottom"] for top in above for c in lines[top])
        assert (last - sources) / MM >= 1.5, (card_id, side)


def test_a_back_is_set_left_and_a_front_centred(faces) -> None:
    def left_edges(chars: list[dict]) -> set[float]:
        lines: dict[float, float] = {}
        for char in chars:
            if char["size"] > 9:  # the main text
                lines[round(char["top"])] = min(lines.get(round(char["top"]), 1e9), char["x0"])
        return {round(x) for x in lines.values()}

    assert len(left_edges(faces["quote-crushed", "back"])) == 1  # every line starts at the margin
    assert len(left_edges(faces["collectivized-by-1940", "front"])) > 1  # lines of a question centred
