"""Where each printed card sits: paper, card sizes, grids and duplex mirroring.

Pure geometry in millimetres, no Typst and no card text, so the CLI can
validate options without loading the PDF builder. A sheet holds a grid of
cards with a gutter between them, where the crop marks go. With duplex
printing a back page follows each front page, each back placed where the
printer puts the reverse of its front:

- ``long``: the sheet turns over its long (left) edge, so x is mirrored;
- ``short``: the sheet turns over its short (top) edge, so y is mirrored and
  each back is turned upside down. A cut card then reads the same way up as
  with ``long`` and each face's foot stands behind the other's.

``none`` prints both faces side by side on one side of the paper, to cut out
and fold along the line between them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .options import PrintOptions

PAPERS: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
CARD_SIZES: dict[str, tuple[float, float]] = {
    "63x88mm": (63.0, 88.0),    # playing/trading card: 9 on an A4 or letter sheet
    "3x5in": (76.2, 127.0),     # index card
    "2x3.5in": (50.8, 88.9),    # business card
    "a7": (74.0, 105.0),
}
DUPLEX_MODES = ("long", "short", "none")
MARGIN_MM = 4.0       # most printers cannot ink the outer 4 mm of a sheet
GUTTER_MM = 3.0       # between cards: room for crop marks at every corner
MARK_GAP_MM = 0.5     # crop marks stop short of the card, so no ink is left on a card
MARK_LENGTH_MM = 4.0
MAX_OFFSET_MM = 20.0
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(mm|cm|in)\s*$", re.IGNORECASE)
_UNIT_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4}


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in mm from the top-left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Face:
    """One face of card number ``index`` (0-based), drawn in ``box``; ``turned`` means rotated 180°."""

    index: int
    side: str  # "front" or "back"
    box: Box
    turned: bool = False


@dataclass(frozen=True)
class Line:
    """A crop mark or fold line from (x1, y1) to (x2, y2), in mm."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Page:
    """One side of one sheet."""

    side: str  # "front", "back" or, folding, "both"
    faces: tuple[Face, ...]
    crop_marks: tuple[Line, ...] = ()
    fold_lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Layout:
    """Every page of the print, and the figures the summary and the template need."""

    paper: tuple[float, float]
    card: tuple[float, float]
    columns: int
    rows: int
    pages: tuple[Page, ...]

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


def parse_card_size(text: str) -> tuple[float, float]:
    """``63x88mm``, ``3x5in``, ``a7``... -> (width, height) in mm; ValueError if unreadable."""
    key = text.strip().lower()
    if key in CARD_SIZES:
        return CARD_SIZES[key]
    match = _SIZE.match(key)
    if not match:
        raise ValueError(f"expected a card size such as {', '.join(CARD_SIZES)} or WxH with mm, cm "
                         f"or in, got {text!r}")
    scale = _UNIT_MM[match[3].lower()]
    width, height = float(match[1]) * scale, float(match[2]) * scale
    if min(width, height) < 20:
        raise ValueError(f"a card must be at least 20 mm each way, got {text!r}")
    return width, height


def parse_offset(text: str) -> tuple[float, float]:
    """``X,Y`` in mm (``0.5,-1``) -> (x, y); ValueError if unreadable or implausible."""
    parts = text.split(",")
    try:
        x, y = (float(part) for part in parts)
    except ValueError:
        raise ValueError(f"expected X,Y in millimetres such as 0.5,-1, got {text!r}") from None
    if not all(math.isfinite(v) and abs(v) <= MAX_OFFSET_MM for v in (x, y)):
        raise ValueError(f"an offset must be within ±{MAX_OFFSET_MM:g} mm each way, got {text!r}")
    return x, y


def plan(count: int, options: PrintOptions) -> Layout:
    """Lay out ``count`` cards; ValueError when a card does not fit on the paper."""
    paper = PAPERS[options.paper]
    width, height = parse_card_size(options.card_size)
    folded = options.duplex == "none"
    # Turn the card when that fits more on a sheet (a business card lies on its side).
    (columns, rows), (turned_columns, turned_rows) = (
        _grid(paper, _unit(size, folded)) for size in ((width, height), (height, width)))
    if turned_columns * turned_rows > columns * rows:
        width, height, columns, rows = height, width, turned_columns, turned_rows
    unit = _unit((width, height), folded)
    if columns * rows == 0:
        raise ValueError(f"a {options.card_size} card{' and its fold' if folded else ''} "
                         f"({unit[0]:g} x {unit[1]:g} mm) does not fit on {options.paper} paper "
                         f"with {MARGIN_MM:g} mm margins")
    slots = _slots(paper, unit, columns, rows)
    sheets = [range(start, min(start + len(slots), count)) for start in range(0, count, len(slots))]
    pages: list[Page] = []
    for sheet in sheets or [range(0)]:
        boxes = [Box(*slots[i], unit[0], unit[1]) for i in range(len(sheet))]
        marks = crop_marks(tuple(boxes), paper)
        if folded:
            pages.append(_fold_page(sheet, boxes, width, marks))
            continue
        fronts = tuple(Face(i, "front", box) for i, box in zip(sheet, boxes))
        pages.append(Page("front", fronts, marks))
        pages.append(Page("back", tuple(_back(face, paper, options) for face in fronts)))
    return Layout(paper, (width, height), columns, rows, tuple(pages))


def _unit(card: tuple[float, float], folded: bool) -> tuple[float, float]:
    """What one card takes on the sheet: with ``none``, its front and back side by side."""
    return (2 * card[0], card[1]) if folded else card


def _grid(paper: tuple[float, float], unit: tuple[float, float]) -> tuple[int, int]:
    def fit(room: float, size: float) -> int:
        return max(0, math.floor((room - 2 * MARGIN_MM + GUTTER_MM) / (size + GUTTER_MM) + 1e-9))

    return fit(paper[0], unit[0]), fit(paper[1], unit[1])


def _slots(paper: tuple[float, float], unit: tuple[float, float], columns: int,
           rows: int) -> list[tuple[float, float]]:
    """Top-left corners, row by row, of a grid centred on the paper."""
    left = (paper[0] - columns * unit[0] - (columns - 1) * GUTTER_MM) / 2
    top = (paper[1] - rows * unit[1] - (rows - 1) * GUTTER_MM) / 2
    return [(_mm(left + c * (unit[0] + GUTTER_MM)), _mm(top + r * (unit[1] + GUTTER_MM)))
            for r in range(rows) for c in range(columns)]


def _back(front: Face, paper: tuple[float, float], options: PrintOptions) -> Face:
    box = front.box
    dx, dy = options.back_offset_mm
    if options.duplex == "short":
        x, y = box.x, paper[1] - box.y - box.height
    else:
        x, y = paper[0] - box.x - box.width, box.y
    return Face(front.index, "back", Box(_mm(x + dx), _mm(y + dy), box.width, box.height),
                turned=options.duplex == "short")


def _fold_page(sheet: range, pairs: list[Box], width: float, marks: tuple[Line, ...]) -> Page:
    faces, folds = [], []
    for index, pair in zip(sheet, pairs):
        faces.append(Face(index, "front", Box(pair.x, pair.y, width, pair.height)))
        faces.append(Face(index, "back", Box(_mm(pair.x + width), pair.y, width, pair.height)))
        fold_x = _mm(pair.x + width)
        folds.append(Line(fold_x, pair.y, fold_x, _mm(pair.y + pair.height)))
    return Page("both", tuple(faces), marks, tuple(folds))


@lru_cache(maxsize=None)
def crop_marks(boxes: tuple[Box, ...], paper: tuple[float, float]) -> tuple[Line, ...]:
    """Two short lines out from each corner along its cut lines, stopping short of every card.

    Every full sheet has the same boxes: its marks are worked out once, and the
    pages share one tuple, which the template draws as one Typst definition.
    """
    marks = set()
    for box in boxes:
        for x, y in ((box.x, box.y), (box.x + box.width, box.y),
                     (box.x, box.y + box.height), (box.x + box.width, box.y + box.height)):
            away_x = -1 if x == box.x else 1
            away_y = -1 if y == box.y else 1
            for dx, dy in ((away_x, 0), (0, away_y)):
                end = min(MARK_GAP_MM + MARK_LENGTH_MM, _reach(boxes, paper, x, y, dx, dy) - MARK_GAP_MM)
                if end > MARK_GAP_MM:
                    # Drawn from its lower end: neighbours' marks in a gutter that meet are one line.
                    (x1, y1), (x2, y2) = sorted([(_mm(x + dx * MARK_GAP_MM), _mm(y + dy * MARK_GAP_MM)),
                                                 (_mm(x + dx * end), _mm(y + dy * end))])
                    marks.add(Line(x1, y1, x2, y2))
    return tuple(sorted(marks, key=lambda m: (m.y1, m.x1, m.y2, m.x2)))


def _reach(boxes: list[Box], paper: tuple[float, float], x: float, y: float, dx: int, dy: int) -> float:
    """How far a line from (x, y) in direction (dx, dy) runs before it meets a card or the paper's edge."""
    if dx:
        reach = (x if dx < 0 else paper[0] - x) - MARGIN_MM / 2
    else:
        reach = (y if dy < 0 else paper[1] - y) - MARGIN_MM / 2
    for box in boxes:
        if dx and box.y <= y <= box.y + box.height:
            distance = x - (box.x + box.width) if dx < 0 else box.x - x
        elif dy and box.x <= x <= box.x + box.width:
            distance = y - (box.y + box.height) if dy < 0 else box.y - y
        else:
            continue
        if distance >= 0:
            reach = min(reach, distance)
    return reach


def _mm(value: float) -> float:
    """Round to a micrometre: plenty for print, and the Typst source stays short and stable."""
    return round(value, 3) + 0.0  # + 0.0 turns -0.0 into 0.0
