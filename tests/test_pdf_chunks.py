"""A large deck's PDF typeset in chunks by worker processes reads exactly as one compile of it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from factdeck.builders import PrintOptions
from factdeck.builders.printing import chunks as pdf_chunks
from factdeck.builders.printing.layout import plan
from factdeck.cli import main
from factdeck.pipeline import read_deck

REPO = Path(__file__).parent.parent
STYLE = REPO / "templates" / "print" / "style.typ"
EPOCH = "1700000000"
SHEETS = 8  # the bundled deck's 21 sheets become three chunks: 8, 8 and 5


def build(out: Path, sheets: int, *args: str) -> Path:
    """The bundled deck's PDF with ``sheets`` sheets a chunk."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setattr(pdf_chunks, "SHEETS_PER_CHUNK", sheets)
        patch.setattr(pdf_chunks, "ONE_COMPILE_SHEETS", 0)
        assert main([str(REPO / "cards"), "--out", str(out), "--only", "pdf", "-q", *args]) == 0
    (pdf,) = out.glob("*.pdf")
    return pdf


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("whole"), 1000)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("chunked"), SHEETS)


def page_contents(path: Path) -> list[tuple]:
    """Each page as a user sees it: its size, every word where it stands, every line drawn."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = [(w["text"], round(w["x0"], 2), round(w["top"], 2), round(w["x1"], 2))
                     for w in page.extract_words()]
            lines = sorted((round(l["x0"], 2), round(l["top"], 2), round(l["x1"], 2), round(l["bottom"], 2))
                           for l in page.lines)
            chars = sorted({(c["fontname"].split("+")[-1], round(c["size"], 2)) for c in page.chars})
            pages.append((round(page.width, 2), round(page.height, 2), words, lines, chars))
    return pages


def test_chunks_read_page_by_page_as_one_compile(whole, chunked):
    deck, _ = read_deck(REPO / "cards")
    assert len(pdf_chunks.split(plan(len(deck.cards), PrintOptions()), SHEETS)) == 3
    assert chunked.read_bytes() != whole.read_bytes()  # really built in chunks
    assert page_contents(chunked) == page_contents(whole)
    joined, single = pypdf.PdfReader(chunked), pypdf.PdfReader(whole)
    assert joined.metadata == single.metadata  # title and dates, and no "pypdf" as producer
    assert joined.trailer["/ID"]  # from the first chunk: the build fixes it, nothing random
    assert joined.trailer["/Root"]["/Lang"] == "en"


def test_chunks_embed_every_font(chunked):
    for page in pypdf.PdfReader(chunked).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]


def test_chunked_builds_repeat_byte_for_byte(chunked, tmp_path):
    assert build(tmp_path, SHEETS).read_bytes() == chunked.read_bytes()


@pytest.mark.parametrize("duplex", ["long", "none"])
def test_chunks_hold_whole_sheets_in_order(duplex):
    layout = plan(100, PrintOptions(duplex=duplex))
    chunks = pdf_chunks.split(layout, 3)
    assert [page for chunk in chunks for page in chunk.pages] == list(layout.pages)
    for chunk in chunks:
        sides = [page.side for page in chunk.pages]
        assert sides == (["front", "back"] * 3 if duplex == "long" else ["both"] * 3)[:len(sides)]


@pytest.mark.parametrize("duplex", ["long", "none"])
def test_small_decks_are_one_compile_and_large_ones_chunks_of_whole_sheets(duplex):
    per_sheet = plan(1, PrintOptions(duplex=duplex)).per_sheet
    largest_whole = plan(pdf_chunks.ONE_COMPILE_SHEETS * per_sheet, PrintOptions(duplex=duplex))
    assert pdf_chunks.chunks_of(largest_whole) == [largest_whole]
    chunks = pdf_chunks.chunks_of(plan((pdf_chunks.ONE_COMPILE_SHEETS + 1) * per_sheet, PrintOptions(duplex=duplex)))
    sheets = [sum(page.side != "back" for page in chunk.pages) for chunk in chunks]
    assert sheets[:-1] == [pdf_chunks.SHEETS_PER_CHUNK] * (len(sheets) - 1)
    assert sum(sheets) == pdf_chunks.ONE_COMPILE_SHEETS + 1


def test_overflow_in_a_later_chunk_names_its_card_and_line(root, run_cli, tmp_path, monkeypatch):
    cards = root("print-overflow")
    text = (cards / "cards.yaml").read_text()
    fillers = "".join(f"  - id: filler-{n}\n    kind: term\n    term: Term {n}\n    definition: Short.\n"
                      f"    source: book\n" for n in range(9))
    (cards / "cards.yaml").write_text(text.replace("cards:\n", "cards:\n" + fillers, 1))
    line = next(n for n, row in enumerate((cards / "cards.yaml").read_text().splitlines(), 1)
                if "id: too-long" in row)
    monkeypatch.setattr(pdf_chunks, "SHEETS_PER_CHUNK", 1)
    monkeypatch.setattr(pdf_chunks, "ONE_COMPILE_SHEETS", 0)
    result = run_cli(cards, "--out", tmp_path / "dist", "--only", "pdf")
    assert result.code == 0, result.err
    warnings = [row for row in result.err.splitlines() if "does not fit" in row]
    assert len(warnings) == 1
    assert re.search(rf"cards\.yaml:{line}:\d+: warning: card 'too-long': text does not fit on the front",
                     warnings[0])
    pdf = pdfplumber.open(tmp_path / "dist" / "overflow.pdf")
    assert len(pdf.pages) == 4  # two sheets, so two chunks
    assert {"10/11", "11/11"} <= {w["text"] for w in pdf.pages[3].extract_words()}  # numbered in the deck
    # The red mark over the cut text (read alone: the clipped lines under it are still in the page).
    assert "text cut" in "".join(c["text"] for c in pdf.pages[2].chars if len(c["non_stroking_color"] or ()) == 3)


def test_a_typst_error_in_a_later_chunk_is_the_same_clean_error(run_cli, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    (templates / "print").mkdir(parents=True)
    (templates / "print" / "style.typ").write_text(STYLE.read_text() + (
        "\n#let whole-face = face\n"
        '#let face(card, ..args) = if card >= 100 { panic("card " + str(card)) } else { whole-face(card, ..args) }\n'))
    errors = []
    for sheets in (1000, SHEETS):
        monkeypatch.setattr(pdf_chunks, "SHEETS_PER_CHUNK", sheets)
        monkeypatch.setattr(pdf_chunks, "ONE_COMPILE_SHEETS", 0)
        result = run_cli(REPO / "cards", "--out", tmp_path / f"out-{sheets}", "--templates", templates,
                         "--only", "pdf")
        assert result.code == 1
        assert "Traceback" not in result.err
        errors.append(result.err)
        assert not list((tmp_path / f"out-{sheets}").glob("*.pdf"))
    assert errors[0] == errors[1]
    assert "Typst could not compile the print layout" in errors[0] and "card 100" in errors[0]


def crash(source: str, epoch: int, pictures: object = None) -> None:
    """Stands in for a worker's compile: the process dies as if killed for lack of memory."""
    os._exit(9)


def test_a_worker_that_dies_is_a_clean_error(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_chunks, "compile_chunk", crash)
    monkeypatch.setattr(pdf_chunks, "SHEETS_PER_CHUNK", SHEETS)
    monkeypatch.setattr(pdf_chunks, "ONE_COMPILE_SHEETS", 0)
    result = run_cli(REPO / "cards", "--out", tmp_path, "--only", "pdf")
    assert result.code == 1
    assert "Typst stopped without finishing the print layout" in result.err
    assert "Traceback" not in result.err
    assert not list(tmp_path.glob("*.pdf"))
