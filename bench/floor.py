"""The floor: the work any generator of our outputs must do, and nothing else.

It writes the same notes as factdeck's ``.apkg`` (same note types with the same
templates and CSS, same decks, fields, tags and GUIDs) with genanki's own
``Package.write_to_file``, and typesets the same printed cards with typst in one
compile of a hand-written document: nine 63x88 mm cards to an A4 sheet, backs
mirrored behind their fronts, crop marks, a scale bar, and on each face what factdeck's
prints, in the same font, sizes and styles (the label line, the text, the note
and sources in small type, ``k/N``), each text at its full size: the floor
fits nothing to its card. ``timeline`` sets the date cards, in the order factdeck
puts them, one line each under their years. Its input is plain JSON made beforehand from
factdeck's own output (:func:`write_floor_input`), so the floor parses no YAML,
checks nothing and renders no template: a generator cannot do less.

``pdf-text`` is the earlier, smaller floor, kept for comparison: each face as
one paragraph of plain 9 pt text in a grid, no labels, numbers or crop marks.
Run as a process, the floor prints its stage times as JSON.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CARDS_PER_PAGE = 9  # 63x88 mm cards, 3x3 on A4, as the print builder lays them out
COLUMNS_X = (7.5, 73.5, 139.5)  # mm: three cards and two 3 mm gutters, centred on A4
ROWS_Y = (13.5, 104.5, 195.5)
CARD = (63.0, 88.0)
TYPST_PAGE = """#set page(paper: "a4", margin: 10mm)
#set text(font: "Libertinus Serif", size: 9pt)
#let face(body) = box(width: 63mm, height: 88mm, inset: 4mm, stroke: 0.2pt, body)
"""
TYPST_CARDS = """#set page(width: 210mm, height: 297mm, margin: 0mm)
#set text(font: "Libertinus Serif", hyphenate: false, fill: luma(15%))
#set par(leading: 0.5em)
#let small(size, body) = text(size: size, fill: luma(40%), tracking: 0.04em, top-edge: "cap-height", body)
#let face(x, y, label, number, size, style, body, note, sources) = place(top + left, dx: x * 1mm, dy: y * 1mm,
  box(width: 63mm, height: 88mm, inset: (x: 4.5mm, top: 4mm, bottom: 3mm), {
    place(top + center, small(7.5pt, label))
    place(top + left, dy: 4.4mm, block(width: 54mm, height: 72.2mm, {
      set align(center)
      set block(spacing: 0pt)
      v(1fr)
      block(text(size: size, ..style, body))
      v(1fr)
      set par(leading: 0.45em)
      if note != "" { v(0.8em); block(text(size: 8.5pt, style: "italic", fill: luma(25%), note)) }
      if sources != "" { v(0.7em); block(text(size: 7pt, fill: luma(33%), "Source: " + sources)) }
    }))
    place(top + center, dy: 81mm, small(7pt, number))
  }))
#let scale-mark = place(top + left, dx: 80mm, dy: 5mm, box(width: 50mm, height: 2mm, {
  place(bottom + left, line(length: 100%, stroke: 0.3pt + luma(15%)))
  place(top + center, text(size: 4.5pt, top-edge: "ascender", bottom-edge: "baseline",
    "50 mm: print at actual size (100%), not fit to page"))
}))
"""
TYPST_TIMELINE = """#set page(width: 210mm, height: 297mm, margin: (x: 18mm, top: 16mm, bottom: 20mm))
#set text(font: "Libertinus Serif", hyphenate: false, fill: luma(15%), size: 10.5pt)
#let entry(date, event) = (circle(radius: 1.1mm, fill: luma(15%)), [#text(weight: "bold", date) #event])
#let year(label) = (text(size: 14pt, weight: "bold", label), [])
"""
STYLES = {"": "(:)", "bold": '(weight: "bold")', "italic": '(style: "italic")'}


def typst_text(text: str) -> str:
    """Text as a Typst string literal: JSON's string syntax, with the characters themselves."""
    return json.dumps(text, ensure_ascii=False)


def write_floor_input(apkg: Path, faces: list[dict[str, dict[str, str]]], target: Path,
                      timeline: list[dict[str, object]] | None = None) -> int:
    """Dump the notes of factdeck's ``apkg`` and the printed faces as the floor's JSON input.

    A card's faces: ``{"front": FACE, "back": FACE}``, each FACE a dict of
    ``label``, ``text``, ``style`` ("", "bold" or "italic"), ``size`` (pt), ``note``
    and ``sources`` (the sources line, without "Source: "), as factdeck prints them.
    ``timeline``: the years in factdeck's order, each ``{"label": ..., "cards": [[date, event], ...]}``.
    """
    with tempfile.TemporaryDirectory() as scratch:
        with zipfile.ZipFile(apkg) as package:
            package.extract("collection.anki2", scratch)
        db = sqlite3.connect(Path(scratch) / "collection.anki2")
        models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
        note_deck = dict(db.execute("SELECT nid, MIN(did) FROM cards GROUP BY nid"))
        notes = [{"model": str(mid), "deck": str(note_deck[nid]), "guid": guid,
                  "fields": flds.split("\x1f"), "tags": tags.split()}
                 for nid, guid, mid, tags, flds in db.execute(
                     "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")]
        db.close()
    models = {mid: {"name": m["name"], "fields": [{"name": f["name"]} for f in m["flds"]],
                    "templates": [{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]}
                                  for t in m["tmpls"]], "css": m["css"]}
              for mid, m in json.loads(models_json).items()}
    decks = {did: {"name": d["name"], "description": d.get("desc", "")}
             for did, d in json.loads(decks_json).items() if did != "1"}  # 1 is Anki's "Default"
    target.write_text(json.dumps({"models": models, "decks": decks, "notes": notes,
                                  "faces": faces, "timeline": timeline or []}), encoding="utf-8")
    return len(notes)


def write_apkg(data: dict, target: Path, epoch: int) -> None:
    import genanki

    models = {mid: genanki.Model(int(mid), m["name"], fields=m["fields"], templates=m["templates"],
                                 css=m["css"]) for mid, m in data["models"].items()}
    decks = {did: genanki.Deck(int(did), d["name"], d["description"]) for did, d in data["decks"].items()}
    for note in data["notes"]:
        decks[note["deck"]].add_note(genanki.Note(model=models[note["model"]], fields=note["fields"],
                                                  tags=note["tags"], guid=note["guid"]))
    genanki.Package(list(decks.values())).write_to_file(str(target), timestamp=epoch)


def typst_source(cards: list[dict[str, dict[str, str]]]) -> str:
    """The printed cards: each sheet of fronts followed by its backs, mirrored for a long-edge flip."""
    parts = [TYPST_CARDS, f"#let crop-marks = place(top + left, curve(stroke: 0.25pt + luma(15%), {crop_marks()}))\n"]
    total = len(cards)
    for start in range(0, total, CARDS_PER_PAGE):
        for side in ("front", "back"):
            parts.append("#page[\n")
            for offset, card in enumerate(cards[start:start + CARDS_PER_PAGE]):
                row, column = divmod(offset, 3)
                x = COLUMNS_X[column if side == "front" else 2 - column]
                face = card[side]
                parts.append(
                    f"#face({x}, {ROWS_Y[row]}, {typst_text(face['label'])}, \"{start + offset + 1}/{total}\", "
                    f"{face['size']}pt, {STYLES[face['style']]}, {typst_text(face['text'])}, "
                    f"{typst_text(face['note'])}, {typst_text(face['sources'])})\n")
            parts.append("#scale-mark\n#crop-marks\n]\n" if side == "front" else "#crop-marks\n]\n")
    return "".join(parts)


def crop_marks() -> str:
    """Two 4 mm lines out from each card corner, 0.5 mm away from it, as curve segments."""
    segments = []
    for x in COLUMNS_X:
        for y in ROWS_Y:
            for cx, dx in ((x, -1), (x + CARD[0], 1)):
                for cy, dy in ((y, -1), (y + CARD[1], 1)):
                    segments.append(((cx + dx * 0.5, cy), (cx + dx * 2.5, cy)))  # the gutter is 3 mm
                    segments.append(((cx, cy + dy * 0.5), (cx, cy + dy * 2.5)))
    return ", ".join(f"curve.move(({x1}mm, {y1}mm)), curve.line(({x2}mm, {y2}mm))"
                     for (x1, y1), (x2, y2) in segments)


def typst_text_source(cards: list[dict[str, dict[str, str]]]) -> str:
    """The earlier floor: pages of fronts, each followed by its page of backs, as plain text."""
    faces = [(card["front"]["text"], "\n".join(filter(None, (card["back"][key] for key in ("text", "note", "sources")))))
             for card in cards]
    parts = [TYPST_PAGE]
    for start in range(0, len(faces), CARDS_PER_PAGE):
        page = faces[start:start + CARDS_PER_PAGE]
        for side in (0, 1):
            cells = ", ".join(f"face({typst_text(face[side])})" for face in page)
            parts.append(f"#grid(columns: 3, {cells})\n#pagebreak(weak: true)\n")
    return "".join(parts)


def write_pdf(data: dict, target: Path, text_only: bool = False) -> None:
    import typst

    source = target.with_suffix(".typ")
    source.write_text((typst_text_source if text_only else typst_source)(data["faces"]), encoding="utf-8")
    # The fonts typst ships, as factdeck's print builder uses: no scan of the system's fonts.
    typst.compile(str(source), output=str(target), root=str(source.parent), font_paths=[],
                  ignore_system_fonts=True)


def write_timeline(data: dict, target: Path) -> None:
    """The date cards in factdeck's order, in a two-column grid: a year, then its dates and events."""
    import typst

    cells = []
    for year in data["timeline"]:
        cells.append(f"..year({typst_text(year['label'])})")
        cells += [f"..entry({typst_text(date)}, {typst_text(event)})" for date, event in year["cards"]]
    source = target.with_suffix(".typ")
    source.write_text(TYPST_TIMELINE + f"#grid(columns: (20mm, 1fr), gutter: 2.5pt, {', '.join(cells)})\n",
                      encoding="utf-8")
    typst.compile(str(source), output=str(target), root=str(source.parent), font_paths=[],
                  ignore_system_fonts=True)


def main(argv: list[str]) -> None:
    source, out, epoch = Path(argv[0]), Path(argv[1]), int(argv[2])
    formats = argv[3].split(",") if len(argv) > 3 else ["apkg", "pdf"]
    times = {}
    start = time.perf_counter()
    data = json.loads(source.read_text(encoding="utf-8"))
    times["read"] = time.perf_counter() - start
    for name, write in (("apkg", lambda: write_apkg(data, out / "floor.apkg", epoch)),
                        ("pdf", lambda: write_pdf(data, out / "floor.pdf")),
                        ("pdf-text", lambda: write_pdf(data, out / "floor-text.pdf", text_only=True)),
                        ("timeline", lambda: write_timeline(data, out / "floor-timeline.pdf"))):
        if name in formats:
            start = time.perf_counter()
            write()
            times[name] = time.perf_counter() - start
    print(json.dumps(times))


if __name__ == "__main__":
    main(sys.argv[1:])
