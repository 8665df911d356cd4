"""The deck as printable double-sided study cards: Jinja -> Typst -> PDF.

The layout (which face goes where on which page) comes from
:mod:`.layout`; the look of a face from ``templates/print/``. A deck
of up to ``chunks.ONE_COMPILE_SHEETS`` sheets is one Typst document compiled
here; a larger one is compiled in chunks of whole sheets in worker processes
and joined (:mod:`.chunks`), so memory stays bounded. Typst runs sealed
(:mod:`.compiler`): its own fonts, those of installed font packages and the
deck's own (:mod:`.fonts`; never the system's), nothing else to read. Before
typesetting, every printed character is looked up in those fonts (:mod:`.coverage`).
"""

from __future__ import annotations

import string
from importlib import resources
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import cache as cache_of
from itertools import accumulate
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from ...errors import Position
from ...model import Deck
from ...output import open_temporary
from .. import Builder
from . import chunks
from .compiler import (PREVIEW_PPI, TEMPLATE, TypstFailure, compile_document, overflows, query, template_problem,
                       typst_compiler, typst_error)
from .coverage import check_coverage, has_right_to_left_text, text_direction
from .fonts import FontSet, font_set, typst_language
from .fitting import Probe, TextExtents, probe_of
from .kept import (MeasuredTexts, ReadCards, cards_digest, fonts_fingerprint, inputs_key, load_typeset,
                   measured_key, probe_key, store_typeset, templates_fingerprint, typeset_key)
from .layout import Layout, plan
from .pictures import embed_pictures, write_pictures
from .printed_text import PrintedTexts
from .samples import TextSample, deck_sample, printed_card_texts

FONT_PROBE = "<factdeck-font>"  # the metadata label of what probe.typ measured
# Measures the print style for fitting; inside the package, so no user's template replaces it.
PROBE_TEMPLATE = resources.files(__package__) / "probe.typ"
STYLE_TEMPLATE = "print/style.typ"
# Probed whatever the deck holds: the text templates add around card text ("Source: ", quotes).
ALWAYS_PROBED = string.printable.strip() + " “”‘’–—"
T = TypeVar("T")


class PdfBuilder(Builder):
    name = "pdf"
    suffix = ".pdf"
    description = "printable cards: fronts and backs that line up when printed duplex"

    def write(self, deck: Deck, target: Path) -> str:
        deck = deck.as_printed()  # from here on a card is a printed card (a cloze prints one per deletion)
        progress = self.options.progress
        progress.stage("pdf: writing the layout")
        layout, parts, _ = self.chunked(deck)
        cache = self.options.cache.folder
        if len(parts) > 1 and (cache is None or not cache.exists()):  # surely needed: it starts up while the
            chunks.start_workers_server()                                # fonts are checked and the probe runs
        progress.stage("pdf: checking the fonts")
        fonts = self.fonts(deck)
        if check_coverage(deck, fonts, self.options.log, self.sample(deck).written) and self.options.strict:
            self.options.log.raise_if_errors(strict=True)  # before typesetting: nothing is written
        probed, extents = self.measure(deck, layout)
        if len(parts) == 1:  # one compile here: no worker to start
            progress.stage(f"pdf: typesetting {len(layout.pages)} pages")
            result = self.typeset(deck, self.source(deck, layout, extents), format="pdf")
            with open_temporary(target) as file:
                file.write(result.pdf)
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
        cache, epoch, fonts = self.options.cache, self.options.epoch, self.fonts(deck)
        fonts_used = fonts_fingerprint(fonts)
        # What every chunk's rendering reads besides its own cards: N of each face's k/N, the deck's
        # scripts and fonts too.
        scripts = sorted((name, repr(value)) for name, value in self.scripts(deck).items() if not callable(value))
        shared = (templates_fingerprint(self.env), repr(deck.settings), repr(sorted(deck.sources.items())),
                  repr(self.options.print), str(epoch), str(len(deck.cards)), repr(scripts), fonts_used)
        digests = self.chunked(deck)[2] if cache.folder is not None else None
        places = list(zip(accumulate((len(part.pages) for part in parts), initial=0), parts, digests or ()))
        inputs = [inputs_key((*shared, probed), *place) for place in places] or [""] * len(parts)
        keys = [cache.get_alias(key) if key else "" for key in inputs]  # each chunk's source's, once known
        kept = [load_typeset(cache, key) if key else None for key in keys]  # each chunk's pages, once typeset
        measured = [measured_key(shared, *place) for place in places] or [""] * len(parts)
        probes = cache_of(cache.get_json)  # what each probe measured, read once
        for index, key in enumerate(measured):  # the probe changed: did the chunk's texts measure the same?
            if key and kept[index] is None and (known := MeasuredTexts(extents or _unmeasured).source_key(
                    cache, key, probed, probes)):
                kept[index] = load_typeset(cache, known)
                if kept[index] is not None:
                    keys[index] = known
                    cache.put_alias(inputs[index], known)
        submitted: deque[int] = deque()  # the chunks the workers are typesetting, in order

        def missing() -> Iterator[str]:  # rendered as the workers take them, so typesetting starts at once
            for index, part in enumerate(parts):
                if kept[index] is not None:
                    continue
                read = ReadCards(deck.cards, {face.index for page in part.pages for face in page.faces})
                asked = MeasuredTexts(extents or _unmeasured)
                source = self.source(deck, part, asked, read=read)
                keys[index] = typeset_key(source, "pdf", epoch, fonts_used)
                if inputs[index] and read.only_own:
                    cache.put_alias(inputs[index], keys[index])
                    asked.store(cache, measured[index], keys[index], probed)
                kept[index] = load_typeset(cache, keys[index])
                if kept[index] is None:
                    submitted.append(index)
                    yield source

        def in_order(compiled: Iterator[chunks.ChunkResult]) -> Iterator[chunks.ChunkResult]:
            for index in range(len(parts)):
                while kept[index] is None:  # rendered and typeset as the workers go
                    result = next(compiled)
                    if result.error is not None:
                        raise typst_error(result.error)
                    done = submitted.popleft()
                    result = replace(result, pdf=embed_pictures(result.pdf, deck))  # see pictures.py
                    store_typeset(cache, keys[done], result)
                    kept[done] = result
                yield kept[index]  # type: ignore[misc]

        # Pictures are named by their content in the source: its key covers them.
        with tempfile.TemporaryDirectory() as folder, closing(self.compiled(
                missing(), sum(result is None for result in kept), deck, Path(folder))) as compiled:
            try:
                pdf = chunks.join(result.pdf for result in in_order(compiled))
            except chunks.WorkerCrash:
                raise template_problem("Typst stopped without finishing the print layout (out of memory?); "
                                        "try again with fewer cards or more memory") from None
        with open_temporary(target) as file:
            file.write(pdf)
        results = [result for result in kept if result is not None]
        warnings: list[str] = []
        for result in results:
            warnings.extend(w for w in result.warnings if w not in warnings)  # each chunk says the same
        self.log_typst_warnings(warnings)
        return [overflow for result in results for overflow in result.overflows]

    def compiled(self, sources: Iterator[str], unknown: int, deck: Deck,
                 folder: Path) -> Iterator[chunks.ChunkResult]:
        """Each of ``sources`` compiled (with the deck's pictures written into ``folder``): in worker processes,
        or here when at most :data:`chunks.IN_PROCESS_CHUNKS` of the ``unknown`` chunks may need it."""
        epoch, font_paths = self.options.epoch, self.fonts(deck).paths
        pictures = write_pictures(deck, folder, stand_ins=True)  # completed by embed_pictures in in_order
        if unknown <= chunks.IN_PROCESS_CHUNKS:
            return (chunks.compile_chunk(source, epoch, pictures, font_paths) for source in sources)
        chunks.start_workers_server()  # unless started already
        return chunks.compile_in_workers(sources, epoch, font_paths, pictures)

    def typeset(self, deck: Deck, source: str, format: str) -> chunks.ChunkResult:
        """``source`` compiled here as ``format`` ("pdf" or "png") with the deck's fonts, or as the cache kept it."""
        cache, fonts = self.options.cache, self.fonts(deck)
        key = typeset_key(source, format, self.options.epoch, fonts_fingerprint(fonts))
        result = load_typeset(cache, key)
        if result is None:
            with tempfile.TemporaryDirectory() as root:
                # Named by their content in the source: its key covers them.
                write_pictures(deck, Path(root), stand_ins=format == "pdf")
                compiler = typst_compiler(source, Path(root), fonts.paths)
                output, warnings = compile_document(compiler, format, self.options.epoch)
                found = overflows(compiler) if format == "pdf" else []
            if format == "pdf":
                output = embed_pictures(output, deck)
            result = chunks.ChunkResult(output, tuple(found), tuple(warnings))
            store_typeset(cache, key, result)
        return result

    def layout(self, deck: Deck) -> Layout:
        return plan(len(deck.cards), self.options.print)

    def chunked(self, deck: Deck) -> tuple[Layout, list[Layout], list[str] | None]:
        """The deck's layout, its chunks (see chunks.py) and, with a cache, each chunk's :func:`cards_digest`."""
        def chunked() -> tuple[Layout, list[Layout], list[str] | None]:
            layout = self.layout(deck)
            parts = chunks.chunks_of(layout, [sum(map(len, printed_card_texts(card))) for card in deck.cards])
            digests = [cards_digest(part, deck.cards) for part in parts] \
                if self.options.cache.folder is not None else None
            return layout, parts, digests
        return self._once_a_deck(deck, "_chunked", chunked)

    def sample(self, deck: Deck) -> TextSample:
        """What the probe and the font check read of the deck's printed texts (see samples.py)."""
        return self._once_a_deck(deck, "_sample", lambda: deck_sample(deck, *self.chunked(deck)[1:],
                                                                       self.options.cache))

    def _once_a_deck(self, deck: Deck, name: str, make: Callable[[], T]) -> T:
        """``make()``, worked out once a deck: the builder is asked again as a large deck is rendered."""
        known = self.__dict__.get(name)
        if known is None or known[0] is not deck:
            known = self.__dict__[name] = (deck, make())
        return known[1]  # type: ignore[no-any-return]

    def fonts(self, deck: Deck) -> FontSet:
        """The fonts Typst is given besides its own: the installed font packages' and the deck's."""
        return self.scripts(deck)["font_set"]  # type: ignore[return-value]

    def scripts(self, deck: Deck) -> dict[str, object]:
        """What the templates need to know of the deck's languages and scripts (see
        print/languages.typ), worked out once a deck (a large one's source is rendered chunk by chunk)."""
        def scripts() -> dict[str, object]:
            fonts = font_set(deck.settings.fonts_folder)
            return {"font_set": fonts, "fonts": fonts.for_language, "language": typst_language,
                    "rtl": has_right_to_left_text(self.sample(deck).written), "direction": text_direction,
                    "own_languages": any(card.language for card in deck.cards)}
        return self._once_a_deck(deck, "_scripts", scripts)

    def source(self, deck: Deck, layout: Layout, extents: Callable[[str], str] | None, preview: bool = False,
               read: ReadCards | None = None) -> str:
        """The Typst source of the pages of ``layout``; faces keep their numbers in the whole deck.

        ``read``, the deck's cards noting which the template reads, stands in for them when given.
        """
        return self.env.get_template(TEMPLATE).render(
            deck=deck if read is None else replace(deck, cards=read), cards=deck.cards if read is None else read,
            layout=layout,
            total=len(deck.cards),
            card_width=layout.card[0], card_height=layout.card[1],
            paper_width=layout.paper[0], paper_height=layout.paper[1],
            built=datetime.fromtimestamp(self.options.epoch, timezone.utc), preview=preview,
            extent=extents or _unmeasured,
            printed=PrintedTexts.of(deck),
            probe=None,  # a user's cards.typ from factdeck 0.1 holds a probe of its own: never taken
            **self.scripts(deck))

    def probe_source(self, deck: Deck, layout: Layout, probe: Probe) -> str:
        """The Typst source that measures ``probe``'s characters and pairs in the print style's font,
        with the deck's language and script fonts, as the cards are set."""
        template = self.env.from_string(PROBE_TEMPLATE.read_text(encoding="utf-8"))
        return template.render(probe=probe, card_width=layout.card[0], card_height=layout.card[1], deck=deck,
                               **self.scripts(deck))

    def text_extents(self, deck: Deck, layout: Layout) -> TextExtents | None:
        """What probe.typ measures of the deck's characters and pairs in the print font.

        None, so that every face is measured, when the style lays a face out
        taller than its ``main-bound`` adds up (a restyled ``main-content``).
        """
        return self.measure(deck, layout)[1]

    def measure(self, deck: Deck, layout: Layout) -> tuple[str, TextExtents | None]:
        """:meth:`text_extents`, and the key of the probe that measured them (which stands for them)."""
        cache, paths = self.options.cache, self.fonts(deck).paths
        sample = self.sample(deck)
        probe = probe_of(sample.shown, sample.pairs, also=ALWAYS_PROBED)
        source = self.probe_source(deck, layout, probe)
        key = probe_key(source, fonts_fingerprint(self.fonts(deck)))
        font = cache.get_json(key)
        if not isinstance(font, dict):
            with tempfile.TemporaryDirectory() as root:
                compiler = typst_compiler(source, Path(root), paths)
                try:
                    (font,) = query(compiler, FONT_PROBE)
                except TypstFailure as error:  # the probe's own code is fixed: the style's is at fault
                    raise typst_error(str(error), STYLE_TEMPLATE) from None
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
        png = self.typeset(deck, source, format="png").pdf  # its warnings are the PDF's: said there
        with open_temporary(target) as file:
            file.write(png)
        return f"the first sheet of {self.options.print.paper} paper, front and back, at {PREVIEW_PPI} ppi"


def _unmeasured(text: str) -> str:
    """The extent of every text when the style's faces must all be measured (see :meth:`PdfBuilder.measure`)."""
    return "none"
