"""The card size is used: type grows with the card, and a card wider than tall is set landscape."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from card_folders import write_cards
from factdeck.builders import BuildOptions, PrintOptions, load_builder
from factdeck.builders.printing.layout import plan
from factdeck.cli import main
from factdeck.pipeline import read_deck
from factdeck.templating import make_environment
from test_text_extent import ladder, measured_faces

QUESTION = "What was the anticipated grain surplus meant to pay for?"
EPOCH = 1700000000


def question_card() -> dict[str, str]:
    return {"id": "q", "kind": "fact", "question": QUESTION, "answer": "Industrialization", "source": "book"}


def build(cards: Path, out: Path, *args: str) -> Path:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        assert main([str(cards), "--out", str(out), "--only", "pdf", "-q", *args]) == 0
    return out / "minimal.pdf"


def question_chars(pdf_path: Path) -> list[dict]:
    with pdfplumber.open(pdf_path) as pdf:
        chars = pdf.pages[0].chars
        first = "".join(c["text"] for c in chars).index("What")
        return chars[first:first + len(QUESTION.replace(" ", ""))]


@pytest.fixture(scope="module")
def main_sizes(tmp_path_factory):
    """The question's type size on the front, by card size."""
    tmp = tmp_path_factory.mktemp("sizes")
    cards = write_cards(tmp / "cards", [question_card()])
    sizes = {}
    for size in ("63x88mm", "3x5in", "5x3in", "a7"):
        sizes[size] = type_size(question_chars(build(cards, tmp / size, "--card-size", size))[0])
    return sizes


def upright(char: dict) -> bool:
    """Whether a character's baseline runs across the page (pdfplumber's own flag misses turned text)."""
    return abs(char["matrix"][0]) > 0.5


def type_size(char: dict) -> float:
    """A character's type size, however its face is turned: its box across its baseline."""
    return char["size"] if upright(char) else char["x1"] - char["x0"]


@pytest.mark.parametrize("size", ["3x5in", "5x3in", "a7"])
def test_the_main_text_grows_with_the_card(main_sizes, size):
    assert main_sizes[size] >= 1.15 * main_sizes["63x88mm"]


def test_a_card_wider_than_tall_is_landscape_and_lies_on_its_side_when_that_fits_more(tmp_path):
    cards = write_cards(tmp_path / "cards", [question_card()])
    layout = plan(1, PrintOptions(card_size="5x3in"))
    assert layout.card == pytest.approx((127.0, 76.2))  # set as written: wider than tall
    (face,) = layout.pages[0].faces
    assert face.rotation == 270 and face.box.width < face.box.height  # on A4 it lies on its side: 4 a sheet
    assert layout.per_sheet == 4
    chars = question_chars(build(cards, tmp_path / "sideways", "--card-size", "5x3in"))
    assert not any(upright(c) for c in chars)  # the lines run up the sheet: across the card
    # A card that fits as many upright stays upright, and is still landscape.
    standing = plan(1, PrintOptions(card_size="150x60mm"))
    assert standing.pages[0].faces[0].rotation == 0 and standing.pages[0].faces[0].box.width == 150
    chars = question_chars(build(cards, tmp_path / "upright", "--card-size", "150x60mm"))
    assert all(upright(c) for c in chars)
    assert chars[-1]["x1"] - chars[0]["x0"] > 60 * 72 / 25.4  # one line longer than the card is tall


@pytest.mark.parametrize("size", ["3x5in", "5x3in", "a7"])
def test_scaled_faces_print_the_same_whether_proven_or_measured(tmp_path, size):
    cards = []
    for index, text in enumerate(ladder(40)):
        short = " ".join(text.split()[:12])
        cards += [{"id": f"f{index}", "kind": "fact", "question": text, "answer": short, "note": text,
                   "source": "book"},
                  {"id": f"t{index}", "kind": "term", "term": short, "definition": text, "source": "book"}]
    write_cards(tmp_path / "cards", cards)
    deck, log = read_deck(tmp_path / "cards")
    builder_class = load_builder("pdf")
    options = BuildOptions(epoch=EPOCH, log=log, print=PrintOptions(card_size=size))
    outputs = []
    for proven in (True, False):
        builder = builder_class(make_environment(None), options)
        if not proven:
            builder.text_extents = lambda deck, layout: None  # type: ignore[method-assign]
        builder.write(deck, tmp_path / f"{proven}.pdf")
        outputs.append((tmp_path / f"{proven}.pdf").read_bytes())
    assert outputs[0] == outputs[1]
    builder = builder_class(make_environment(None), options)
    layout = builder.layout(deck)
    slow, faces = measured_faces(builder.source(deck, layout, builder.text_extents(deck, layout)), tmp_path)
    assert faces // 4 < faces - slow  # the proof still holds for many faces at the scaled sizes
