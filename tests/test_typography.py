"""Printed text is typeset: curly quotes, apostrophes and dashes; Anki keeps the text as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from anki_readback import fields_of, shown_text
from factdeck.typography import typographic

REPO = Path(__file__).parent.parent


@pytest.mark.parametrize("typed, printed", [
    ("Stalin's plan", "Stalin’s plan"),
    ("the kulaks' land", "the kulaks’ land"),
    ("the '30s", "the ’30s"),
    ("'30s", "’30s"),
    ('He said "go \'now\'".', "He said “go ‘now’”."),
    ("'Dizzy with success'", "‘Dizzy with success’"),
    ("the present times--the policy", "the present times—the policy"),
    ("a---b", "a—b"),
    ("History - How Successful", "History – How Successful"),
    ("the famine of 1932-33", "the famine of 1932–33"),
    ("pp. 12--15, 1929-1934", "pp. 12–15, 1929–1934"),
    ("Five-Year Plan, 1929-10-14, 1.5-2.5", "Five-Year Plan, 1929-10-14, 1.5-2.5"),  # hyphens, not ranges
    ("cut [...] here", "cut [...] here"),  # a cloze gap and a quotation's cut, as Anki shows them
    (r'C:\\path \ "x"', r'C:\\path \ “x”'),  # a backslash is text, not SmartyPants' escape
    ("&#34; &amp; &#92;", "&#34; &amp; &#92;"),  # nor is an entity
    ("", ""),
])
def test_typed_punctuation_prints_as_a_typesetter_sets_it(typed: str, printed: str) -> None:
    assert typographic(typed) == printed


def test_pieces_of_one_sentence_quote_by_what_stands_before_them() -> None:
    # A cloze sentence is typeset in pieces (its gaps bold): a quote opens or closes by the text before it.
    assert typographic(['Stalin\'s "', "Dizzy", '" article']) == ["Stalin’s “", "Dizzy", "” article"]
    assert typographic(["no", "quotes"]) == ["no", "quotes"]


def test_other_languages_get_their_own_quotes() -> None:
    assert typographic('"so"', language="de") == "„so“"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    from factdeck.cli import main

    out = tmp_path_factory.mktemp("bundled")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main([str(REPO / "cards"), "--out", str(out), "-q"]) == 0
    return out


def test_the_bundled_decks_pages_hold_no_straight_quotes_or_typewriter_dashes(bundled: Path) -> None:
    with pdfplumber.open(bundled / "stalins-ussr.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert re.findall(r"""['"]|--|\b\d{4}-\d\d\b""", text) == []
    assert "Stalin’s" in text and "times—the" in text and "1932–33" in text
    assert "“Dizzy with success”" in text or "‘Dizzy with success’" in text


def test_anki_keeps_the_text_as_typed_so_its_search_finds_what_users_type(bundled: Path, collection) -> None:
    # Anki's search (and its duplicate check, and typed answers) compares characters as stored:
    # "Stalin's" does not find "Stalin’s". So the Anki fields keep the card file's text.
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    fields = fields_of(bundled / "stalins-ussr.apkg", "stalins-ussr", "quote-stalin-interfering-in-everything")
    assert "present times--the policy" in shown_text(fields[0])
    collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(bundled / "stalins-ussr.apkg"),
                                                                   options=ImportAnkiPackageOptions()))
    assert collection.find_notes('"present times--the"')
    assert collection.find_notes("Stalin's")
    note = collection.new_note(collection.models.by_name("Basic"))
    note["Front"] = "Stalin’s typographic apostrophe"
    collection.add_note(note, collection.decks.id("Default"))
    assert not collection.find_notes("Stalin's typographic")  # what Anki would do to curled text


@pytest.mark.parametrize("saved, ok", [
    ("He said: “Either we do it—or we shan’t be crushed.”", True),
    ("He said: \"Either we do it--or we shan't be crushed.\"", True),
    ("He said: Either we do it, or we shall not be crushed.", False),
])
def test_a_quote_is_checked_word_for_word_whichever_quotes_and_dashes_each_side_was_typed_with(
        case, run_cli, saved: str, ok: bool) -> None:
    cards = case("minimal")
    (cards / "saved.txt").write_text(saved, encoding="utf-8")
    sources = (cards / "sources.yaml").read_text(encoding="utf-8")
    (cards / "sources.yaml").write_text(sources + "    text_file: saved.txt\n", encoding="utf-8")
    text = (cards / "cards.yaml").read_text(encoding="utf-8")
    (cards / "cards.yaml").write_text(text.replace("quote: Either we do it, or we shall be crushed",
                                                   "quote: Either we do it--or we shan’t be crushed"), encoding="utf-8")
    result = run_cli(cards, "--check")
    assert ("quote not found word for word" not in result.err) == ok, result.err


@pytest.mark.parametrize("quote, ok", [
    ("Either we do it, or we shall be *crushed*", True),   # emphasis the speaker never typed
    ("Either we do it, or we shall be **crushed**", True),
    ("Either we do it, or we shall *not* be crushed", False),
])
def test_a_marked_up_quote_is_checked_as_a_reader_sees_it(case, run_cli, quote: str, ok: bool) -> None:
    cards = case("minimal")
    (cards / "saved.txt").write_text("He said: Either we do it, or we shall be crushed.", encoding="utf-8")
    sources = (cards / "sources.yaml").read_text(encoding="utf-8")
    (cards / "sources.yaml").write_text(sources + "    text_file: saved.txt\n", encoding="utf-8")
    (cards / "deck.yaml").write_text((cards / "deck.yaml").read_text(encoding="utf-8") + "markup: markdown\n",
                                     encoding="utf-8")
    text = (cards / "cards.yaml").read_text(encoding="utf-8")
    (cards / "cards.yaml").write_text(text.replace("quote: Either we do it, or we shall be crushed",
                                                   f"quote: {quote}"), encoding="utf-8")
    result = run_cli(cards, "--check")
    assert result.code == 0, result.err
    assert ("quote not found word for word" not in result.err) == ok, result.err
