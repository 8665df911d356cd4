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
MARGIN_MM = 5.0       # nothing is printed nearer the sheet's edge: many printers cannot ink there
GUTTER_MM = 3.0       # between cards: room for crop marks at every corner
MARK_GAP_MM = 0.5     # crop marks stop short of the card, so no ink is left on a card
MARK_LENGTH_MM = 4.0
MIN_MARK_MM = 1.5     # cards abut (one cut between them) only where the outer marks still get this long
SCALE_MARK_MM = (50.0, 2.0)  # the ruler check's bar and its label: width, height
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
    """One face of card number ``index`` (0-based), drawn in ``box`` turned ``rotation`` degrees clockwise.

    A face lies on its side (90 or 270) when the card does on the sheet; its box
    is then the card's height wide.
    """

    index: int
    side: str  # "front" or "back"
    box: Box
    rotation: int = 0  # 0, 90, 180 or 270

    @property
    def turned(self) -> bool:
        """Upside down: what print templates copied from an earlier factdeck ask."""
        return self.rotation == 180


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
    scale_mark: Box | None = None  # a bar of known length, to check the print's scale with a ruler


@dataclass(frozen=True)
class Layout:
    """Every page of the print, and the figures the summary and the template need."""

    paper: tuple[float, float]
    card: tuple[float, float]
    columns: int
    rows: int
    pages: tuple[Page, ...]
    gutters: tuple[float, float] = (GUTTER_MM, GUTTER_MM)  # between columns, between rows

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
    # Lay the card on its side when that fits more on a sheet (a business card does); it is
    # still set as written, portrait or landscape, and turned a quarter on the sheet.
    ((columns, rows), gutters), ((turned_columns, turned_rows), turned_gutters) = (
        _grid(paper, _unit(size, folded)) for size in ((width, height), (height, width)))
    sideways = turned_columns * turned_rows > columns * rows
    on_sheet = (height, width) if sideways else (width, height)
    if sideways:
        columns, rows, gutters = turned_columns, turned_rows, turned_gutters
    unit = _unit(on_sheet, folded)
    if columns * rows == 0:
        raise ValueError(f"a {options.card_size} card{' and its fold' if folded else ''} "
                         f"({unit[0]:g} x {unit[1]:g} mm) does not fit on {options.paper} paper "
                         f"with {MARGIN_MM:g} mm margins")
    slots = _slots(paper, unit, columns, rows, gutters)
    sheets = [range(start, min(start + len(slots), count)) for start in range(0, count, len(slots))]
    pages: list[Page] = []
    for sheet in sheets or [range(0)]:
        boxes = [Box(*slots[i], unit[0], unit[1]) for i in range(len(sheet))]
        marks = crop_marks(tuple(boxes), paper)
        scale = scale_mark(tuple(boxes), marks, paper)
        rotation = 270 if sideways else 0  # on its side, the card's head is to the sheet's left
        if folded:
            pages.append(_fold_page(sheet, boxes, on_sheet[0], rotation, marks, scale))
            continue
        fronts = tuple(Face(i, "front", box, rotation) for i, box in zip(sheet, boxes))
        pages.append(Page("front", fronts, marks, scale_mark=scale))
        pages.append(Page("back", tuple(_back(face, paper, options) for face in fronts)))
    return Layout(paper, (width, height), columns, rows, tuple(pages), gutters)


def _unit(card: tuple[float, float], folded: bool) -> tuple[float, float]:
    """What one card takes on the sheet: with ``none``, its front and back side by side."""
    return (2 * card[0], card[1]) if folded else card


def _grid(paper: tuple[float, float], unit: tuple[float, float]) -> tuple[tuple[int, int], tuple[float, float]]:
    """How many cards fit across and down the sheet, and the gutters between them."""
    (columns, column_gutter), (rows, row_gutter) = _fit(paper[0], unit[0]), _fit(paper[1], unit[1])
    return (columns, rows), (column_gutter, row_gutter)


def _fit(room: float, size: float) -> tuple[int, float]:
    """How many cards fit along ``room``, and the gutter between them.

    Cards abut (one cut between neighbours, and no gutter to cut away) where that
    fits one more, as three 88 mm rows do on Letter: the outer crop marks then
    still mark every cut line.
    """
    # Both ways the outer crop marks need their room between the outermost cards and the margin:
    # a card that all but fills the sheet's width would leave its cut lines unmarked.
    usable = room - 2 * MARGIN_MM - 2 * (MARK_GAP_MM + MIN_MARK_MM)
    spaced = max(0, math.floor((usable + GUTTER_MM) / (size + GUTTER_MM) + 1e-9))
    abutting = max(0, math.floor(usable / size + 1e-9))
    return (abutting, 0.0) if abutting > spaced else (spaced, GUTTER_MM)


def _slots(paper: tuple[float, float], unit: tuple[float, float], columns: int, rows: int,
           gutters: tuple[float, float]) -> list[tuple[float, float]]:
    """Top-left corners, row by row, of a grid centred on the paper."""
    left = (paper[0] - columns * unit[0] - (columns - 1) * gutters[0]) / 2
    top = (paper[1] - rows * unit[1] - (rows - 1) * gutters[1]) / 2
    return [(_mm(left + c * (unit[0] + gutters[0])), _mm(top + r * (unit[1] + gutters[1])))
            for r in range(rows) for c in range(columns)]


def _back(front: Face, paper: tuple[float, float], options: PrintOptions) -> Face:
    box = front.box
    dx, dy = options.back_offset_mm
    if options.duplex == "short":
        x, y = box.x, paper[1] - box.y - box.height
    else:
        x, y = paper[0] - box.x - box.width, box.y
    return Face(front.index, "back", Box(_mm(x + dx), _mm(y + dy), box.width, box.height),
                _mirrored(front.rotation, options.duplex))


def _mirrored(rotation: int, flip: str) -> int:
    """How a back is turned so that its head is behind its front's head once the sheet is turned over.

    Turned over its long (left) edge, left and right swap; over its short (top)
    edge, top and bottom do. Folding a card is turning it over the fold line.
    """
    return (180 - rotation) % 360 if flip == "short" else -rotation % 360


def _fold_page(sheet: range, pairs: list[Box], width: float, rotation: int, marks: tuple[Line, ...],
               scale: Box | None) -> Page:
    faces, folds = [], []
    for index, pair in zip(sheet, pairs):
        faces.append(Face(index, "front", Box(pair.x, pair.y, width, pair.height), rotation))
        faces.append(Face(index, "back", Box(_mm(pair.x + width), pair.y, width, pair.height),
                          _mirrored(rotation, "long")))  # the fold line is upright
        fold_x = _mm(pair.x + width)
        folds.append(Line(fold_x, pair.y, fold_x, _mm(pair.y + pair.height)))
    return Page("both", tuple(faces), marks, tuple(folds), scale)


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
        reach = (x if dx < 0 else paper[0] - x) - MARGIN_MM
    else:
        reach = (y if dy < 0 else paper[1] - y) - MARGIN_MM
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


@lru_cache(maxsize=None)
def scale_mark(boxes: tuple[Box, ...], marks: tuple[Line, ...], paper: tuple[float, float]) -> Box | None:
    """Where the scale bar goes, clear of every card and mark; None when the margins have no room.

    Above the cards, else below them, else (upright, taller than wide) beside
    them; as near the middle of that edge as the crop marks allow.
    """
    if not boxes:
        return None
    found = _scale_mark_above_or_below(boxes, marks, paper)
    if found is None:  # the same search with x and y swapped: the left and right margins
        turned = _scale_mark_above_or_below(tuple(Box(b.y, b.x, b.height, b.width) for b in boxes),
                                            tuple(Line(m.y1, m.x1, m.y2, m.x2) for m in marks), paper[::-1])
        found = turned and Box(turned.y, turned.x, turned.height, turned.width)
    return found


def _scale_mark_above_or_below(boxes: tuple[Box, ...], marks: tuple[Line, ...],
                               paper: tuple[float, float]) -> Box | None:
    width, height = SCALE_MARK_MM
    top = min(box.y for box in boxes) - MARK_GAP_MM
    bottom = max(box.y + box.height for box in boxes) + MARK_GAP_MM
    for y in (MARGIN_MM, paper[1] - MARGIN_MM - height):
        if y + height > top and y < bottom:  # no room between the cards and the margin
            continue
        blocked = sorted((min(m.x1, m.x2) - MARK_GAP_MM, max(m.x1, m.x2) + MARK_GAP_MM) for m in marks
                         if min(m.y1, m.y2) < y + height + MARK_GAP_MM and max(m.y1, m.y2) > y - MARK_GAP_MM)
        free, start = [], MARGIN_MM
        for low, high in blocked + [(paper[0] - MARGIN_MM, paper[0])]:
            if low - start >= width:
                free.append((start, low))
            start = max(start, high)
        if free:
            middle = paper[0] / 2 - width / 2
            x = min((min(max(middle, low), high - width) for low, high in free), key=lambda x: abs(x - middle))
            return Box(_mm(x), _mm(y), width, height)
    return None


def _mm(value: float) -> float:
    """Round to a micrometre: plenty for print, and the Typst source stays short and stable."""
    return round(value, 3) + 0.0  # + 0.0 turns -0.0 into 0.0
