"""Every card arrives: cells that Anki's text importer would skip or misread, and cells a spreadsheet would run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from anki.collection import Collection

from card_folders import Styled, write_cards
from test_text_exports import import_csv

FRONTS = ["#1 in output", "# not a comment", '"Quoted" at the start', "=HYPERLINK(\"http://x\",\"y\")",
          "+1 point", "-40 degrees", "@mention"]


@pytest.fixture
def cards(tmp_path) -> Path:
    return write_cards(tmp_path / "cards", [
        {"id": f"card-{index}", "kind": "fact", "question": Styled(front, '"'), "answer": Styled(front, '"'),
         "source": "book"} for index, front in enumerate(FRONTS)])


def fronts_in_anki(collection: Collection) -> list[str]:
    notes = [collection.get_note(note_id) for note_id in collection.find_notes("")]
    return sorted(note["Front"] for note in notes)


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;")


def test_every_row_of_the_tsv_arrives_in_anki_as_written(cards, run_cli, tmp_path, collection):
    assert run_cli(cards, "--only", "tsv", "--out", tmp_path / "dist").code == 0
    log = import_csv(collection, tmp_path / "dist" / "minimal.tsv")
    assert len(log.new) == collection.note_count() == len(FRONTS)
    assert fronts_in_anki(collection) == sorted(html(front) for front in FRONTS)


def test_every_row_of_the_csv_arrives_in_anki_with_formulas_neutralised(cards, run_cli, tmp_path, collection):
    assert run_cli(cards, "--only", "csv", "--out", tmp_path / "dist").code == 0
    log = import_csv(collection, tmp_path / "dist" / "minimal.csv")
    assert len(log.new) == collection.note_count() == len(FRONTS)
    shown = [("'" + front if front[0] in "=+-@" else front) for front in FRONTS]
    assert fronts_in_anki(collection) == sorted(html(front) for front in shown)


def test_no_csv_cell_starts_a_formula_in_a_spreadsheet(cards, run_cli, tmp_path):
    assert run_cli(cards, "--only", "csv", "--out", tmp_path / "dist").code == 0
    lines = (tmp_path / "dist" / "minimal.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    assert len(rows) == len(FRONTS)
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row[:-1])  # the GUID is Anki's own
