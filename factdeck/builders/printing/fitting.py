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
breaks only at a space between letters or digits (Typst may find more breaks,
which only shortens its lines); and a character whose width may depend on more
than its neighbours (combining marks, joining scripts, format controls) leaves
its text without an extent, so its face is measured.
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
_INDEPENDENT_BLOCKS = ((0x20, 0x7E), (0xA0, 0x52F), (0x1E00, 0x1FFF), (0x2000, 0x2BFF))
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
    measured = {char for char in set(every) | set(also) if char != "\n" and measurable(char)}
    known = {char for char in measured if not char.isspace()}
    pairs = {word[index:index + 2] for word in set(every.split()) for index in range(len(word) - 1)}
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
            runs = self.runs(line)
            if runs is None:
                return None
            width = sum(runs) + self.space * (len(runs) - 1)
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
                    counts[index] = count + _first_fit(runs, self.space, column)
        return counts

    def runs(self, line: str) -> list[float] | None:
        """The widths of ``line``'s runs between the spaces where it surely may break; None if unknown."""
        runs: list[float] = []
        run = -1.0
        breakable_after = False
        for word in line.split(" "):
            known = self.words.get(word)
            if known is None:
                known = self.words[word] = self.word(word)
                if known is None:
                    return None
            width, starts_alnum, ends_breakable = known
            if run < 0:
                run = width
            elif starts_alnum and breakable_after:
                runs.append(run)
                run = width
            else:
                run += self.space + width
            if word:
                breakable_after = ends_breakable
        runs.append(run)
        return runs

    def word(self, word: str) -> tuple[float, bool, bool] | None:
        """A word's width, whether it starts with a letter or digit, and whether a break may follow it."""
        try:
            width = sum(map(self.widths.__getitem__, word))
        except KeyError:  # not probed: its width may depend on its neighbours
            return None
        kerning = self.kerning.get
        width += sum(kerning(word[index:index + 2], KERNING_EM) for index in range(len(word) - 1))
        last = word[-1:]
        return width, word[:1].isalnum(), last.isalnum() or last in _BREAKABLE_AFTER


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
