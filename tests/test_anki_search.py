"""Searching in Anki finds every note that shows the words searched for.

Anki searches the HTML a field stores (and the sort field as text), so card text
must be stored as it is shown: an apostrophe stored as ``&#39;`` hid most notes
from a search for "Stalin's".
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from factdeck.cli import main

from anki_readback import shown_text
from conftest import REPO, ROOTS

# What a search term cannot hold as itself (Anki's search syntax): escaped with a backslash.
_SEARCH_SPECIAL = re.compile(r'([\\"*_:])')
# Words with an apostrophe, a quote, a dash or a letter outside ASCII: the ones that went missing.
_TELLING = re.compile(r"[\"'“”‘’«»—–-]|[^\x00-\x7f]")


def search_for(text: str) -> str:
    """An Anki search for ``text`` as written: quoted, its special characters escaped."""
    return '"' + _SEARCH_SPECIAL.sub(r"\\\1", text) + '"'


def ascii_lower(text: str) -> str:
    """Anki's search ignores case in ASCII letters only."""
    return text.translate({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})


def imported(folder: Path, tmp_path: Path, monkeypatch) -> Collection:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    if not (tmp_path / folder.name).exists():  # a copy: the build keeps the lock it finds up to date
        shutil.copytree(folder, tmp_path / folder.name)
    folder = tmp_path / folder.name
    assert main([str(folder), "--out", str(tmp_path / "dist"), "--only", "apkg", "-q"]) == 0
    (package,) = (tmp_path / "dist").glob("*.apkg")
    col = Collection(str(tmp_path / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions()))
    return col


def shown_by_note(col: Collection) -> dict[int, list[str]]:
    """Each note's fields as a user reads them, line by line."""
    return {nid: [line for field in col.get_note(nid).fields for line in shown_text(field).split("\n")]
            for nid in col.find_notes("")}


def terms(lines: list[str]) -> set[str]:
    """Telling words, and three-word phrases holding one, taken from the shown text."""
    found = set()
    for line in lines:
        words = line.split()
        for i, word in enumerate(words):
            if _TELLING.search(word):
                found.add(word)
                found.add(" ".join(words[max(i - 1, 0):i + 2]))
    return found


def check_every_term_finds_every_note_showing_it(col: Collection) -> int:
    shown = shown_by_note(col)
    searched = set().union(*(terms(lines) for lines in shown.values()))
    for term in sorted(searched):
        expected = {nid for nid, lines in shown.items() if any(ascii_lower(term) in ascii_lower(line)
                                                              for line in lines)}
        assert set(col.find_notes(search_for(term))) == expected, term
    return len(searched)


@pytest.mark.parametrize("folder", [REPO / "cards", ROOTS / "anki-search"], ids=["bundled", "anki-search"])
def test_searching_a_word_or_phrase_finds_every_note_that_shows_it(folder, tmp_path, monkeypatch, case):
    cards = folder if folder.name == "cards" and folder.parent == REPO else case(folder.name)
    col = imported(cards, tmp_path, monkeypatch)
    try:
        assert check_every_term_finds_every_note_showing_it(col) > 20
    finally:
        col.close()


def test_stalins_finds_every_note_of_the_bundled_deck_that_shows_it(tmp_path, monkeypatch):
    col = imported(REPO / "cards", tmp_path, monkeypatch)
    try:
        showing = {nid for nid, lines in shown_by_note(col).items() if any("Stalin's" in line for line in lines)}
        assert len(showing) > 50 and set(col.find_notes("Stalin's")) == showing
    finally:
        col.close()


def test_text_that_looks_like_markup_is_found_as_text_and_stays_inert(case, tmp_path, monkeypatch):
    col = imported(case("anki-search"), tmp_path, monkeypatch)
    try:
        (nid,) = col.find_notes(search_for("see [1] and"))
        note = col.get_note(nid)
        # HTML cannot store '<', '>' and '&' as themselves: a search finds them as stored.
        assert col.find_notes(search_for("&lt;b&gt;not bold&lt;/b&gt;")) == [nid]
        assert col.find_notes(search_for("(&lt; 100 &amp; &gt; 90)")) == [nid]
        answer = note.cards()[0].answer()
        assert "<b>" not in answer and "&lt;b&gt;not bold&lt;/b&gt;" in answer
        assert "[sound:" not in answer and "&#91;sound:x.mp3]" in answer  # not played: no sound tag
    finally:
        col.close()
