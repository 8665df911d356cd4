"""A user's restyled print templates build correctly: proven where the proof applies, measured
where it cannot, never cut. The PDF is read back with pdfplumber."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber

from card_folders import write_cards
from conftest import REPO, ROOTS
from factdeck.builders import BuildOptions, load_builder
from factdeck.builders.printing.layout import Box
from factdeck.pipeline import BuildRequest, build, read_deck
from factdeck.templating import make_environment

EPOCH = 1700000000
MM = 72 / 25.4
NUMBER = re.compile(r"\d+/\d+")
STYLE = (REPO / "templates" / "print" / "style.typ").read_text(encoding="utf-8")


def built_both_ways(cards: Path, templates: Path | None, tmp: Path) -> tuple[bytes, bytes]:
    """The PDF as built (faces proven where they can be) and with every face measured."""
    deck, log = read_deck(cards)
    pdfs = []
    for proven in (True, False):
        builder = load_builder("pdf")(make_environment(templates), BuildOptions(epoch=EPOCH, log=log))
        if not proven:
            builder.text_extents = lambda deck, layout: None  # type: ignore[method-assign]
        builder.write(deck, tmp / f"{proven}.pdf")
        pdfs.append((tmp / f"{proven}.pdf").read_bytes())
    return pdfs[0], pdfs[1]


def assert_every_face_readable(pdf_path: Path, cards: Path) -> set[str]:
    """Every text of every card on its faces, above its k/N, inside the card; the fonts used."""
    deck, _ = read_deck(cards)
    builder = load_builder("pdf")(make_environment(None), BuildOptions(epoch=EPOCH))
    fonts: set[str] = set()
    shown = {index: "" for index in range(len(deck.cards))}
    with pdfplumber.open(pdf_path) as pdf:
        for page_layout, page in zip(builder.layout(deck).pages, pdf.pages):
            inside = 0
            for face in page_layout.faces:
                crop = page.crop(_bbox(face.box))
                inside += len(crop.chars)
                words = crop.extract_words()
                (number,) = [w for w in words if NUMBER.fullmatch(w["text"])]
                assert all(w["bottom"] <= number["top"] for w in words if w is not number), face
                shown[face.index] += re.sub(r"\s+", "", crop.extract_text())
                fonts |= {c["fontname"].split("+")[-1] for c in crop.chars}
            if page_layout.scale_mark:  # the ruler check's label, beside the cards
                inside += len(page.crop(_bbox(page_layout.scale_mark)).chars)
            assert inside == len(page.chars)  # nothing outside a card
    for index, card in enumerate(deck.cards):
        for text in (*card.texts().values(), card.note):
            assert re.sub(r"\s+", "", text) in shown[index], card.id
    return fonts


def _bbox(box: Box) -> tuple[float, float, float, float]:
    return (box.x * MM, box.y * MM, (box.x + box.width) * MM, (box.y + box.height) * MM)


def test_a_restyled_style_prints_in_its_font_proven_the_same_as_measured(root, tmp_path):
    folder = root("print-restyled")
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("pdf",), epoch=EPOCH,
                                templates=folder / "templates"))
    assert result.exit_code == 0 and not result.problems, [p.format() for p in result.problems]
    fonts = assert_every_face_readable(result.outputs[0].target, folder)
    assert fonts and all(font.startswith("NewCM") for font in fonts), fonts
    proven, measured = built_both_ways(folder, folder / "templates", tmp_path)
    assert proven == measured == result.outputs[0].target.read_bytes()


def test_a_restyled_style_proves_faces_on_the_edge_of_fitting_as_measuring_would(root, tmp_path):
    """The ladder of texts from one word to too many, in the restyled copy's sizes and gaps."""
    words = "Wolf fJord of the “Great Turn” fulfilled: grain, steel! Magnitogorsk’s kolkhoz plan".split()
    cards = []
    for length in range(1, 60, 3):
        text = " ".join((words * 8)[:length])
        cards += [{"id": f"t{length}", "kind": "term", "term": words[length % len(words)], "definition": text,
                   "note": text, "source": "book"},
                  {"id": f"q{length}", "kind": "quote", "quote": text, "by": "Stalin", "date": "1929",
                   "context": text, "source": "book"}]
    write_cards(tmp_path / "cards", cards)
    templates = ROOTS / "print-restyled" / "templates"
    deck, _ = read_deck(tmp_path / "cards")
    builder = load_builder("pdf")(make_environment(templates), BuildOptions(epoch=EPOCH))
    assert builder.text_extents(deck, builder.layout(deck)) is not None  # the copy's faces are proven
    proven, measured = built_both_ways(tmp_path / "cards", templates, tmp_path)
    assert proven == measured


def test_a_style_that_lays_faces_out_taller_than_main_bound_is_measured_and_never_cut(root, tmp_path):
    """A restyler adds a gap under the body that main-bound does not know: factdeck notices,
    says so once, and measures every face instead of trusting a bound that would be wrong."""
    taller = STYLE.replace("  block(main.body)\n", "  block(main.body)\n  v(2.5em)\n")
    assert taller != STYLE
    (tmp_path / "mine" / "print").mkdir(parents=True)
    (tmp_path / "mine" / "print" / "style.typ").write_text(taller, encoding="utf-8")
    folder = root("print-fit")
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("pdf",), epoch=EPOCH,
                                templates=tmp_path / "mine"))
    assert result.exit_code == 0
    assert [p.format() for p in result.problems] == [
        "templates/print/style.typ: note: main-content lays a face out taller than main-bound adds up: "
        "every printed face is measured to fit it, which is slower (never wrong)"]
    assert_every_face_readable(result.outputs[0].target, folder)


def test_a_copy_of_faces_typ_builds_as_the_default_does(root, tmp_path):
    """A user's copy of faces.typ (and of style.typ) beside the cards: the same PDF as factdeck's own."""
    folder = root("print-fit")
    for name in ("faces.typ", "style.typ"):
        mine = tmp_path / "mine" / "print" / name
        mine.parent.mkdir(parents=True, exist_ok=True)
        mine.write_text((REPO / "templates" / "print" / name).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    theirs = build(BuildRequest(folder, out=tmp_path / "theirs", formats=("pdf",), epoch=EPOCH,
                                templates=tmp_path / "mine"))
    ours = build(BuildRequest(folder, out=tmp_path / "ours", formats=("pdf",), epoch=EPOCH))
    assert theirs.exit_code == ours.exit_code == 0 and theirs.problems == ours.problems == ()
    assert theirs.outputs[0].target.read_bytes() == ours.outputs[0].target.read_bytes()
