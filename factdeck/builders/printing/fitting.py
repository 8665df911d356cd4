"""How many lines card text takes in the print font, bounded from above, so most faces need no measuring.

Typst fits each face's text to its card by measuring it (``measured-fit`` in
``templates/print/style.typ``), and measuring is most of the print's cost.
Most faces fit at full size with room to spare; for those the template only
needs a proof. The proof is a text's *extent*: the most lines it can take in
the template's text column at each size a face is first tried at (the
template's ``fit-sizes``), and the height of one line, in em. The template
adds the lines' heights up and measures only the faces whose bound does not fit.

Lines are counted as Typst breaks them when text is not justified: first-fit,
each line taking every word that still fits. The widths come from Typst itself:
the template's ``probe`` mode measures, in the template's own font, each
character the deck uses, each pair of characters that stand side by side in its
words (kerning and ligatures make a pair narrower or wider than its two
characters), the space between words, and the column at each size. Every
estimate errs wide, so a count is never below Typst's: a character or pair
counts as in its widest style (bold, italic or both); a pair the probe did not
see (say, one a template adds around card text) gets :data:`KERNING_EM`; a line
breaks only at a space between letters or digits, or between two Chinese or
Japanese characters that Unicode's line breaking always lets part (Typst may find
more breaks, which only shortens its lines); and a character whose width may
depend on more than its neighbours (combining marks, joining scripts such as
Arabic and Devanagari, format controls) leaves its text without an extent, so
its face is measured. Han, kana and Hangul are measured by the probe like Latin,
in the font Typst picks for them (the deck's language's).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

# A pair of characters the probe did not measure may be kerned wider than its two characters'
# advances: by at most 0.08 em in Libertinus Serif ("fJ", "f!") and 0.088 em in New Computer
# Modern (italic "ll"), the largest positive kerning between ASCII characters in any style of
# the fonts Typst ships. Such a pair counts 0.1 em wider.
KERNING_EM = 0.1
# Typst's widths and ours are sums of floating-point em: this much a character covers rounding.
ROUNDING_EM = 1e-4
# Blocks where a character's advance does not depend on its neighbours: Latin, IPA, Greek,
# Cyrillic, Latin and Greek extended, punctuation, symbols, arrows and the like.
# CJK: punctuation, kana, Han (and its extension A and compatibility forms), Hangul syllables,
# full-width forms. Each is one glyph whatever stands beside it; the probe measures the pairs.
_INDEPENDENT_BLOCKS = ((0x20, 0x7E), (0xA0, 0x52F), (0x1E00, 0x1FFF), (0x2000, 0x2BFF),
                       (0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
                       (0xF900, 0xFAFF), (0xFF01, 0xFF60))
# Characters Unicode's line breaking (UAX #14) gives class ID, with a break allowed between any
# two: Han ideographs and kana, less the small kana, the prolonged sound mark and iteration marks
# (classes CJ and NS: no break before them in strict Japanese). Hangul is left out: Korean breaks
# at spaces in some settings.
_NO_BREAK_BEFORE = set("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶーゝゞヽヾ々〻・゠")
_FIRST_CJK = "\u3041"  # below it no character parts from its neighbour without a space


def _ideographic(char: str) -> bool:
    """Whether a line may always break before or after ``char`` beside another such character."""
    code = ord(char)
    return ((0x3041 <= code <= 0x30FA or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF
             or 0xF900 <= code <= 0xFAFF) and char not in _NO_BREAK_BEFORE)
# Categories that are never measured alone: marks join the letter before them, format
# characters (soft hyphen, joiners, bidi controls) change breaks or shaping.
_DEPENDENT_CATEGORIES = {"Mn", "Mc", "Me", "Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"}
# Characters after which a space is surely a line break before a letter or digit (UAX #14
# forbids breaks after opening brackets and opening quotes, even across spaces).
_BREAKABLE_AFTER = set(".,;:!?)]}%'\"’”…")


def measurable(char: str) -> bool:
    """Whether ``char``'s advance, measured alone, holds wherever it stands in a line."""
    if char == "\n":
        return True
    code = ord(char)
    return (any(low <= code <= high for low, high in _INDEPENDENT_BLOCKS)
            and unicodedata.category(char) not in _DEPENDENT_CATEGORIES)


@dataclass(frozen=True)
class Probe:
    """What the template's probe measures: the deck's characters, and the pairs its words hold.

    ``pairs``: two characters side by side in a word. ``spaced``: each character
    after a space and before one, beside an "x": a space kerns, if at all, with
    each neighbour on its own, so if every one of these spaces is as wide as the
    others, so is every space between two words. A probe prints as its
    characters, which is all a template from before pairs were probed reads.
    """

    characters: str
    pairs: tuple[str, ...] = ()
    spaced: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.characters


def probe_for(texts: Iterable[str], also: str = "") -> Probe:
    """What the template's probe measures for ``texts`` (and the characters of ``also``), sorted."""
    every = "\n".join(text for text in texts if text)  # one string: set() and split() at C speed
    return probe_of(set(every), text_pairs(every), also)


def text_pairs(text: str) -> set[str]:
    """Every two characters side by side in a word of ``text``."""
    return {word[index:index + 2] for word in set(text.split()) for index in range(len(word) - 1)}


def probe_of(characters: Iterable[str], pairs: Iterable[str], also: str = "") -> Probe:
    """:func:`probe_for` of texts with these characters and these pairs (see :func:`text_pairs`)."""
    measured = {char for char in set(characters) | set(also) if char != "\n" and measurable(char)}
    known = {char for char in measured if not char.isspace()}
    spaced = dict.fromkeys(context for char in sorted(known) for context in (f"{char} x", f"x {char}"))
    return Probe("".join(sorted(measured)),
                 tuple(sorted(pair for pair in pairs if pair[0] in known and pair[1] in known)),
                 tuple(spaced) if "x" in known else ())


class TextExtents:
    """Extents of texts in one font, from what the template's probe measured.

    ``widths``: each probed character's advance in em; ``line``: the height of a
    line in em; ``columns``: the text column's width in em at each fit size;
    ``kerning``: how much wider (or, below zero, narrower) each probed pair is
    than its two characters; ``spaces``: the narrowest and widest space measured
    between two words (a template from before pairs were probed measures neither).
    """

    def __init__(self, widths: Mapping[str, float], line: float, columns: Sequence[float],
                 kerning: Mapping[str, float] | None = None, spaces: Sequence[float] | None = None) -> None:
        self.widths = {char: width + ROUNDING_EM for char, width in widths.items()}
        self.kerning = dict(kerning or {})
        if spaces and spaces[1] - spaces[0] <= ROUNDING_EM:  # the font does not kern spaces
            self.space = spaces[1] + ROUNDING_EM
        else:  # it may kern a space more beside pairs the probe did not see: allow a pair each side
            self.space = max([self.widths.get(" ", 0.0), *(spaces or ())]) + 2 * KERNING_EM
        self.line = line
        self.columns = list(columns)
        self.words: dict[str, tuple[float, bool, bool] | None] = {}  # words recur across a deck
        self.texts: dict[str, Markup] = {}  # so do sources and short answers

    def __call__(self, text: str) -> Markup:
        """``text``'s extent as a Typst dictionary, or ``none`` when it must be measured."""
        text = str(text)
        extent = self.texts.get(text)
        if extent is None:
            lines = self.lines(text)
            extent = self.texts[text] = Markup("none") if lines is None else Markup(
                "(lines: ({}), line: {:.4f})".format(
                    "".join(f"{count}," if count else "none," for count in lines), self.line))
        return extent

    def lines(self, text: str) -> list[int | None] | None:
        """The most lines ``text`` takes in each column (None where a run is wider); None if unknown."""
        counts: list[int | None] = [0] * len(self.columns)
        for line in text.split("\n"):
            found = self.runs_and_gaps(line)
            if found is None:
                return None
            runs, gaps = found
            width = sum(runs) + (self.space * (len(runs) - 1) if gaps is None else sum(gaps))
            widest = max(runs)
            for index, column in enumerate(self.columns):
                count = counts[index]
                if count is None:
                    continue
                if widest > column:
                    counts[index] = None
                elif width <= column:  # one line: most texts, in the wider columns
                    counts[index] = count + 1
                else:
                    counts[index] = count + (_first_fit(runs, self.space, column) if gaps is None
                                             else _first_fit_between(runs, gaps, column))
        return counts

    def runs(self, line: str) -> list[float] | None:
        """The widths of ``line``'s runs between the places where it surely may break; None if unknown."""
        found = self.runs_and_gaps(line)
        return None if found is None else found[0]

    def runs_and_gaps(self, line: str) -> tuple[list[float], list[float] | None] | None:
        """``line``'s runs (see :meth:`runs`) and the width between each run and the next: a space,
        or between two CJK characters how much their pair adds (None: a space each, as in a line
        without CJK, the common case, kept as cheap as it was); None if unknown."""
        runs: list[float] = []
        gaps: list[float] | None = None
        space = self.space
        run = -1.0
        breakable_after = False
        for word in line.split(" "):
            known = self.words.get(word)
            if known is None:
                known = self.words[word] = self.word(word)
                if known is None:
                    return None
            width, starts_alnum, ends_breakable, pieces = known
            if pieces:
                width = pieces[0]
            if run < 0:
                run = width
            elif starts_alnum and breakable_after:
                runs.append(run)
                if gaps is not None:
                    gaps.append(space)
                run = width
            else:
                run += space + width
            if pieces:  # where a CJK word may break: (gap, piece) after the first piece
                if gaps is None:
                    gaps = [space] * len(runs)
                for index in range(1, len(pieces), 2):
                    runs.append(run)
                    gaps.append(pieces[index])
                    run = pieces[index + 1]
            if word:
                breakable_after = ends_breakable
        runs.append(run)
        return runs, gaps

    def word(self, word: str) -> tuple[float, bool, bool, tuple[float, ...]] | None:
        """A word's width, whether it starts with a letter or digit, whether a break may follow it, and
        (for a word of Chinese or Japanese, where lines may break between characters) the widths of
        its pieces between those breaks with the gap at each, as (piece, gap, piece, ...); else ()."""
        try:
            widths = list(map(self.widths.__getitem__, word))
        except KeyError:  # not probed: its width may depend on its neighbours
            return None
        kerning = self.kerning.get
        pairs = [kerning(word[index:index + 2], KERNING_EM) for index in range(len(word) - 1)]
        last = word[-1:]
        pieces: tuple[float, ...] = ()
        if word and max(word) >= _FIRST_CJK:
            pieces = _pieces(word, widths, pairs)
        return sum(widths) + sum(pairs), word[:1].isalnum(), last.isalnum() or last in _BREAKABLE_AFTER, pieces


def _pieces(word: str, widths: list[float], pairs: list[float]) -> tuple[float, ...]:
    """``word`` cut where a line may break between two CJK characters: (piece, gap, piece, ...)."""
    pieces: list[float] = []
    piece = widths[0]
    for index in range(1, len(word)):
        if _ideographic(word[index - 1]) and _ideographic(word[index]):
            pieces += (piece, pairs[index - 1])
            piece = widths[index]
        else:
            piece += pairs[index - 1] + widths[index]
    pieces.append(piece)
    return tuple(pieces) if len(pieces) > 1 else ()


def _first_fit(runs: list[float], space: float, column: float) -> int:
    """How many lines ``runs`` (none wider than ``column``) fill when set first-fit in ``column``."""
    lines = 0
    used = column + 1.0  # the first run opens a line
    for run in runs:
        used += space + run
        if used > column:
            lines += 1
            used = run
    return lines


def _first_fit_between(runs: list[float], gaps: list[float], column: float) -> int:
    """:func:`_first_fit` with the width between each run and the next given in ``gaps``."""
    lines = 1
    used = runs[0]
    for gap, run in zip(gaps, runs[1:]):
        used += gap + run
        if used > column:
            lines += 1
            used = run
    return lines
