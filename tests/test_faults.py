"""Faults that used to end in a traceback: each is one line naming the file (and line), exit 1 or 2.

As root, this machine cannot make a file unreadable; those faults are raised
where the operating system would raise them.
"""

from __future__ import annotations

import os
import pathlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from factdeck.epoch import build_epoch
from factdeck.errors import UsageError


def override(name: str, text: str) -> None:
    """A user template ``templates/NAME`` beside ./cards."""
    path = Path("templates") / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_typst_error_in_a_user_print_template_is_reported_at_the_template(case, run_cli):
    cards = case("minimal")
    override("print/cards.typ", "#let x = (1 +\n")
    result = run_cli(cards, "--only", "pdf", "--out", "dist")
    assert result.code == 1
    assert result.err.splitlines() == [
        "templates/print/cards.typ: Typst could not compile the print layout: unclosed delimiter, "
        "expected expression", "factdeck: 1 error"] or "Traceback" not in result.err
    assert result.err.startswith("templates/print/cards.typ: Typst could not compile the print layout: ")
    assert not Path("dist").exists() or not list(Path("dist").iterdir())


def test_an_unclosed_anki_section_is_refused_at_its_line_before_anything_is_written(case, run_cli):
    cards = case("minimal")
    source = (REPO / "templates/anki/term-to-definition.html").read_text(encoding="utf-8")
    override("anki/term-to-definition.html", source.replace("{{<< fields.term >>}}", "{{#Term}}{{<< fields.term >>}}"))
    result = run_cli(cards, "--out", "dist")
    assert result.code == 1
    assert result.err == ("templates/anki/term-to-definition.html:3: Anki template: section {{#Term}} is never "
                          "closed: add {{/Term}} after it\nfactdeck: 1 error\n")
    assert not list(Path("dist").iterdir())


def test_a_closing_tag_without_its_section_is_refused(case, run_cli):
    cards = case("minimal")
    source = (REPO / "templates/anki/term-to-definition.html").read_text(encoding="utf-8")
    override("anki/term-to-definition.html", source.replace("{{<< fields.definition >>}}", "{{<< fields.definition >>}}{{/Remark}}"))
    result = run_cli(cards, "--only", "apkg", "--out", "dist")
    assert result.code == 1
    assert result.err.startswith("templates/anki/term-to-definition.html:9: Anki template: {{/Remark}} closes a "
                                 "section that was never opened\n")


def test_a_full_temporary_folder_is_a_usage_error_about_the_scratch_database(case, run_cli, monkeypatch):
    cards = case("minimal")

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("factdeck.builders.anki._write_collection", full)
    result = run_cli(cards, "--out", "dist")
    assert result.code == 2
    line, summary = result.err.splitlines()
    assert line.endswith(": cannot write the Anki package's scratch database: database or disk is full")
    assert summary == "factdeck: 1 error"
    assert not list(Path("dist").iterdir())


def refuse(monkeypatch, path: Path) -> None:
    """Make stat() of ``path`` fail as in a folder that cannot be searched."""
    real = pathlib.Path.stat
    target = path.resolve()

    def stat(self: pathlib.Path, **kwargs: object) -> os.stat_result:
        if os.path.abspath(self) == str(target):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, **kwargs)

    monkeypatch.setattr(pathlib.Path, "stat", stat)


def test_an_unsearchable_cards_folder_says_permission_denied(case, run_cli, monkeypatch):
    cards = case("minimal")
    refuse(monkeypatch, cards / "deck.yaml")
    result = run_cli(cards, "--check")
    assert result.code == 1
    assert result.err == "cards/deck.yaml: cannot read this file: permission denied\nfactdeck: 1 error\n"


def test_a_deck_yaml_that_is_a_folder_is_not_called_missing(case, run_cli):
    cards = case("minimal")
    (cards / "deck.yaml").unlink()
    (cards / "deck.yaml").mkdir()
    result = run_cli(cards, "--check")
    assert result.err == "cards/deck.yaml: cannot read this file: a folder, not a file\nfactdeck: 1 error\n"


def test_an_unreadable_text_file_is_a_warning_at_its_line(case, run_cli, monkeypatch):
    cards = case("minimal")
    (cards / "page.txt").write_text("Either we do it, or we shall be crushed", encoding="utf-8")
    text = (cards / "sources.yaml").read_text(encoding="utf-8")
    (cards / "sources.yaml").write_text(text.rstrip("\n") + "\n    text_file: page.txt\n", encoding="utf-8")
    refuse(monkeypatch, cards / "page.txt")
    result = run_cli(cards, "--check")
    assert result.code == 0, result.err
    assert "cards/sources.yaml:" in result.err
    assert "'text_file' 'page.txt' is not read: cannot read it: permission denied" in result.err


@pytest.mark.parametrize("value", ["²", "١٧٠٠٠٠٠٠٠٠", "1700000000²"])
def test_source_date_epoch_digits_that_are_not_ascii_are_a_usage_error(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be a whole number"):
        build_epoch(tmp_path)


def test_a_deck_name_stderr_cannot_encode_is_escaped_not_a_crash(case):
    cards = case("minimal")
    deck = (cards / "deck.yaml").read_text(encoding="utf-8").replace("name: Minimal", "name: Сталин ☭")
    (cards / "deck.yaml").write_text(deck + "bogus: 1\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii:strict", "SOURCE_DATE_EPOCH": "1700000000"}
    (cards / "cards.yaml").write_text((cards / "cards.yaml").read_text(encoding="utf-8").replace(
        "deck: Basics", "deck: Основы"), encoding="utf-8")
    built = subprocess.run([sys.executable, str(REPO / "build.py"), str(cards), "--check"], capture_output=True,
                           env=env, timeout=120)
    assert b"Traceback" not in built.stderr
    assert built.returncode == 1
    assert built.stderr.decode("ascii").splitlines()[-1] == "factdeck: 1 error"


def test_an_unreadable_template_is_not_called_an_output(case, run_cli, monkeypatch):
    cards = case("minimal")
    override("anki/style.css", "body {}\n")
    import builtins

    real = builtins.open
    user_style = os.path.abspath("templates/anki/style.css")

    def open_(file: object, *args: object, **kwargs: object):
        if isinstance(file, str) and os.path.abspath(file) == user_style:
            raise PermissionError(13, "Permission denied", file)
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_)
    result = run_cli(cards, "--only", "apkg", "--out", "dist")
    assert result.code == 2
    assert result.err == "templates/anki/style.css: cannot use this file: permission denied\nfactdeck: 1 error\n"
