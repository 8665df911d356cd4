"""The printed cards as a user meets them: the PDF read back with pdfplumber and pypdf."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from factdeck.builders import PrintOptions
from factdeck.builders.printing.layout import PAPERS, Box, Layout, parse_card_size, plan
from factdeck.cli import main
from factdeck.pipeline import read_deck
from factdeck.typography import typographic

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
MM = 72 / 25.4  # PDF points in a millimetre
EPOCH = "1700000000"
LABEL = re.compile(r"\d+/\d+")


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Build a card folder's PDF once per set of arguments in this module; returns its path."""
    built: dict[tuple, Path] = {}

    def run(cards: Path, *args: str) -> Path:
        if (cards, args) not in built:
            out = tmp_path_factory.mktemp("dist")
            with pytest.MonkeyPatch.context() as env:
                env.setenv("SOURCE_DATE_EPOCH", EPOCH)
                assert main([str(cards), "--out", str(out), "--only", "pdf", "-q", *args]) == 0
            (built[cards, args],) = out.glob("*.pdf")
        return built[cards, args]

    return run


def labels(page: pdfplumber.page.Page, turned: bool = False) -> dict[str, tuple[float, float]]:
    """Each ``k/N`` on a page -> the centre of its box, in mm from the page's top-left corner."""
    found = {}
    for word in page.extract_words():
        text = word["text"][::-1] if turned else word["text"]  # upside-down text reads backwards
        if LABEL.fullmatch(text):
            found[text] = ((word["x0"] + word["x1"]) / 2 / MM, (word["top"] + word["bottom"]) / 2 / MM)
    return found


def face_text(page: pdfplumber.page.Page, box: Box) -> str:
    """The text inside one face, without whitespace (lines wrap differently from the YAML)."""
    crop = page.crop((box.x * MM, box.y * MM, (box.x + box.width) * MM, (box.y + box.height) * MM))
    return squash(crop.extract_text())


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def layout_of(cards: Path, **options: object) -> Layout:
    deck, _ = read_deck(cards)
    return plan(len(deck.cards), PrintOptions(**options))  # type: ignore[arg-type]


# ---------------------------------------------------------------- duplex geometry

@pytest.mark.parametrize("duplex", ["long", "short"])
@pytest.mark.parametrize("offset", [(0.0, 0.0), (1.5, -0.7)])
def test_each_back_sits_behind_its_front(build, duplex, offset):
    cards = ROOTS / "minimal"
    pdf = pdfplumber.open(build(cards, "--duplex", duplex, f"--back-offset={offset[0]},{offset[1]}"))
    width, height = PAPERS["a4"]
    assert len(pdf.pages) == 2  # five cards: one partly filled sheet, front and back
    fronts = labels(pdf.pages[0])
    backs = labels(pdf.pages[1], turned=duplex == "short")
    assert sorted(fronts) == sorted(backs) == [f"{k}/5" for k in range(1, 6)]
    for face in layout_of(cards).pages[0].faces:  # centred at the foot of the face
        x, y = fronts[f"{face.index + 1}/5"]
        assert x == pytest.approx(face.box.x + face.box.width / 2, abs=0.1)
        assert face.box.y + face.box.height - 6 < y < face.box.y + face.box.height
    for label, (x, y) in fronts.items():
        # Where the printer puts the reverse of (x, y), then shifted by the offset.
        mirror = (width - x, y) if duplex == "long" else (x, height - y)
        expected = (mirror[0] + offset[0], mirror[1] + offset[1])
        assert backs[label] == pytest.approx(expected, abs=0.5), label


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pages_have_the_paper_size_and_come_in_front_back_pairs(build, paper):
    pdf = pypdf.PdfReader(build(ROOTS / "minimal", "--paper", paper))
    assert len(pdf.pages) % 2 == 0
    for page in pdf.pages:
        size = (float(page.mediabox.width) / MM, float(page.mediabox.height) / MM)
        assert size == pytest.approx(PAPERS[paper], abs=0.1)


@pytest.mark.parametrize("size", ["63x88mm", "3x5in", "2x3.5in", "a7"])
def test_crop_marks_outline_cards_of_the_asked_size_without_touching_them(build, size):
    cards = ROOTS / "minimal"
    pdf = pdfplumber.open(build(cards, "--card-size", size))
    layout = layout_of(cards, card_size=size)
    assert sorted(layout.card) == pytest.approx(sorted(parse_card_size(size)))
    for page_layout, page in zip(layout.pages, pdf.pages):
        if page_layout.side != "front":
            continue
        marks = [((line["x0"] / MM, line["top"] / MM), (line["x1"] / MM, line["bottom"] / MM))
                 for line in page.lines]
        assert marks
        boxes = [face.box for face in page_layout.faces]
        for (x0, y0), (x1, y1) in marks:
            for box in boxes:  # no ink across a card: a mark may not enter any card
                assert not (x0 < box.x + box.width - 0.05 and x1 > box.x + 0.05
                            and y0 < box.y + box.height - 0.05 and y1 > box.y + 0.05)
        for box in boxes:
            corners = [(box.x, box.y), (box.x + box.width, box.y),
                       (box.x, box.y + box.height), (box.x + box.width, box.y + box.height)]
            for cx, cy in corners:  # each corner: one mark along each of its edges, close by
                near = [m for m in marks if min(math.dist(end, (cx, cy)) for end in m) < 1.5]
                assert any(abs(a[0] - b[0]) < 0.01 and abs(a[0] - cx) < 0.01 for a, b in near)
                assert any(abs(a[1] - b[1]) < 0.01 and abs(a[1] - cy) < 0.01 for a, b in near)


def test_default_cards_are_poker_size_nine_to_an_a4_sheet(build):
    pdf = pdfplumber.open(build(REPO / "cards"))
    first = labels(pdf.pages[0])
    assert len(first) == 9
    xs = sorted({round(x) for x, _ in first.values()})
    assert 63 <= xs[1] - xs[0] <= 63 + 10  # 63 mm cards side by side, a narrow gutter between


def test_fold_layout_puts_front_and_back_side_by_side_on_one_side(build):
    cards = ROOTS / "minimal"
    pdf = pdfplumber.open(build(cards, "--duplex", "none"))
    layout = layout_of(cards, duplex="none")
    card_width = layout.card[0]
    for page in pdf.pages:
        words = [w for w in page.extract_words() if LABEL.fullmatch(w["text"])]
        by_label: dict[str, list[float]] = {}
        for word in words:
            by_label.setdefault(word["text"], []).append((word["x0"] + word["x1"]) / 2 / MM)
        for label, xs in by_label.items():
            assert len(xs) == 2, label  # both faces of a card on the same page
            assert max(xs) - min(xs) == pytest.approx(card_width, abs=0.5)
        dashed = [line for line in page.lines if line["x0"] == line["x1"]
                  and line["bottom"] - line["top"] >= layout.card[1] * MM - 0.5]
        assert len(dashed) == len(by_label)  # a fold line down the middle of each pair


# ---------------------------------------------------------------- content

def test_bundled_deck_builds_both_outputs_with_every_card_on_its_faces(run_cli, tmp_path):
    cards = tmp_path / "cards"  # a copy: the .apkg build keeps the deck's factdeck.lock up to date
    shutil.copytree(REPO / "cards", cards)
    result = run_cli(cards, "--out", tmp_path)
    assert result.code == 0, result.err
    assert "does not fit" not in result.err
    deck, _ = read_deck(REPO / "cards")
    deck = deck.as_printed()  # a cloze card prints once per deletion
    assert (tmp_path / "stalins-ussr.apkg").is_file()
    pdf = pdfplumber.open(tmp_path / "stalins-ussr.pdf")
    layout = plan(len(deck.cards), PrintOptions())
    assert len(pdf.pages) == len(layout.pages) == 2 * math.ceil(len(deck.cards) / 9)
    check_every_face(pdf, layout, deck.cards)


def check_every_face(pdf: pdfplumber.PDF, layout: Layout, cards: tuple) -> None:
    """Each card's texts are on its faces, and no character is outside a face."""
    shown = {i: "" for i in range(len(cards))}
    total = len(cards)
    for page_layout, page in zip(layout.pages, pdf.pages):
        inside = 0
        for face in page_layout.faces:
            text = face_text(page, face.box)
            assert f"{face.index + 1}/{total}" in text
            shown[face.index] += text
            inside += len(page.crop(_bbox(face.box)).chars)
        if page_layout.scale_mark:  # the ruler check's label, beside the cards
            inside += len(page.crop(_bbox(page_layout.scale_mark)).chars)
        assert inside == len(page.chars)  # nothing spills out of a card
    for i, card in enumerate(cards):
        for name, value in card.texts().items():
            if getattr(card, "CLOZE", False):  # printed as its sentence: the {{c1::...}} marks gone
                value = "".join(part.text for part in card.parts)
            assert squash(typographic(value)) in shown[i], (card.id, name)  # printed with curly quotes
        assert squash(typographic(card.note)) in shown[i]


def _bbox(box: Box) -> tuple[float, float, float, float]:
    return (box.x * MM, box.y * MM, (box.x + box.width) * MM, (box.y + box.height) * MM)


def test_fronts_name_what_they_ask_and_backs_cite_the_source_in_small_type(build):
    cards = ROOTS / "minimal"
    deck, _ = read_deck(cards)
    pdf = pdfplumber.open(build(cards))
    for page_layout, page in zip(layout_of(cards).pages, pdf.pages):
        for face in page_layout.faces:
            card = deck.cards[face.index]
            crop = page.crop(_bbox(face.box))
            small = squash("".join(c["text"] for c in crop.chars if c["size"] < 8))
            large = max(c["size"] for c in crop.chars)
            if face.side == "front":  # the cue Anki shows over the question: "TERM · DEFINE"
                assert squash(card.printed_direction().cue.upper()) in small
            else:
                assert squash("Source: An Author, “A Book”, 2001") in small
            assert large >= 10  # the prompt or answer itself is not small


def test_typst_code_in_card_text_prints_literally(build):
    cards = ROOTS / "print-hostile"
    deck, _ = read_deck(cards)
    path = build(cards)
    pdf = pdfplumber.open(path)
    check_every_face(pdf, layout_of(cards), deck.cards)
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "root:" not in text  # /etc/passwd was not read
    for page in pypdf.PdfReader(path).pages:  # '#set page(width: 1cm)' changed nothing
        assert float(page.mediabox.width) / MM == pytest.approx(210, abs=0.1)
    assert pypdf.PdfReader(path).metadata.title == "Hostile #set [deck] $x$"  # the deck name, as the title
    assert squash('An <Author> @cite, “A #emph[Book] about $money$”') in squash(text)


def test_every_font_is_embedded_and_ships_with_typst(build):
    reader = pypdf.PdfReader(build(ROOTS / "print-hostile"))  # Cyrillic, quotes and dashes
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font
                      else font)["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name
        assert "Libertinus" in name  # not whatever the machine has installed


def test_long_text_shrinks_to_fit_its_card(build):
    cards = ROOTS / "print-fit"
    deck, _ = read_deck(cards)
    pdf = pdfplumber.open(build(cards))
    layout = layout_of(cards)
    check_every_face(pdf, layout, deck.cards)
    back = next(page for page in layout.pages if page.side == "back")
    sizes = {}
    for face in back.faces:
        chars = pdf.pages[1].crop(_bbox(face.box)).chars
        sizes[deck.cards[face.index].id] = max(c["size"] for c in chars)
    assert sizes["shrinks"] < sizes["short"]
    assert sizes["shrinks"] >= 7


def test_text_that_cannot_fit_is_a_warning_with_its_line_or_an_error_when_strict(root, run_cli, tmp_path):
    cards = root("print-overflow")
    line = next(n for n, text in enumerate((cards / "cards.yaml").read_text().splitlines(), 1)
                if "id: too-long" in text)
    result = run_cli(cards, "--out", tmp_path / "dist", "--only", "pdf")
    assert result.code == 0
    assert re.search(rf"cards\.yaml:{line}:\d+: warning: card 'too-long': text does not fit on the front", result.err)
    pdf = pdfplumber.open(tmp_path / "dist" / "overflow.pdf")
    red = "".join(c["text"] for c in pdf.pages[0].chars if c["non_stroking_color"][0] > 0.5 > c["non_stroking_color"][1])
    assert "text cut" in red  # marked on the card too, not cut silently

    strict = run_cli(cards, "--out", tmp_path / "strict", "--only", "pdf", "--strict")
    assert strict.code == 1
    assert re.search(rf"cards\.yaml:{line}:\d+: card 'too-long': text does not fit", strict.err)
    assert not list((tmp_path / "strict").glob("*.pdf"))


# ---------------------------------------------------------------- build

def test_same_cards_and_epoch_give_the_same_bytes(build, tmp_path):
    first = build(ROOTS / "minimal").read_bytes()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert main([str(ROOTS / "minimal"), "--out", str(tmp_path), "--only", "pdf", "-q"]) == 0
    assert (tmp_path / "minimal.pdf").read_bytes() == first
    assert pypdf.PdfReader(tmp_path / "minimal.pdf").metadata["/CreationDate"] == "D:20231114221320Z"


def test_preview_shows_the_first_sheet_front_and_back(run_cli, tmp_path):
    result = run_cli(ROOTS / "minimal", "--out", tmp_path, "--only", "pdf", "--preview")
    assert result.code == 0, result.err
    png = (tmp_path / "minimal-preview.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > height  # two portrait sheets side by side
    plain = tmp_path / "plain"
    assert run_cli(ROOTS / "minimal", "--out", plain).code == 0
    assert not list(plain.glob("*.png"))  # only on request


@pytest.mark.parametrize("args", [
    ("--card-size", "huge"), ("--card-size", "500x500mm"), ("--paper", "a3"),
    ("--duplex", "diagonal"), ("--back-offset", "1"), ("--back-offset", "a,b"), ("--back-offset=99,0",),
])
def test_bad_print_options_are_usage_errors(run_cli, capsys, args, tmp_path):
    with pytest.raises(SystemExit) as exit:
        run_cli(ROOTS / "minimal", "--out", tmp_path, *args)
    err = capsys.readouterr().err
    assert exit.value.code == 2
    assert "usage:" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())
