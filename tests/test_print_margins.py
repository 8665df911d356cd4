"""Safe to print on any printer: no ink near the sheet's edge, every cut marked, a scale bar to check 100%."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.builders import PrintOptions
from factdeck.builders.printing.layout import CARD_SIZES, MARGIN_MM, PAPERS, SCALE_MARK_MM, Box, plan
from factdeck.cli import main

ROOTS = Path(__file__).parent / "roots"
MM = 72 / 25.4
SIZES = ["63x88mm", "3x5in", "5x3in", "2x3.5in", "a7"]

sizes = st.one_of(st.sampled_from(sorted(CARD_SIZES)),
                  st.tuples(st.integers(20, 95), st.integers(20, 130)).map(lambda s: f"{s[0]}x{s[1]}mm"))


def build(tmp_path: Path, *args: str) -> Path:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main([str(ROOTS / "minimal"), "--out", str(tmp_path), "--only", "pdf", "-q", *args]) == 0
    return tmp_path / "minimal.pdf"


def overlap(a: Box, b: Box, clearance: float = 0.0) -> bool:
    return (a.x < b.x + b.width + clearance and b.x < a.x + a.width + clearance
            and a.y < b.y + b.height + clearance and b.y < a.y + a.height + clearance)


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("size, duplex", [(size, "long") for size in SIZES] + [("63x88mm", "none")])
def test_no_ink_within_5_mm_of_the_sheet_edge(tmp_path, paper, size, duplex):
    with pdfplumber.open(build(tmp_path, "--paper", paper, "--card-size", size, "--duplex", duplex)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            ink = page.chars + page.lines + page.curves + page.rects
            assert ink
            for obj in ink:
                where = f"page {number}: {obj.get('text', obj['object_type'])} at {obj['x0'] / MM:.2f} mm"
                assert obj["x0"] >= 5 * MM - 0.01 and obj["x1"] <= page.width - 5 * MM + 0.01, where
                assert obj["top"] >= 5 * MM - 0.01 and obj["bottom"] <= page.height - 5 * MM + 0.01, where


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("size", SIZES)
def test_each_sheet_carries_a_50_mm_bar_that_says_to_print_at_actual_size(tmp_path, paper, size):
    with pdfplumber.open(build(tmp_path, "--paper", paper, "--card-size", size)) as pdf:
        for page in pdf.pages[0::2]:  # the fronts: one bar a sheet
            bars = [line for line in page.lines
                    if abs(max(line["x1"] - line["x0"], line["bottom"] - line["top"]) - 50 * MM) < 0.05]
            assert len(bars) == 1
            assert "50 mm: print at actual size (100%)" in page.extract_text() or any(
                "50 mm" in word["text"] for word in page.extract_words(keep_blank_chars=True))
        for page in pdf.pages[1::2]:
            assert not any(line["x1"] - line["x0"] > 40 * MM for line in page.lines)


def test_poker_cards_stay_nine_to_a_letter_sheet_abutting_top_to_bottom():
    layout = plan(9, PrintOptions(paper="letter"))
    assert (layout.columns, layout.rows) == (3, 3)
    assert layout.gutters == (3.0, 0.0)
    assert plan(9, PrintOptions(paper="a4")).gutters == (3.0, 3.0)  # A4 keeps its gutters


@settings(max_examples=150, deadline=None)
@given(count=st.integers(1, 40), paper=st.sampled_from(sorted(PAPERS)), size=sizes,
       duplex=st.sampled_from(["long", "short", "none"]))
def test_every_cut_line_is_marked_and_the_scale_bar_touches_nothing(count, paper, size, duplex):
    layout = plan(count, PrintOptions(paper=paper, card_size=size, duplex=duplex))
    width, height = PAPERS[paper]
    for page in layout.pages:
        if page.side == "back":
            assert page.scale_mark is None and not page.crop_marks
            continue
        boxes = [face.box for face in page.faces]
        if duplex == "none":  # a card's two faces are cut as one piece, folded along its fold line
            boxes = [Box(a.x, a.y, a.width + b.width, a.height) for a, b in zip(boxes[0::2], boxes[1::2])]
        for mark in page.crop_marks:
            assert MARGIN_MM - 1e-6 <= min(mark.x1, mark.x2) and max(mark.x1, mark.x2) <= width - MARGIN_MM + 1e-6
            assert MARGIN_MM - 1e-6 <= min(mark.y1, mark.y2) and max(mark.y1, mark.y2) <= height - MARGIN_MM + 1e-6
        vertical = {round(m.x1, 3) for m in page.crop_marks if m.x1 == m.x2}
        horizontal = {round(m.y1, 3) for m in page.crop_marks if m.y1 == m.y2}
        for box in boxes:
            assert {round(box.x, 3), round(box.x + box.width, 3)} <= vertical, box
            assert {round(box.y, 3), round(box.y + box.height, 3)} <= horizontal, box
        bar = page.scale_mark
        if bar is None:
            continue
        assert sorted((bar.width, bar.height)) == sorted(SCALE_MARK_MM)
        assert MARGIN_MM - 1e-6 <= bar.x and bar.x + bar.width <= width - MARGIN_MM + 1e-6
        assert MARGIN_MM - 1e-6 <= bar.y and bar.y + bar.height <= height - MARGIN_MM + 1e-6
        assert not any(overlap(bar, box) for box in boxes)
        for mark in page.crop_marks:
            line = Box(min(mark.x1, mark.x2), min(mark.y1, mark.y2), abs(mark.x2 - mark.x1), abs(mark.y2 - mark.y1))
            assert not overlap(line, bar)


@pytest.mark.parametrize("paper", sorted(PAPERS))
@pytest.mark.parametrize("size", sorted(CARD_SIZES))
def test_every_bundled_size_has_room_for_the_scale_bar(paper, size):
    for duplex in ("long", "none"):
        layout = plan(30, PrintOptions(paper=paper, card_size=size, duplex=duplex))
        assert all(page.scale_mark is not None for page in layout.pages if page.side != "back")
