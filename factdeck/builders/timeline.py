"""The deck's date cards in time order, as a PDF to read or print: ``dist/<deck>-timeline.pdf``.

Each date card's date is placed by :mod:`factdeck.dates` and the cards are
listed under their years, earliest first (cards on the same date in deck
order). A date that cannot be placed is listed apart and reported as a note at
its card's date. How the timeline looks is ``templates/print/timeline.typ``;
Typst is given the fonts it ships with, the packaged and the deck's own, and an
empty root, as for the cards, and it is set in the deck's language.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path

from ..dates import Placement, place, year_label
from ..errors import FactdeckError, Position, Problem
from ..model import DateCard, Deck
from ..output import open_temporary
from . import Builder
from .printing.chunks import ChunkResult
from .printing.compiler import typst_compiler
from .printing.fonts import font_set, typst_language
from .printing.kept import fonts_fingerprint, load_typeset, store_typeset, typeset_key
from .printing.layout import PAPERS

TEMPLATE = "print/timeline.typ"


@dataclass(frozen=True)
class Year:
    """The date cards listed under one year; ``after`` is how many years passed since the year before."""

    label: str
    after: int | None
    cards: tuple[DateCard, ...]


class TimelineBuilder(Builder):
    name = "timeline"
    suffix = "-timeline.pdf"
    description = "the date cards in time order, to read or print (A4 or Letter, as --paper)"

    def write(self, deck: Deck, target: Path) -> str:
        import typst

        years, unplaced = self.chronology(deck)
        paper = PAPERS[self.options.print.paper]
        fonts = font_set(deck.settings.fonts_folder)
        source = self.env.get_template(TEMPLATE).render(
            deck=deck, years=years, unplaced=unplaced, paper_width=paper[0], paper_height=paper[1],
            built=datetime.fromtimestamp(self.options.epoch, timezone.utc),
            fonts=fonts.for_language, language=typst_language)
        # Typeset again only if its source changed (an edit of a date card): kept as the print's chunks are.
        key = typeset_key(source, "timeline pdf", self.options.epoch, fonts_fingerprint(fonts))
        kept = load_typeset(self.options.cache, key)
        if kept is None:
            with tempfile.TemporaryDirectory() as root:
                try:
                    pdf, warnings = typst_compiler(source, Path(root), fonts.paths).compile_with_warnings(
                        format="pdf", timestamp=self.options.epoch)
                except typst.TypstError as error:
                    raise FactdeckError([Problem(Position(f"templates/{TEMPLATE}"),
                                                 f"Typst could not compile the timeline: {error.message}")]) from None
            assert isinstance(pdf, bytes)
            kept = ChunkResult(pdf, warnings=tuple(warning.message for warning in warnings))
            store_typeset(self.options.cache, key, kept)
        pdf = kept.pdf
        for message in kept.warnings:
            self.options.log.warning(Position(f"templates/{TEMPLATE}"), f"Typst: {message}")
        with open_temporary(target) as file:
            file.write(pdf)
        placed = sum(len(year.cards) for year in years)
        span = f", {years[0].label} to {years[-1].label}" if years else ""
        apart = f"; {len(unplaced)} not placed, listed apart" if unplaced else ""
        return f"{placed} date{'s' * (placed != 1)} in order{span}{apart}"

    def chronology(self, deck: Deck) -> tuple[list[Year], list[DateCard]]:
        """The placed date cards by year, earliest first, and those whose date could not be placed."""
        placed: list[tuple[Placement, DateCard]] = []
        unplaced: list[DateCard] = []
        for card in deck.cards:
            if not isinstance(card, DateCard):
                continue
            when = place(card.date)
            if when is None:
                unplaced.append(card)
                self.options.log.note(card.where("date"), f"the timeline cannot place the date {card.date!r} "
                                      "in time, so it lists it apart (write it as, say, '1932', 'March 1932', "
                                      "'March 25, 1932', '1932-33' or 'late 1920s')", card.id)
            else:
                placed.append((when, card))
        placed.sort(key=lambda pair: pair[0])  # stable: cards on the same date keep deck order
        years: list[Year] = []
        previous: int | None = None
        for year, group in groupby(placed, key=lambda pair: pair[0].year):
            years.append(Year(year_label(year), None if previous is None else year - previous,
                              tuple(card for _, card in group)))
            previous = year
        return years, unplaced
