"""Where printed cards go, for any number of cards and any size that fits: no PDF needed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from factdeck.builders import PrintOptions
from factdeck.builders.printing.layout import CARD_SIZES, MARGIN_MM, PAPERS, Box, plan

sizes = st.one_of(st.sampled_from(sorted(CARD_SIZES)),
                  st.tuples(st.integers(20, 95), st.integers(20, 130)).map(lambda s: f"{s[0]}x{s[1]}mm"))


def overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


@settings(max_examples=150, deadline=None)
@given(count=st.integers(0, 40), paper=st.sampled_from(sorted(PAPERS)), size=sizes,
       duplex=st.sampled_from(["long", "short", "none"]))
def test_every_card_gets_one_front_and_one_back_inside_the_paper(count, paper, size, duplex):
    layout = plan(count, PrintOptions(paper=paper, card_size=size, duplex=duplex))
    width, height = PAPERS[paper]
    faces = [(page, face) for page in layout.pages for face in page.faces]
    assert sorted((f.index, f.side) for _, f in faces) == sorted(
        (i, side) for i in range(count) for side in ("front", "back"))
    if duplex != "none":
        assert len(layout.pages) % 2 == 0 and [p.side for p in layout.pages[:2]] == ["front", "back"]
    for page in layout.pages:
        boxes = [face.box for face in page.faces]
        for box in boxes:
            assert MARGIN_MM - 1e-6 <= box.x and box.x + box.width <= width - MARGIN_MM + 1e-6
            assert MARGIN_MM - 1e-6 <= box.y and box.y + box.height <= height - MARGIN_MM + 1e-6
        assert not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        for mark in page.crop_marks:  # marks stay off every card
            line = Box(min(mark.x1, mark.x2), min(mark.y1, mark.y2), abs(mark.x2 - mark.x1), abs(mark.y2 - mark.y1))
            assert not any(overlap(line, box) for box in boxes)


@settings(max_examples=60, deadline=None)
@given(count=st.integers(1, 30), size=sizes, duplex=st.sampled_from(["long", "short"]),
       offset=st.tuples(st.floats(-20, 20), st.floats(-20, 20)))
def test_each_back_is_its_front_mirrored_for_the_flip_then_offset(count, size, duplex, offset):
    layout = plan(count, PrintOptions(card_size=size, duplex=duplex, back_offset_mm=offset))
    width, height = PAPERS["a4"]
    fronts = {f.index: f.box for p in layout.pages if p.side == "front" for f in p.faces}
    fronts_turned = {f.index: f.rotation for p in layout.pages if p.side == "front" for f in p.faces}
    for page in layout.pages:
        for back in (f for f in page.faces if page.side == "back"):
            front = fronts[back.index]
            if duplex == "long":
                expected = (width - front.x - front.width, front.y)
            else:
                expected = (front.x, height - front.y - front.height)
            assert abs(back.box.x - expected[0] - offset[0]) < 0.002
            assert abs(back.box.y - expected[1] - offset[1]) < 0.002
            turn = fronts_turned[back.index]  # a back's head lies behind its front's once turned over
            assert back.rotation == ((180 - turn) % 360 if duplex == "short" else -turn % 360)
