"""The deck as printable double-sided study cards: Jinja -> Typst -> PDF.

The layout (which face goes where on which page) comes from
:mod:`.layout`; the look of a face from ``templates/print/``. A deck
of up to ``chunks.ONE_COMPILE_SHEETS`` sheets is one Typst document compiled
here; a larger one is compiled in chunks of whole sheets in worker processes
and joined (:mod:`.chunks`), so memory stays bounded. Typst runs sealed
(:mod:`.compiler`): its own fonts only, nothing else to read.
"""

from __future__ import annotations

import json
import string
from importlib import resources
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import Position
from ...model import Card, Deck
from .. import Builder
from . import chunks
from .compiler import (PREVIEW_PPI, TEMPLATE, compile_document, overflows, template_problem, typst_compiler,
                       typst_error)
from .fitting import Probe, TextExtents, probe_for
from .kept import (ReadCards, inputs_key, joined_key, load_typeset, probe_key, store_typeset,
                   templates_fingerprint, texts_key, typeset_key)
from .layout import Layout, plan

if TYPE_CHECKING:  # imported where used: ``--check`` must start without Typst or Jinja
    import typst

FONT_PROBE = "<factdeck-font>"  # the metadata label of what probe.typ measured
# Measures the print style for fitting; inside the package, so no user's template replaces it.
PROBE_TEMPLATE = resources.files(__package__) / "probe.typ"
STYLE_TEMPLATE = "print/style.typ"
# Probed whatever the deck holds: the text templates add around card text ("Source: ", quotes).
ALWAYS_PROBED = string.printable.strip() + " “”‘’"


class PdfBuilder(Builder):
    name = "pdf"
    suffix = ".pdf"
    description = "printable cards: fronts and backs that line up when printed duplex"

    def write(self, deck: Deck, target: Path) -> str:
        deck = deck.as_printed()  # from here on a card is a printed card (a cloze prints one per deletion)
        progress = self.options.progress
        progress.stage("pdf: writing the layout")
        layout = self.layout(deck)
        parts = chunks.chunks_of(layout)
        if len(parts) > 1:  # the workers' server starts up while the probe runs
            chunks.start_workers_server()
        probed, extents = self.measure(deck, layout)
        if len(parts) == 1:  # one compile here: no worker to start
            progress.stage(f"pdf: typesetting {len(layout.pages)} pages")
            result = self.typeset(self.source(deck, layout, extents), format="pdf")
            target.write_bytes(result.pdf)
            self.log_typst_warnings(list(result.warnings))
            too_full = list(result.overflows)
        else:
            progress.stage(f"pdf: typesetting {len(layout.pages)} pages in {len(parts)} parts")
            too_full = self.compile_chunks(deck, parts, extents, target, probed)
        for overflow in too_full:  # reported by measured-fit in style.typ when even the smallest size fails
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

    def compile_chunks(self, deck: Deck, parts: list[Layout], extents: TextExtents | None,
                       target: Path, probed: str = "") -> list[dict[str, object]]:
        """Compile each chunk in a worker process and join their PDFs into ``target``; the overflows.

        A chunk the cache holds (the same Typst source) is not compiled again, nor
        rendered again if it was rendered from the same cards, pages and templates.
        """
        cache, epoch = self.options.cache, self.options.epoch
        keys: list[str] = []
        kept: list[chunks.ChunkResult | None] = []  # each chunk, once rendered: None until typeset
        shared = (templates_fingerprint(self.env), repr(deck.settings), repr(sorted(deck.sources.items())),
                  probed, str(epoch)) if cache.folder is not None else ()

        def missing() -> Iterator[str]:  # rendered as the workers take them, so typesetting starts at once
            for part in parts:
                inputs = inputs_key(shared, part, deck.cards) if shared else ""
                known = cache.get_alias(inputs) if inputs else ""
                result = load_typeset(cache, known) if known else None
                if result is not None:
                    keys.append(known)
                    kept.append(result)
                    continue
                read = ReadCards(deck.cards, {face.index for page in part.pages for face in page.faces})
                source = self.source(replace(deck, cards=read), part, extents, cards=read)
                keys.append(typeset_key(source, "pdf", epoch))
                if inputs and read.only_own:
                    cache.put_alias(inputs, keys[-1])
                kept.append(load_typeset(cache, keys[-1]))
                if kept[-1] is None:
                    yield source

        compiled_in_order: deque[chunks.ChunkResult] = deque()  # the missing chunks', in their order
        with closing(chunks.compile_in_workers(missing(), epoch)) as compiled:
            try:
                for index in range(len(parts)):
                    while len(kept) <= index or (kept[index] is None and not compiled_in_order):
                        result = next(compiled, None)  # renders on until the workers take a source
                        if result is None:  # every source rendered, none left to compile
                            break
                        compiled_in_order.append(result)
                    if kept[index] is None:
                        result = compiled_in_order.popleft()
                        if result.error is not None:
                            raise typst_error(result.error)
                        store_typeset(cache, keys[index], result)
                        kept[index] = result
            except chunks.WorkerCrash:
                raise template_problem("Typst stopped without finishing the print layout (out of memory?); "
                                        "try again with fewer cards or more memory") from None
        results = [result for result in kept if result is not None]
        warnings: list[str] = []
        for result in results:
            warnings.extend(w for w in result.warnings if w not in warnings)  # each chunk says the same
        joined = joined_key(keys)
        pdf = cache.get(joined)
        if pdf is None:
            pdf = chunks.join(result.pdf for result in results)
            cache.put(joined, pdf)
        target.write_bytes(pdf)
        self.log_typst_warnings(warnings)
        return [overflow for result in results for overflow in result.overflows]

    def typeset(self, source: str, format: str) -> chunks.ChunkResult:
        """``source`` compiled here as ``format`` ("pdf" or "png"), or as the cache kept it."""
        cache = self.options.cache
        key = typeset_key(source, format, self.options.epoch)
        result = load_typeset(cache, key)
        if result is None:
            with tempfile.TemporaryDirectory() as root:
                compiler = typst_compiler(source, Path(root))
                output, warnings = compile_document(compiler, format, self.options.epoch)
                found = overflows(compiler) if format == "pdf" else []
            result = chunks.ChunkResult(output, tuple(found), tuple(warnings))
            store_typeset(cache, key, result)
        return result

    def layout(self, deck: Deck) -> Layout:
        return plan(len(deck.cards), self.options.print)

    def source(self, deck: Deck, layout: Layout, extents: TextExtents | None, preview: bool = False,
               cards: Sequence[Card] | None = None) -> str:
        """The Typst source of the pages of ``layout``; faces keep their numbers in the whole deck."""
        cards = deck.cards if cards is None else cards
        return self.env.get_template(TEMPLATE).render(
            deck=deck, cards=cards, layout=layout, total=len(cards),
            card_width=layout.card[0], card_height=layout.card[1],
            paper_width=layout.paper[0], paper_height=layout.paper[1],
            built=datetime.fromtimestamp(self.options.epoch, timezone.utc), preview=preview,
            extent=extents or (lambda text: "none"),
            probe=None)  # a user's cards.typ from factdeck 0.1 holds a probe of its own: never taken

    def probe_source(self, layout: Layout, probe: Probe) -> str:
        """The Typst source that measures ``probe``'s characters and pairs in the print style's font."""
        template = self.env.from_string(PROBE_TEMPLATE.read_text(encoding="utf-8"))
        return template.render(probe=probe, card_width=layout.card[0], card_height=layout.card[1])

    def text_extents(self, deck: Deck, layout: Layout) -> TextExtents | None:
        """What probe.typ measures of the deck's characters and pairs in the print font.

        None, so that every face is measured, when the style lays a face out
        taller than its ``main-bound`` adds up (a restyled ``main-content``).
        """
        return self.measure(deck, layout)[1]

    def measure(self, deck: Deck, layout: Layout) -> tuple[str, TextExtents | None]:
        """:meth:`text_extents`, and the key of the probe that measured them (which stands for them)."""
        import typst

        cache = self.options.cache
        texts = list(_printed_texts(deck))
        # Working out the probe reads every word of the deck: a rebuild knows it by the texts instead.
        by_texts = texts_key(templates_fingerprint(self.env), repr(layout.card), texts) if cache.folder else ""
        key = cache.get_alias(by_texts) if by_texts else ""
        font = cache.get_json(key) if key else None
        if not isinstance(font, dict):
            source = self.probe_source(layout, probe_for(texts, also=ALWAYS_PROBED))
            key = probe_key(source)
            font = cache.get_json(key)
            if by_texts:
                cache.put_alias(by_texts, key)
        if not isinstance(font, dict):
            with tempfile.TemporaryDirectory() as root:
                compiler = typst_compiler(source, Path(root))
                try:
                    (font,) = json.loads(compiler.query(FONT_PROBE, field="value", format="json"))
                except typst.TypstError as error:  # the probe's own code is fixed: the style's is at fault
                    raise typst_error(error.message, STYLE_TEMPLATE) from None
            cache.put_json(key, font)
        if not font["bounds"]:
            self.options.log.note(Position(f"templates/{STYLE_TEMPLATE}"),
                                  "main-content lays a face out taller than main-bound adds up: every printed "
                                  "face is measured to fit it, which is slower (never wrong)")
            return key, None
        return key, TextExtents(font["widths"], font["line"], font["columns"], font["kerning"], font["spaces"])

    def log_typst_warnings(self, messages: list[str]) -> None:
        """Typst's warnings (say, a font a template names but Typst lacks), against the template."""
        for message in messages:
            self.options.log.warning(Position(f"templates/{TEMPLATE}"), f"Typst: {message}")


class PreviewBuilder(PdfBuilder):
    """A PNG of the first sheet's front beside its back, made with ``--preview``."""

    name = "preview"
    suffix = "-preview.png"
    description = "PNG of the first printed sheet, front and back"
    by_default = False

    def write(self, deck: Deck, target: Path) -> str:
        deck = deck.as_printed()
        layout = self.layout(deck)
        source = self.source(deck, layout, self.text_extents(deck, layout), preview=True)
        target.write_bytes(self.typeset(source, format="png").pdf)  # its warnings are the PDF's: said there
        return f"the first sheet of {self.options.print.paper} paper, front and back, at {PREVIEW_PPI} ppi"


def _printed_texts(deck: Deck) -> Iterator[str]:
    """Every text of the deck that a printed face may show."""
    for card in deck.cards:
        yield from card.texts().values()
        yield card.note
    for source in deck.sources.values():
        yield from (source.author, source.title, source.year)
