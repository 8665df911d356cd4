"""Typeset pages and probe measurements kept in the build cache, keyed by the Typst source they came from.

The Typst source is the whole of what Typst reads (it runs sealed, see
:mod:`.compiler`): the templates are rendered into it, the fonts are the ones
the ``typst`` package ships, so its version stands for their bytes. A chunk of
a large deck holds its faces' global ``k/N`` numbers, so adding or removing a
card changes the keys of the chunks after it, and editing one card changes only
its own chunk's key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING, overload

from ...cache import Cache, key_of
from ...model import Card
from .chunks import ChunkResult
from .fonts import FontSet
from .layout import Layout

if TYPE_CHECKING:
    import jinja2

FORMAT = "typeset 1"


@cache
def _versions() -> str:
    return f"typst {metadata.version('typst')}, pypdf {metadata.version('pypdf')}"


def fonts_fingerprint(fonts: FontSet) -> str:
    """The font files Typst is given besides its own, by path, size and change time (hashing a CJK
    font's megabytes on every build would cost more than most rebuilds)."""
    files = []
    for path in fonts.files():
        try:
            status = path.stat()
        except OSError:
            continue
        files.append(f"{path}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join([*map(str, fonts.paths), *files])


def typeset_key(source: str, format: str, epoch: int, fonts: str = "") -> str:
    """The key of ``source`` typeset as ``format`` ("pdf", "png") at ``epoch`` with ``fonts`` (a fingerprint)."""
    return key_of(FORMAT, (_versions(), format, str(epoch), fonts, source))


def probe_key(source: str, fonts: str = "") -> str:
    """The key of what the fitting probe of this source measured with ``fonts`` (a fingerprint)."""
    return key_of(f"{FORMAT} probe", (_versions(), fonts, source))


def load_typeset(kept: Cache, key: str) -> ChunkResult | None:
    """A typeset chunk (its output, overflows and Typst's warnings), or None."""
    payload = kept.get(key)
    if payload is None:
        return None
    meta, _, output = payload.partition(b"\n")
    try:
        facts = json.loads(meta)
        return ChunkResult(output, tuple(facts["overflows"]), tuple(facts["warnings"]))
    except (ValueError, KeyError, TypeError):
        return None


def store_typeset(kept: Cache, key: str, result: ChunkResult) -> None:
    """Keep a chunk that compiled (an error is never kept: the next build reports it afresh)."""
    if result.error is None:
        meta = json.dumps({"overflows": list(result.overflows), "warnings": list(result.warnings)})
        kept.put(key, meta.encode() + b"\n" + result.pdf)


def templates_fingerprint(env: jinja2.Environment) -> str:
    """Every template the environment can load (the user's over the defaults), by name and text."""
    assert env.loader is not None
    digest = hashlib.sha256()
    for name in sorted(env.loader.list_templates()):
        text = env.loader.get_source(env, name)[0]
        digest.update(f"{len(name)}:{name}{len(text)}:{text}".encode())
    return digest.hexdigest()


def cards_digest(part: Layout, cards: Sequence[Card]) -> str:
    """What the cards a chunk shows hold, and their places in the deck, as one digest."""
    shown = sorted({face.index for page in part.pages for face in page.faces})
    return key_of(f"{FORMAT} cards", (f"{i}:{cards[i]!r}" for i in shown))


def inputs_key(context: tuple[str, ...], first_page: int, part: Layout, digest: str) -> str:
    """The key of a chunk's rendering by what it was rendered from, for a template that read only its own cards.

    ``context`` is what every chunk shares (the templates, the deck's settings and
    sources, the print options, the fitting probe, the epoch); then the chunk's
    place in the deck's layout and its cards (their :func:`cards_digest`). The
    layout is worked out from the print options and the number of cards alone, so
    the chunk's pages are known by where they start in it and how many they are
    (their faces' boxes and crop marks, written out, would be most of what is hashed).
    """
    return key_of(f"{FORMAT} inputs", (*context, repr(replace(part, pages=())), str(first_page), str(len(part.pages)),
                                       digest))


def measured_key(context: tuple[str, ...], first_page: int, part: Layout, digest: str) -> str:
    """:func:`inputs_key` without the fitting probe: the key of :class:`MeasuredTexts`' record of a chunk."""
    return inputs_key(("measured", *context), first_page, part, digest)


class MeasuredTexts:
    """The extents a template is given (``measure``), noting each text it asked about.

    A chunk rendered with other extents (a probe that measured one more pair of
    characters, say) renders the same source if the extents of every text it
    asked about are the same: a template's rendering depends on nothing else.
    So the texts are kept (:meth:`store`) with the digest of their extents and
    the chunk's source's key, and an edit elsewhere that changed the probe does
    not render every chunk again.
    """

    def __init__(self, measure: Callable[[str], str]) -> None:
        self.measure = measure
        self.asked: dict[str, None] = {}

    def __call__(self, text: str) -> str:
        self.asked[text] = None
        return self.measure(text)

    def digest(self, texts: Iterable[str]) -> str:
        return key_of(f"{FORMAT} extents", (f"{text}\0{self.measure(text)}" for text in texts))

    def store(self, kept: Cache, key: str, source_key: str, probe: str) -> None:
        """Keep the texts asked about, their extents' digest, the source's key and the probe's (see probe_key)."""
        texts = list(self.asked)
        # ASCII JSON: a lone surrogate in a card's text is kept as an escape, not refused by UTF-8.
        kept.put(key, json.dumps({"texts": texts, "extents": self.digest(texts), "source": source_key,
                                  "probe": probe}).encode())

    def source_key(self, kept: Cache, key: str, probe: str, measurements: Callable[[str], object]) -> str:
        """The key of the source a chunk rendered into when its texts measured as they do now under the
        probe of key ``probe``, or "". ``measurements`` gives what the probe of a key measured (or None).

        Measuring every text again is skipped when the probe only measured more
        than the chunk's probe did (:func:`measured_more`) and none of the
        chunk's texts holds what it added: their extents cannot have changed.
        """
        try:
            record = json.loads(kept.get(key) or b"null")
            texts, extents, source, then = record["texts"], record["extents"], record["source"], record["probe"]
        except (ValueError, TypeError, KeyError):
            return ""
        if not (isinstance(texts, list) and all(isinstance(text, str) for text in texts)
                and isinstance(source, str) and isinstance(then, str)):
            return ""
        added = measured_more(measurements(then), measurements(probe))
        if added is not None and not _holds_any("\n".join(texts), *added):
            return source
        return source if extents == self.digest(texts) else ""


def measured_more(old: object, new: object) -> tuple[set[str], set[str]] | None:
    """The characters and pairs the probe measurements ``new`` hold and ``old`` do not, when every other
    measurement (each character and pair of ``old``, the spaces, the line, the columns) is the same; else None."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return None
    if any(old.get(name) != new.get(name) for name in ("line", "columns", "spaces", "bounds")):
        return None
    added: list[set[str]] = []
    for name in ("widths", "kerning"):
        before, now = old.get(name), new.get(name)
        if not isinstance(before, dict) or not isinstance(now, dict):
            return None
        if any(now.get(item, None) != value for item, value in before.items()):
            return None
        added.append(set(now) - set(before))
    return added[0], added[1]


def _holds_any(text: str, characters: set[str], pairs: set[str]) -> bool:
    """Whether ``text`` holds one of ``characters`` or ``pairs``."""
    return not characters.isdisjoint(text) or any(pair in text for pair in pairs)


class ReadCards(Sequence["Card"]):
    """The deck's cards as a template sees them, noting which it read: only those a chunk shows, or all.

    A chunk whose rendering read no card but its own can be known by those cards
    (:func:`inputs_key`) without being rendered again.
    """

    def __init__(self, cards: Sequence[Card], own: set[int]) -> None:
        self.cards = cards
        self.own = own
        self.only_own = True

    def __len__(self) -> int:
        return len(self.cards)

    @overload
    def __getitem__(self, index: int) -> Card: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Card]: ...

    def __getitem__(self, index: int | slice) -> Card | Sequence[Card]:
        if not isinstance(index, int) or index % max(1, len(self.cards)) not in self.own:
            self.only_own = False
        return self.cards[index]

    def __iter__(self) -> Iterator[Card]:
        self.only_own = False
        return iter(self.cards)

    def __contains__(self, value: object) -> bool:
        self.only_own = False
        return value in self.cards
