"""The deck as printable double-sided study cards: Jinja -> Typst -> PDF.

The layout (which face goes where on which page) comes from
:mod:`print_layout`; the look of a face from ``templates/print/``. The whole
deck is one Typst document compiled once. Typst is given only the fonts it
ships with (no system fonts) and an empty folder as its root, so the PDF is
the same on every machine and no card text can reach a file.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FactdeckError, Position, Problem
from ..model import Deck
from . import Builder, register
from .print_layout import Layout, plan

if TYPE_CHECKING:  # imported where used: ``--check`` must start without Typst or Jinja
    import typst

TEMPLATE = "print/cards.typ"
PREVIEW_PPI = 80  # enough to read the cards on a screen; it is not for print


@register
class PdfBuilder(Builder):
    name = "pdf"
    suffix = ".pdf"
    description = "printable cards: fronts and backs that line up when printed duplex"

    def write(self, deck: Deck, target: Path) -> str:
        progress = self.options.progress
        progress.stage("pdf: writing the layout")
        layout = self.layout(deck)
        with tempfile.TemporaryDirectory() as root:
            compiler = self.compiler(deck, layout, Path(root), preview=False)
            progress.stage(f"pdf: typesetting {len(layout.pages)} pages")
            target.write_bytes(self.compile(compiler, format="pdf"))
            overflows = json.loads(compiler.query("<factdeck-overflow>", field="value", format="json"))
        for overflow in overflows:  # reported by the template's fitted() when even the smallest size fails
            card = deck.cards[overflow["card"]]
            self.options.log.warning(
                card.position, f"text does not fit on the {overflow['side']} of the printed card even at "
                               "the smallest size; it is cut off (shorten it or use a larger --card-size)",
                card.id)
        opts = self.options.print
        sheets = sum(page.side != "back" for page in layout.pages)
        return (f"{len(deck.cards)} cards on {sheets} {opts.paper} sheet{'s' * (sheets != 1)} "
                f"({len(layout.pages)} pages, {layout.per_sheet} cards of {layout.card[0]:g} x "
                f"{layout.card[1]:g} mm a sheet, duplex {opts.duplex})")

    def layout(self, deck: Deck) -> Layout:
        return plan(len(deck.cards), self.options.print)

    def compiler(self, deck: Deck, layout: Layout, root: Path, preview: bool) -> typst.Compiler:
        """Render the Typst source for ``layout`` and make a compiler over it."""
        import typst

        source = self.env.get_template(TEMPLATE).render(
            deck=deck, cards=deck.cards, layout=layout, total=len(deck.cards),
            card_width=layout.card[0], card_height=layout.card[1],
            paper_width=layout.paper[0], paper_height=layout.paper[1],
            built=datetime.fromtimestamp(self.options.epoch, timezone.utc), preview=preview)
        main = root / "cards.typ"  # a file, not bytes: the binding's query needs a path
        main.write_text(source, encoding="utf-8")
        return typst.Compiler(str(main), root=str(root), font_paths=[], ignore_system_fonts=True)

    def compile(self, compiler: typst.Compiler, format: str) -> bytes:
        """Compile to ``format``; Typst's warnings (say, a font a template names but Typst lacks) are logged."""
        import typst

        try:
            output, warnings = compiler.compile_with_warnings(
                format=format, ppi=PREVIEW_PPI if format == "png" else None, timestamp=self.options.epoch)
        except typst.TypstError as error:
            raise _template_problem(f"Typst could not compile the print layout: {error.message}") from None
        if format == "pdf":  # the preview compiles the same templates: say it once
            for warning in warnings:
                self.options.log.warning(Position(f"templates/{TEMPLATE}"), f"Typst: {warning.message}")
        assert isinstance(output, bytes)
        return output


@register
class PreviewBuilder(PdfBuilder):
    """A PNG of the first sheet's front beside its back, made with ``--preview``."""

    name = "preview"
    suffix = "-preview.png"
    description = "PNG of the first printed sheet, front and back"
    by_default = False

    def write(self, deck: Deck, target: Path) -> str:
        layout = self.layout(deck)
        with tempfile.TemporaryDirectory() as root:
            compiler = self.compiler(deck, layout, Path(root), preview=True)
            target.write_bytes(self.compile(compiler, format="png"))
        return f"the first sheet of {self.options.print.paper} paper, front and back, at {PREVIEW_PPI} ppi"


def _template_problem(message: str) -> FactdeckError:
    return FactdeckError([Problem(Position(f"templates/{TEMPLATE}"), message)])
