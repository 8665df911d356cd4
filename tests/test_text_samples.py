"""The probe's and the font check's sample of a deck's texts, gathered chunk by chunk, is the whole deck's."""

from __future__ import annotations

from pathlib import Path

from factdeck.builders import PrintOptions
from factdeck.builders.printing import chunks as pdf_chunks
from factdeck.builders.printing.fitting import probe_for, probe_of
from factdeck.builders.printing.kept import cards_digest
from factdeck.builders.printing.layout import plan
from factdeck.builders.printing.printed_text import PrintedTexts
from factdeck.builders.printing.samples import deck_sample, printed_card_texts
from factdeck.cache import Cache
from factdeck.pipeline import read_deck
from factdeck.typography import typographic

REPO = Path(__file__).parent.parent


def test_chunks_samples_kept_or_not_are_the_whole_decks(tmp_path):
    deck, _ = read_deck(REPO / "cards")
    deck = deck.as_printed()
    parts = pdf_chunks.split(plan(len(deck.cards), PrintOptions()), 3)
    digests = [cards_digest(part, deck.cards) for part in parts]
    cache = Cache(tmp_path / "cache")
    whole = deck_sample(deck, parts, None, Cache(None))
    assert deck_sample(deck, parts, digests, cache) == whole  # gathered chunk by chunk, kept
    assert len(list(cache.folder.iterdir())) == len(parts)
    assert deck_sample(deck, parts, digests, cache) == whole  # read back
    written = [text for card in deck.cards for text in (*card.texts().values(), card.note)]
    written += [getattr(source, field) for source in deck.sources.values() for field in ("author", "title", "year")]
    assert whole.written == set("\n".join([*written, deck.settings.name]))  # what the font check looks up
    printed = PrintedTexts.of(deck)
    texts = [text for card in deck.cards for text in printed_card_texts(card, printed)]
    texts += [typographic(getattr(source, field)) for source in deck.sources.values()
              for field in ("author", "title", "year")]
    assert probe_of(whole.shown, whole.pairs, "x") == probe_for(texts, "x")  # what the probe measures
