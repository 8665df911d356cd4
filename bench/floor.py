"""The floor: the work any generator of our outputs must do, and nothing else.

It writes the same notes as factdeck's ``.apkg`` (same note types with the same
templates and CSS, same decks, fields, tags and GUIDs) with genanki's own
``Package.write_to_file``, and typesets the same number of card faces with
typst in one compile of a minimal hand-written document. Its input is plain
JSON made beforehand from factdeck's own output (:func:`write_floor_input`), so
the floor parses no YAML, checks nothing and renders no template: a generator
cannot do less. Run as a process, it prints its stage times as JSON.
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
TYPST_PAGE = """#set page(paper: "a4", margin: 10mm)
#set text(font: "Libertinus Serif", size: 9pt)
#let face(body) = box(width: 63mm, height: 88mm, inset: 4mm, stroke: 0.2pt, body)
"""


def write_floor_input(apkg: Path, faces: list[tuple[str, str]], target: Path) -> int:
    """Dump the notes of factdeck's ``apkg`` and the printed faces as the floor's JSON input."""
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
                                  "faces": faces}), encoding="utf-8")
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


def typst_source(faces: list[tuple[str, str]]) -> str:
    """Pages of fronts, each followed by its page of backs: the least a printed deck takes."""
    parts = [TYPST_PAGE]
    for start in range(0, len(faces), CARDS_PER_PAGE):
        page = faces[start:start + CARDS_PER_PAGE]
        for side in (0, 1):
            cells = ", ".join(f"face({json.dumps(face[side])})" for face in page)
            parts.append(f"#grid(columns: 3, {cells})\n#pagebreak(weak: true)\n")
    return "".join(parts)


def write_pdf(data: dict, target: Path) -> None:
    import typst

    source = target.with_suffix(".typ")
    source.write_text(typst_source(data["faces"]), encoding="utf-8")
    # The fonts typst ships, as factdeck's print builder uses: no scan of the system's fonts.
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
                        ("pdf", lambda: write_pdf(data, out / "floor.pdf"))):
        if name in formats:
            start = time.perf_counter()
            write()
            times[name] = time.perf_counter() - start
    print(json.dumps(times))


if __name__ == "__main__":
    main(sys.argv[1:])
