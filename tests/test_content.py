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


# ---------------------------------------------------------------- written for a student (issue 18)

# How the cards name each source when they must (a dispute, an author's judgement).
SOURCE_NAMES = {"fiveable": "Fiveable", "revision-cards": "revision cards",
                "archive-exhibit": "archive exhibit", "chubarov": "Chubarov", "keefe-2009": "Keefe"}
# The only cards whose prompts may name a source: a disputed point (the card gives every
# version with its source) or a card about that author's own judgement or argument.
DISPUTED, JUDGEMENT = "disputed", "judgement"
# The sides a student is asked from; a kind not listed here counts every text as a prompt.
PROMPT_FIELDS = {"term": ("term", "definition"), "date": ("date", "event"), "quote": ("quote",),
                 "figure": ("measure",), "fact": ("question",)}
# Talk about the scraped copies of the pages rather than about the history.
ABOUT_THE_COPIES = re.compile(r"\bsaved (?:page|text|copy)|\bthe page\b|\bscrap|\bmissing\b"
                              r"|\bleaves? out\b|\bnot (?:named|given|filled)\b|\bgaps?\b", re.IGNORECASE)
# Facts the deck covers, pinned so that a rewrite cannot quietly drop one.
COVERED = (
    "November 1927", "1928", "1929", "1932-33", "1934", "1937", "1953", "1960", "1963",
    "August 11, 1918", "March 25, 1932", "April 9, 1932", "February 1931", "After 1932",
    "250 percent", "330 percent", "twenty percent", "ninety-seven percent", "one million",
    "five million", "7 million", "17 million", "26 million", "38.7 million", "11.5 million",
    "24 million", "forty percent", "less than a quarter", "50 percent", "18 percent", "at least 100",
    "fifty or a hundred years", "ten years", "doubled", "thousands",
    "Bukharin", "Rykov", "Ordzhonikidze", "Feigin", "Kiselev", "Novosibirsk", "Penza", "Lenin",
    "Magnitogorsk", "Novokuznetsk", "Ford", "General Electric", "Moscow-Volga Canal", "NKVD",
    "Urals", "Siberia", "Ukraine", "Kazakhstan", "Shabkov", "Behind the Urals", "Alan Wood",
    "Kenez", "Churchill", "Dizzy with success", "Second Revolution", "pyrrhic", "internal passports",
    "kolkhozy", "sovkhozy", "kulak", "machine-tractor stations", "Motor Tractor Stations",
    "procurement", "socialist competition", "New Economic Policy", "revolution from above",
    "incalculable", "monstrous", "Bolshevik", "proletariat", "self-defense", "centralization",
    "nationalized", "trade unions", "zeal", "literacy", "urbanization", "famine", "livestock",
    "workstock", "private plot", "raw materials", "confiscat", "propaganda", "forced labor",
    "labor camps", "purge", "informants", "pollution", "absenteeism", "consumer goods", "housing",
    "heavy industry", "light industry", "quality", "secret police", "grain", "import",
)
# The seeds' quotations, by their opening words: each is a quote card.
QUOTATIONS = ("Do you want our socialist fatherland", "If you do not want this", "We are fifty or a hundred",
              "It is time to put an end", "It was a terrible struggle", "socialist transformation of",
              "Collectivisation was, in effect", "‘planning’ was reduced", "treason when economists",
              "But then – if we are going", "But then, after all", "Semi-trained workers",
              "the size of the pay envelope")


def _prompts(card: Card) -> list[str]:
    texts = card.texts()
    return [texts[name] for name in PROMPT_FIELDS.get(card.kind, tuple(texts)) if texts.get(name)]


def _answers(card: Card) -> list[str]:
    asked = PROMPT_FIELDS.get(card.kind, ())
    return [text for name, text in card.texts().items() if name not in asked and text]


def _named_sources(text: str) -> set[str]:
    return {key for key, name in SOURCE_NAMES.items()
            if re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE)}


def test_every_source_has_the_name_cards_call_it_by(deck: Deck) -> None:
    assert sorted(SOURCE_NAMES) == sorted(deck.sources)


def test_a_prompt_names_a_source_only_for_a_dispute_or_a_judgement(deck: Deck) -> None:
    # The citation prints on the answer side; a prompt asks about the history itself.
    naming = [f"{_where(c)}: {text!r}" for c in deck.cards for text in _prompts(c)
              if (_named_sources(text) or "according to" in text.lower())
              and not {DISPUTED, JUDGEMENT} & set(c.tags)]
    assert naming == [], "\n".join(naming)


def test_according_to_is_only_on_disputed_or_judgement_cards(deck: Deck) -> None:
    found = [_where(c) for c in deck.cards for text in _all_text(c)
             if "according to" in text.lower() and not {DISPUTED, JUDGEMENT} & set(c.tags)]
    assert found == []


def test_a_disputed_card_gives_each_version_with_its_source(deck: Deck) -> None:
    disputed = [c for c in deck.cards if DISPUTED in c.tags]
    assert disputed
    one_sided = [_where(c) for c in disputed
                 if len(_named_sources(" ".join(_answers(c))) & {s.key for s in c.sources}) < 2]
    assert one_sided == []


def test_a_judgement_card_names_whose_judgement_it_is(deck: Deck) -> None:
    unnamed = [_where(c) for c in deck.cards if JUDGEMENT in c.tags
               and not _named_sources(" ".join(_prompts(c))) & {s.key for s in c.sources}]
    assert unnamed == []


def test_no_card_talks_about_the_copies_of_its_sources(deck: Deck) -> None:
    talk = [f"{_where(c)}: {m.group()!r}" for c in deck.cards for text in _all_text(c)
            for m in ABOUT_THE_COPIES.finditer(text)]
    assert talk == [], "\n".join(talk)


def test_dates_hold_only_the_date(deck: Deck) -> None:
    dates = [(c, c.texts().get("date", "")) for c in deck.cards]
    unclean = [f"{_where(c)}: {date!r}" for c, date in dates
               if date and (_named_sources(date) or re.search(r"[()\[\]]", date))]
    assert unclean == []


def test_a_citation_shows_only_what_the_page_gives(deck: Deck) -> None:
    shown = [(s.key, value) for s in deck.sources.values() for value in (s.title, s.author, s.site, s.year)]
    assert [(key, value) for key, value in shown if ABOUT_THE_COPIES.search(value)] == []


@pytest.mark.parametrize("fact", COVERED)
def test_the_deck_covers_the_fact(deck: Deck, fact: str) -> None:
    texts = (_collapse(text).lower() for c in deck.cards for text in _all_text(c))
    assert any(fact.lower() in text for text in texts), f"no card covers {fact!r}"


def test_every_seed_quotation_is_a_quote_card(deck: Deck) -> None:
    quotes = [c.quote for c in deck.cards if isinstance(c, QuoteCard)]
    assert [q for q in QUOTATIONS if not any(quote.startswith(q) for quote in quotes)] == []
