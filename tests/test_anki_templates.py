"""A user's copy of an Anki template: what Anki cannot render is an error at its line, before any output."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from conftest import REPO

DEFAULTS = REPO / "templates" / "anki"


def override(name: str, old: str, new: str) -> None:
    """Copy a default Anki template to ./templates/anki/ with one change, as a user would."""
    target = Path("templates") / "anki" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (DEFAULTS / name).read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))


def line_of(name: str, text: str) -> int:
    lines = (Path("templates") / "anki" / name).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize("name, old, new, message", [
    ("term-to-definition.html", "{{<< fields.definition >>}}", "{{Definiton}}",
     "Anki template: no field 'Definiton' in this note type (did you mean 'Definition'?); its fields are: "),
    ("term-to-definition.html", "{{<< fields.term >>}}", "{{furigna:Term}}",
     "Anki template: unknown filter 'furigna' (did you mean 'furigana'?)"),
    ("layout.html", "{{/Remark}}", "",
     "Anki template: section {{#Remark}} is never closed: add {{/Remark}} after it"),
    ("question-to-answer.html", "{{<< fields.question >>}}", "{{FrontSide}}",
     "Anki template: no field 'FrontSide' in this note type (FrontSide is the question, shown on the back only)"),
    ("date-to-event.html", "{{<< fields.event >>}}", "{{/Event}}",
     "Anki template: {{/Event}} closes a section that was never opened"),
])
def test_a_broken_override_is_an_error_at_its_line_and_nothing_is_written(case, run_cli, name, old, new, message):
    cards = case("minimal")
    dist = Path("dist")
    dist.mkdir()
    (dist / "minimal.apkg").write_bytes(b"the previous build")
    override(name, old, new)
    result = run_cli(cards, "--only", "apkg")
    assert result.code == 1
    where = f"templates/anki/{name}:{line_of(name, new or '{{#Remark}}')}: "
    (first, *_, summary) = result.err.splitlines()
    assert first.startswith(where + message), result.err
    assert summary.startswith("factdeck: 1 error")
    assert (dist / "minimal.apkg").read_bytes() == b"the previous build"
    assert not (cards / "factdeck.lock").exists()


def test_a_front_that_shows_no_field_is_an_error(case, run_cli):
    cards = case("minimal")
    override("measure-to-figure.html", "{{<< fields.measure >>}}", "How much?")
    result = run_cli(cards, "--only", "apkg")
    assert result.code == 1
    assert "templates/anki/measure-to-figure.html:1: " in result.err
    assert "the front shows no field: Anki would make no card from it" in result.err


def package_cards(apkg: Path, tmp_path: Path) -> int:
    database = tmp_path / "package.anki2"
    with zipfile.ZipFile(apkg) as package:
        database.write_bytes(package.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        return connection.execute("select count() from cards").fetchone()[0]
    finally:
        connection.close()


def test_a_front_with_one_of_ankis_filters_makes_its_card_and_the_count_is_the_packages(case, run_cli, tmp_path):
    cards = case("minimal")
    override("term-to-definition.html", "{{<< fields.term >>}}", "{{furigana:Term}}")
    result = run_cli(cards, "--only", "apkg")
    assert result.code == 0, result.err
    reported = int(result.out.split(" Anki card")[0].rsplit(" ", 1)[1])
    assert reported == package_cards(Path("dist/minimal.apkg"), tmp_path) == 7
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path="dist/minimal.apkg", options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        assert col.card_count() == reported
        (card,) = col.find_cards('"card:Term → Definition"')
        assert "Kolkhoz" in col.get_card(card).question()
    finally:
        col.close()


def test_every_field_is_shown_in_an_element_that_finds_its_own_direction(case, run_cli, tmp_path):
    """dir="auto": a Hebrew or Arabic field reads right to left, whatever the card around it."""
    result = run_cli(case("minimal"), "--only", "apkg")
    assert result.code == 0, result.err
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path="dist/minimal.apkg", options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        shown = 0
        for note_type in [m for m in col.models.all() if "(Minimal)" in m["name"]]:
            names = {field["name"] for field in note_type["flds"]}
            for template in note_type["tmpls"]:
                for side in (template["qfmt"], template["afmt"]):
                    for match in re.finditer(r"\{\{([^#^/}][^}]*)\}\}", side):
                        if match.group(1) in names:
                            shown += 1
                            assert side[:match.start()].endswith('dir="auto">'), (template["name"], match.group())
        assert shown >= 20
        for nid in col.find_notes(""):
            source = col.get_note(nid)["Source"]
            assert source.count('<div class="fd-cite" dir="auto">') == source.count("<div")
    finally:
        col.close()
