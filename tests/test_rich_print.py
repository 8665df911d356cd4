"""Rich cards on paper: styled text fits as plain text does (proven, or measured), pictures sit on their faces."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from card_folders import write_cards
from factdeck.builders import BuildOptions, load_builder
from factdeck.builders.printing import chunks
from factdeck.pipeline import BuildRequest, build, read_deck
from factdeck.templating import make_environment
from media_files import png
from test_print_restyled import _bbox, assert_every_face_readable, built_both_ways

EPOCH = 1700000000
WORDS = "Wolf fJord of the “Great Turn” fulfilled: grain, steel! Magnitogorsk’s kolkhoz plan".split()


def styled(words: list[str], every: int) -> str:
    """The words with every ``every``-th one bold, the one after it italic: bold is the widest style."""
    out = []
    for index, word in enumerate(words):
        out.append(f"**{word}**" if index % every == 0 else f"*{word}*" if index % every == 1 else word)
    return " ".join(out)


def test_styled_text_on_the_edge_of_fitting_is_proven_as_measuring_would(tmp_path):
    """A ladder of texts from one word to too many, all bold or half styled: proof and measure agree."""
    cards = []
    for length in range(1, 60, 4):
        words = (WORDS * 8)[:length]
        cards += [{"id": f"b{length}", "kind": "fact", "question": styled(words, 1), "answer": styled(words, 2),
                   "note": styled(words, 3), "source": "book"},
                  {"id": f"q{length}", "kind": "quote", "quote": styled(words, 2), "by": "**Stalin**",
                   "date": "1929", "context": styled(words, 1), "source": "book"}]
    folder = write_cards(tmp_path / "cards", cards, markup="markdown")
    deck, _ = read_deck(folder)
    builder = load_builder("pdf")(make_environment(None), BuildOptions(epoch=EPOCH))
    assert builder.text_extents(deck, builder.layout(deck)) is not None  # the faces are proven
    proven, measured = built_both_ways(folder, None, tmp_path)
    assert proven == measured


def test_lists_and_code_are_measured_and_never_cut(tmp_path):
    """The proof cannot count a list's indent or code's font: such faces are measured, and fit."""
    answer = "Three:\n\n" + "\n".join(f"- **{word}** and `{word.lower()}`" for word in WORDS[:6])
    folder = write_cards(tmp_path / "cards", [{"id": "listed", "kind": "fact", "question": "Which?",
                                                "answer": answer, "source": "book"}], markup="markdown")
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("pdf",), epoch=EPOCH))
    assert result.exit_code == 0 and not result.problems, [p.format() for p in result.problems]
    with pdfplumber.open(result.outputs[0].target) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "•" in text and "Wolf" in text and "cut" not in text
    proven, measured = built_both_ways(folder, None, tmp_path)
    assert proven == measured


def pictured_deck(folder: Path, count: int) -> Path:
    cards = [{"id": f"c{index}", "kind": "fact", "question": f"Question {index}?", "answer": f"Answer {index}",
              "image": f"p{index % 3}.png", "answer_image": "wide.png", "source": "book"} for index in range(count)]
    write_cards(folder, cards)
    for index in range(3):
        (folder / f"p{index}.png").write_bytes(png(40 + 20 * index, 60, seed=index))
    (folder / "wide.png").write_bytes(png(300, 40, seed=9))
    return folder


def test_pictures_reach_every_chunk_of_a_large_print(tmp_path, monkeypatch):
    folder = pictured_deck(tmp_path / "cards", 20)
    monkeypatch.setattr(chunks, "ONE_COMPILE_SHEETS", 0)
    monkeypatch.setattr(chunks, "SHEETS_PER_CHUNK", 1)
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("pdf",), epoch=EPOCH))
    assert result.exit_code == 0 and not result.problems, [p.format() for p in result.problems]
    with pdfplumber.open(result.outputs[0].target) as pdf:
        sizes = [[image["srcsize"] for image in page.images] for page in pdf.pages]
    assert len(sizes) == 6  # three sheets of 9, 9 and 2 cards, fronts and backs
    fronts, backs = sizes[0::2], sizes[1::2]
    assert sorted({size for page in fronts for size in page}) == [(40, 60), (60, 60), (80, 60)]
    assert [len(page) for page in fronts] == [9, 9, 2]
    assert {size for page in backs for size in page} == {(300, 40)} and [len(p) for p in backs] == [9, 9, 2]


def test_each_picture_is_inside_its_card_above_its_text(tmp_path):
    folder = pictured_deck(tmp_path / "cards", 9)
    result = build(BuildRequest(folder, out=tmp_path / "dist", formats=("pdf",), epoch=EPOCH))
    assert result.exit_code == 0 and not result.problems, [p.format() for p in result.problems]
    assert_every_face_readable(result.outputs[0].target, folder)  # every text above its k/N, on its card
    deck, _ = read_deck(folder)
    layout = load_builder("pdf")(make_environment(None), BuildOptions(epoch=EPOCH)).layout(deck)
    with pdfplumber.open(result.outputs[0].target) as pdf:
        for page_layout, page in zip(layout.pages, pdf.pages):
            assert len(page.images) == len(page_layout.faces)
            for face in page_layout.faces:
                crop = page.crop(_bbox(face.box))
                (image,) = [i for i in page.images if _inside(i, _bbox(face.box))]
                main = [w for w in crop.extract_words() if w["text"] in ("Question", "Answer")]
                assert main and all(image["bottom"] < word["top"] for word in main)


def _inside(image: dict, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= image["x0"] and image["x1"] <= box[2] and box[1] <= image["top"] and image["bottom"] <= box[3]
