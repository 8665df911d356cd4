"""YAML's implicit typing never changes a card: unquoted text reaches Anki as written.

PyYAML would read ``no`` as False, ``1.10`` as 1.1, ``1929-30`` or ``1:20`` as
numbers and ``2001-01-01`` as a date; factdeck keeps every scalar's text.
Only the bare null words (``~``, ``null``) mean "no value", and a required
field left that way is refused with a message (see tests/roots/card-blank-text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from anki_readback import fields_of, shown_text
from card_folders import Styled, write_cards
from factdeck.cli import main

WRITTEN = ["no", "yes", "NO", "Off", "on", "y", "1.10", "1929-30", "1932-33", "0x1F", "0o17", "010",
           "+1", "1_000", "1e3", ".inf", "-.NaN", "1:20", "12:30:00", "2001-01-01",
           "2001-12-14t21:59:43.10-05:00", "=", "<<", "0.5 %", "True"]
NAMESPACE = "minimal-test"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """A deck with one card per scalar, each answer written unquoted; returns the package and the YAML."""
    root = tmp_path_factory.mktemp("typing")
    cards = [{"id": f"typed-{number}", "kind": "fact", "question": f"What is written in card {number}?",
              "answer": Styled(text, None), "source": "book"} for number, text in enumerate(WRITTEN)]
    write_cards(root / "cards", cards)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main([str(root / "cards"), "--out", str(root / "dist"), "--quiet"]) == 0
    return root / "dist" / "minimal.apkg", (root / "cards" / "cards.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("number", range(len(WRITTEN)))
def test_unquoted_scalar_reaches_anki_as_written(built: tuple[Path, str], number: int) -> None:
    package, yaml_text = built
    text = WRITTEN[number]
    assert f"  answer: {text}\n" in yaml_text  # written without quotes, as a person would
    _question, answer, _source, _note, *_ = fields_of(package, NAMESPACE, f"typed-{number}")
    assert shown_text(answer) == text


def test_quoted_null_words_are_text(tmp_path: Path, run_cli) -> None:
    cards = [{"id": f"null-{number}", "kind": "fact", "question": f"Which word is number {number}?",
              "answer": Styled(word, '"'), "source": "book"} for number, word in enumerate(["~", "null"])]
    write_cards(tmp_path / "cards", cards)
    assert run_cli(tmp_path / "cards", "--out", tmp_path / "dist").code == 0
    answers = [shown_text(fields_of(tmp_path / "dist" / "minimal.apkg", NAMESPACE, f"null-{n}")[1]) for n in (0, 1)]
    assert answers == ["~", "null"]
