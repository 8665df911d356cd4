"""Content warnings: things that are valid but likely to make a poor card.

Each is a warning (an error under ``--strict``). They read the model only.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import ProblemLog
from .model import Card, DateCard, QuoteCard, Source, TermCard
from .typography import straightened

# A kind's ANSWER field is what a student has to recall: a long one is hard to review.
LONG_ANSWER_CHARS = 300
_PARENTHESES = re.compile(r"\([^)]*\)")
_CUT_MARKS = re.compile(r"\s*(?:\[…\]|\[\.\.\.\]|…|\.\.\.)\s*")
_WORDS = re.compile(r"\w+")


def _collapse(text: str) -> str:
    """Spacing and punctuation as compared: a quote typed with ' matches a source's ’, and -- its —."""
    return " ".join(straightened(text).split())


def lint_cards(cards: list[Card], log: ProblemLog, markup: bool = False) -> None:
    """Log warnings for long answers, self-defining terms, near-duplicates and misquotes.

    ``markup``: the deck's texts are marked up, so a quote is compared as a reader sees it.
    """
    seen_fronts: dict[tuple[str, str], Card] = {}
    asked_dates: dict[str, DateCard] = {}
    source_texts: dict[Path, str | None] = {}
    for card in cards:
        answer_field = card.ANSWER
        answer = getattr(card, answer_field)
        if len(answer) > LONG_ANSWER_CHARS:
            log.warning(card.where(answer_field), f"'{answer_field}' is {len(answer)} characters; "
                                       f"keep answers under {LONG_ANSWER_CHARS} (split the card?)", card.id)
        if isinstance(card, TermCard) and card.reverse and _contains_term(card.definition, card.term):
            log.warning(card.where("definition"), f"the definition contains the term '{card.term}', "
                                       "which gives the answer away on the reverse card", card.id)
        # Two cards of a kind that agree on their PROMPT (ignoring case, Unicode
        # forms, punctuation and spacing) ask the same thing.
        identity = card.PROMPT
        words = _words(getattr(card, identity))
        key = (card.kind, words)
        if words and key in seen_fronts:
            other = seen_fronts[key]
            log.warning(card.where(identity), f"near-duplicate of card '{other.id}' ({other.where(identity)}): "
                                       f"the same {identity} apart from case and punctuation", card.id)
        else:
            seen_fronts[key] = card
        if isinstance(card, QuoteCard):
            _check_quote(card, source_texts, log, markup)
        if isinstance(card, DateCard) and card.reverse:
            _check_date_asked_back(card, asked_dates, log)


def _check_date_asked_back(card: DateCard, asked: dict[str, DateCard], log: ProblemLog) -> None:
    """Asked date -> event, a date two cards share has two right answers: one of them should not be asked back."""
    words = _words(card.date)
    other = asked.setdefault(words, card)
    if other is not card:
        log.warning(card.where("date"), f"the date {card.date!r} is also the date of card '{other.id}' "
                                        f"({other.where('date')}), so asked date -> event it has two answers; "
                                        "add 'reverse: false' to one of them (asked event -> date only)", card.id)


def _words(text: str) -> str:
    """Text reduced to its words, for comparing what two cards say."""
    return " ".join(_WORDS.findall(unicodedata.normalize("NFKC", text).casefold()))


def _contains_term(definition: str, term: str) -> bool:
    """Whether the term's words (without a parenthesis like "(plural ...)") begin a word run in the definition.

    Compared word by word rather than with a regex per term: compiling one for
    each term card (Python caches 512) was the linter's main cost on large decks.
    """
    *whole, last = [w for w in _words(_PARENTHESES.sub(" ", term)).split() if len(w) > 2] or [""]
    if not last:
        return False
    found = _words(definition).split()
    n = len(whole)
    return any(found[i + n].startswith(last) and found[i:i + n] == whole for i in range(len(found) - n))


def _check_quote(card: QuoteCard, cache: dict[Path, str | None], log: ProblemLog, markup: bool) -> None:
    """A quote must stand word for word in a cited source's saved text, when there is one."""
    texts = [_read_source_text(source, cache) for source in card.sources]
    texts = [t for t in texts if t is not None]
    if not texts:
        return
    quote = _as_read(card, "quote") if markup else card.quote
    if quote is None:
        return  # markup the validator refused: reported there
    pieces = [_collapse(p) for p in _CUT_MARKS.split(quote) if p.strip()]
    for piece in pieces:
        if not any(piece in text for text in texts):
            shown = piece if len(piece) <= 60 else piece[:57] + "..."
            log.warning(card.where("quote"), f"quote not found word for word in the text of "
                                       f"{', '.join(repr(s.key) for s in card.sources)}: \"{shown}\"", card.id)
            return


def _as_read(card: Card, name: str) -> str | None:
    """A marked-up field's text as a reader sees it ("*crushed*" reads "crushed"); None if it cannot be parsed."""
    from .card_markup import field_role  # only a marked-up deck needs markup's modules
    from .markup import MarkupError, parse

    try:
        return parse(getattr(card, name), field_role(type(card), name)).plain
    except MarkupError:
        return None


def _read_source_text(source: Source, cache: dict[Path, str | None]) -> str | None:
    path = source.text_file
    if path is None:
        return None
    if path not in cache:
        try:
            cache[path] = _collapse(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            cache[path] = None  # the saved copy is optional: absent on a user's clone
    return cache[path]
