"""Content integrity of the bundled deck in ``cards/``, read through the model.

The deck is loaded once with :func:`factdeck.pipeline.read_deck`, as every
builder sees it. The checks against the source texts (quotes verbatim, no
names from outside the sources) need the saved pages that ``sources.yaml``
points at (``../shared/seeds`` beside the project); on a fresh clone without
them those tests skip and say why.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factdeck.errors import ProblemLog
from factdeck.model import Card, DateCard, Deck, QuoteCard
from factdeck.pipeline import read_deck

CARDS = Path(__file__).resolve().parent.parent / "cards"
# A quote may leave words out only where the source itself cuts, with "[…]".
CUT_MARK = re.compile(r"\[…\]|\[\.\.\.\]")
WORD = re.compile(r"[^\W\d_]+")
# Words that would fill gaps in the saved pages (e.g. fiveable's "Exemplified by
# (workers exceeding production quotas)", Keefe's "“socialist .”"). None occurs
# in any source, so a card using one took it from memory.
GAP_FILLERS = ("stakhanov", "gulag", "holodomor", "depopulat", "realism", "nationalism")


@pytest.fixture(scope="module")
def bundled() -> tuple[Deck, ProblemLog]:
    """The bundled deck and its warnings, read once for the module."""
    return read_deck(CARDS)


@pytest.fixture(scope="module")
def deck(bundled: tuple[Deck, ProblemLog]) -> Deck:
    return bundled[0]


@pytest.fixture(scope="module")
def source_texts(deck: Deck) -> dict[str, str]:
    """Each source's saved page, whitespace-collapsed; skips when the pages are absent."""
    missing = [s for s in deck.sources.values() if s.text_file is None or not s.text_file.is_file()]
    if missing:
        folders = sorted({os.path.normpath(s.text_file.parent) for s in missing if s.text_file})
        pytest.skip(f"source texts of {', '.join(s.key for s in missing)} not found "
                    f"(looked in {', '.join(folders) or 'nowhere: no text_file'}; expected "
                    "../shared/seeds beside the project), so cards are not compared with them")
    return {key: _collapse(s.text_file.read_text(encoding="utf-8"))  # type: ignore[union-attr]
            for key, s in deck.sources.items()}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _where(card: Card) -> str:
    return f"card '{card.id}' ({card.position})"


def _all_text(card: Card) -> list[str]:
    return [*card.texts().values(), card.note]


def test_strict_check_passes_with_no_warnings(run_cli: Callable[..., Any]) -> None:
    result = run_cli(CARDS, "--check", "--strict")
    # A note (the saved source texts are absent on a user's clone) is information, not a problem.
    problems = [line for line in result.err.splitlines() if ": note: " not in line]
    assert problems == []
    assert result.code == 0
    assert result.out.strip().endswith("cards OK")


# The integrity rules (unique ids, known sources, no blank field, a source on every
# card) are the validator's; these prove it enforces each one on this very deck,
# so a card added in breach of a rule fails the check above.
BREACHES = {
    "a repeated id": (("id: kulak\n", "id: collectivization\n"), "duplicate id"),
    "an unknown source": (("source: archive-exhibit\n", "source: archive-exhibt\n"), "unknown source 'archive-exhibt'"),
    "a blank field": (("term: Kulak\n", "term: ''\n"), "'term' is empty"),
    "a card without a source": (("    source: fiveable\n", ""), "no source"),
}


@pytest.mark.parametrize("breach", sorted(BREACHES))
def test_the_check_refuses_a_card_that_breaks_an_integrity_rule(
        breach: str, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (old, new), message = BREACHES[breach]
    cards = tmp_path / "cards"
    shutil.copytree(CARDS, cards)
    # Keep the saved source texts reachable from the copy, as they are from cards/.
    for source_file in (cards / "sources.yaml",):
        source_file.write_text(source_file.read_text().replace("../../shared", str(CARDS.parent.parent / "shared")))
    target = cards / "collectivization.yaml"
    text = target.read_text()
    assert old in text, f"the deck no longer has {old!r}: update this test"
    target.write_text(text.replace(old, new, 1))
    result = run_cli(cards, "--check", "--strict")
    assert result.code == 1
    assert message in result.err


def test_every_source_has_a_title_and_is_cited(deck: Deck) -> None:
    untitled = [key for key, s in deck.sources.items() if not s.title.strip()]
    cited = {s.key for c in deck.cards for s in c.sources}
    assert untitled == []
    assert sorted(set(deck.sources) - cited) == []


def _date_key(date: str) -> str:
    """Dates that read the same to a student: case, spacing and dash style ignored."""
    return " ".join(re.sub(r"[\u2010-\u2015-]", "-", date).lower().split())


def test_date_cards_have_distinct_dates(deck: Deck) -> None:
    # Date cards are also asked date -> event: two cards on one date have two right answers.
    by_date: dict[str, list[str]] = {}
    for card in deck.cards:
        if isinstance(card, DateCard):
            by_date.setdefault(_date_key(card.date), []).append(card.id)
    assert {date: ids for date, ids in by_date.items() if len(ids) > 1} == {}


def test_quotes_are_verbatim_in_a_cited_source(deck: Deck, source_texts: dict[str, str]) -> None:
    quotes = [c for c in deck.cards if isinstance(c, QuoteCard)]
    assert quotes
    failures = []
    for card in quotes:
        texts = [source_texts[s.key] for s in card.sources]
        for piece in (_collapse(p) for p in CUT_MARK.split(card.quote) if p.strip()):
            if not any(piece in text for text in texts):
                cited = ", ".join(s.key for s in card.sources)
                failures.append(f"{_where(card)}: not verbatim in {cited}: {piece!r}")
                break
    assert failures == [], "\n".join(failures)


def test_names_on_cards_occur_in_the_sources(deck: Deck, source_texts: dict[str, str]) -> None:
    # A word capitalised mid-sentence is a name; one the sources never use came from memory.
    known = {w.lower() for text in source_texts.values() for w in WORD.findall(text)}
    outside: dict[str, str] = {}
    for card in deck.cards:
        for text in _all_text(card):
            for match in WORD.finditer(text):
                word = match.group()
                before = text[: match.start()].rstrip(" \"'“‘(")
                if word[0].isupper() and before and before[-1] not in ".?!:;" \
                        and word.lower() not in known:
                    outside.setdefault(word, _where(card))
    assert outside == {}


def test_no_card_fills_a_gap_in_the_sources(deck: Deck) -> None:
    filled = [f"{_where(c)}: '{w}'" for c in deck.cards for text in _all_text(c)
              for w in GAP_FILLERS if w in text.lower()]
    assert filled == []


def test_gap_fillers_really_are_absent_from_the_sources(source_texts: dict[str, str]) -> None:
    # Keeps GAP_FILLERS honest: a word the sources do use may appear on a card.
    used = [w for w in GAP_FILLERS if any(w in text.lower() for text in source_texts.values())]
    assert used == []
