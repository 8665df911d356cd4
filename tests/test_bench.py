"""The benchmark measures what it says: a clean synthetic deck, and a floor writing the same notes."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from bench.floor import write_apkg, write_floor_input, write_pdf
from bench.generate import generate
from bench.run import printed_faces

CARDS = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A synthetic deck of 300 cards, built once into its .apkg."""
    folder = tmp_path_factory.mktemp("bench")
    cards, markdown = generate(folder / "deck", CARDS, seed=7)
    assert len(list(markdown.rglob("*.md"))) == 1
    return cards


def notes(package: Path) -> list[tuple]:
    """Every note of an .apkg as (guid, note type, fields, tags, deck name), in GUID order."""
    with zipfile.ZipFile(package) as archive:
        database = package.with_suffix(".anki2")
        database.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(database) as db:
        decks = {int(k): v["name"] for k, v in json.loads(db.execute("SELECT decks FROM col").fetchone()[0]).items()}
        rows = db.execute("SELECT n.guid, n.mid, n.flds, n.tags, MIN(c.did) FROM notes n JOIN cards c ON c.nid = n.id "
                          "GROUP BY n.id ORDER BY n.guid").fetchall()
    return [(guid, mid, flds, tags.split(), decks[did]) for guid, mid, flds, tags, did in rows]


def test_the_synthetic_deck_is_clean_and_has_every_kind(built, run_cli, tmp_path):
    result = run_cli(built, "--check")
    assert result.code == 0 and result.err == ""  # no warnings: every card reaches the builders
    assert f"{CARDS} cards OK" in result.out
    text = "".join(p.read_text() for p in built.glob("part-*.yaml"))
    for kind in ("term", "date", "quote", "figure", "fact"):
        assert f"kind: {kind}\n" in text


def test_the_floor_writes_the_very_notes_factdeck_writes(built, run_cli, tmp_path):
    result = run_cli(built, "--out", tmp_path, "--only", "apkg")
    assert result.code == 0, result.err
    ours = tmp_path / "benchmark.apkg"
    data_file = tmp_path / "floor.json"
    assert write_floor_input(ours, printed_faces(built), data_file) == CARDS
    floor = tmp_path / "floor.apkg"
    write_apkg(json.loads(data_file.read_text()), floor, epoch=1700000000)
    assert notes(floor) == notes(ours)
    assert len(notes(ours)) == CARDS


def page_words(pdf: Path) -> list[list[str]]:
    """Each page's words, sorted: what a page says, wherever and however large it is printed.

    A word is cut after its hyphens: a line may break there at one size and not another.
    """
    import pdfplumber

    with pdfplumber.open(pdf) as document:
        return [sorted(piece for word in page.extract_words() for piece in re.findall(r"[^-]+-?|-", word["text"]))
                for page in document.pages]


def test_the_floor_prints_the_very_cards_factdeck_prints(built, run_cli, tmp_path):
    result = run_cli(built, "--out", tmp_path)
    assert result.code == 0, result.err
    data_file = tmp_path / "floor.json"
    write_floor_input(tmp_path / "benchmark.apkg", printed_faces(built), data_file)
    write_pdf(json.loads(data_file.read_text()), tmp_path / "floor.pdf")
    ours, floors = page_words(tmp_path / "benchmark.pdf"), page_words(tmp_path / "floor.pdf")
    assert len(ours) == len(floors) == 2 * -(-CARDS // 9)  # fronts and backs, nine cards a sheet
    assert ours == floors


def test_only_rebuild_times_the_cold_build_and_the_rebuild_with_their_cpu(tmp_path, capsys):
    from bench.run import main as bench_main

    assert bench_main(["--sizes", "30", "--only-rebuild", "--repeat", "1", "--work", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert "cold build, empty cache:" in report and "rebuild after a one-card edit:" in report
    assert "x CPU" in report
    assert "(edit 0)" in "".join(path.read_text() for path in (tmp_path / "30" / "cards").glob("part-*.yaml"))
