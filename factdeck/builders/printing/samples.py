"""What the fitting probe and the font check read of the deck's texts, gathered chunk by chunk and kept.

Both read every printed text of the deck: the probe the characters and the
pairs of characters side by side in words (:func:`.fitting.probe_of`), the font
check the characters (:mod:`.coverage`). A deck's sample is the union of its
chunks' samples (every card is printed in exactly one chunk) and of its
sources' and name's texts, so a chunk's sample is kept in the build cache by
its cards, and a rebuild after an edit reads only the edited chunk's texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ...cache import Cache, key_of
from ...model import Card, Deck
from ...typography import typographic
from .fitting import text_pairs
from .layout import Layout
from .printed_text import PrintedTexts

FORMAT = "text sample 1"


@dataclass(frozen=True)
class TextSample:
    """``shown``: the characters of texts as printed (typeset quotes and dashes, markup read);
    ``pairs``: two characters side by side in one of their words; ``written``: their characters
    as the cards hold them, which the font check looks up."""

    shown: frozenset[str] = frozenset()
    pairs: frozenset[str] = frozenset()
    written: frozenset[str] = frozenset()

    @classmethod
    def of(cls, shown: Iterable[str], written: Iterable[str]) -> TextSample:
        every = "\n".join(text for text in shown if text)  # one string: set() and split() at C speed
        return cls(frozenset(every), frozenset(text_pairs(every)), frozenset("\n".join(written)))

    def __or__(self, other: TextSample) -> TextSample:
        return TextSample(self.shown | other.shown, self.pairs | other.pairs, self.written | other.written)


def printed_card_texts(card: Card, printed: PrintedTexts | None = None) -> Iterator[str]:
    """The texts of a card that its printed faces may show (as ``printed`` shows them: without markup)."""
    if printed is None:
        yield from card.texts().values()
        yield card.note
        return
    yield from (printed.shown(card, name) for name in card.texts())
    yield printed.shown(card, "note")


def cards_sample(cards: Iterable[Card], printed: PrintedTexts) -> TextSample:
    """The sample of ``cards``' texts."""
    cards = list(cards)
    return TextSample.of((text for card in cards for text in printed_card_texts(card, printed)),
                         (text for card in cards for text in printed_card_texts(card)))


def deck_sample(deck: Deck, parts: Sequence[Layout], digests: Sequence[str] | None, cache: Cache) -> TextSample:
    """The sample of every printed text of ``deck``: each chunk's (of ``parts``) kept in ``cache`` by the
    digest of its cards (``digests``; None: the deck's at once, nothing kept)."""
    printed = PrintedTexts.of(deck)
    sources = [(source.author, source.title, source.year) for source in deck.sources.values()]
    sample = TextSample.of((typographic(text) for texts in sources for text in texts),
                           [deck.settings.name, *(text for texts in sources for text in texts)])
    if digests is None:
        return sample | cards_sample(deck.cards, printed)
    for part, digest in zip(parts, digests):  # the settings say how texts print (markup, language)
        key = key_of(FORMAT, (repr(deck.settings), digest))
        kept = _load(cache, key)
        if kept is None:
            shown = sorted({face.index for page in part.pages for face in page.faces})
            kept = cards_sample((deck.cards[index] for index in shown), printed)
            _store(cache, key, kept)
        sample |= kept
    return sample


def _load(cache: Cache, key: str) -> TextSample | None:
    try:
        value = json.loads(cache.get(key) or b"null")
        shown, pairs, written = value["shown"], value["pairs"], value["written"]
    except (ValueError, TypeError, KeyError):
        return None
    if not (isinstance(shown, str) and isinstance(written, str) and isinstance(pairs, list)
            and all(isinstance(pair, str) for pair in pairs)):
        return None
    return TextSample(frozenset(shown), frozenset(pairs), frozenset(written))


def _store(cache: Cache, key: str, sample: TextSample) -> None:
    # ASCII JSON: a lone surrogate in a card's text is kept as an escape, not refused by UTF-8.
    cache.put(key, json.dumps({"shown": "".join(sorted(sample.shown)), "pairs": sorted(sample.pairs),
                               "written": "".join(sorted(sample.written))}).encode())
