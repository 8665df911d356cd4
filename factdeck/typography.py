"""Typographic quotes, apostrophes and dashes for printed card text.

Cards are written with a keyboard's straight quotes and double hyphens; a
printed card should show what a typesetter would: “quotes”, Stalin’s, the ’30s,
times—the, 1932–33. The card files and the model keep the text as written
(the verbatim-quotation check and Anki's search compare what was typed); the
print templates apply :func:`typographic` as they render (the ``typographic``
Jinja filter).

Quotes and apostrophes are docutils' SmartyPants (what Sphinx typesets its
documents with), which reads the ’30s and the kulaks’ land right where the
original SmartyPants opens a quote, and knows other languages' quotes. It
treats a backslash as an escape and a few ``&#NN;`` entities as characters;
card text is plain text, so both are shielded and come back as written. Dashes are
plain replacements, and number ranges (which SmartyPants leaves alone) take an
en dash. "..." stays three dots: "[...]" is a cloze gap and a quotation's cut
as Anki shows them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import overload

# Only text holding one of these can change: most card text is returned as it is, at once.
_MAY_CHANGE = re.compile(r"[\"']|--|\d-\d| - ")
_QUOTES = re.compile(r"[\"']")
# A range of numbers written with a hyphen (or two): 1932-33, 1929-1934, pp. 12-15. Not a
# date or code with more parts (1929-10-14, 0-19-280), which keeps its hyphens.
_NUMBER_RANGE = re.compile(r"(?<![\d.-])(\d+)--?(\d+)(?![\d-]|\.\d)")
# Typewriter dashes: "--" (or "---") is an em dash; a hyphen between spaces an en dash.
_DASHES = re.compile(r"-{2,3}")
_SPACED_HYPHEN = re.compile(r"(?<= )-(?= )")
# docutils reads "\\", "\"" ... as escapes and "&#34;" ... as characters: shielded as a
# doubled backslash and a private-use character (which no printed card shows).
_AMPERSAND = "\ue000"


@overload
def typographic(text: str, language: str = "en") -> str: ...
@overload
def typographic(text: Sequence[str], language: str = "en") -> list[str]: ...
def typographic(text: str | Sequence[str], language: str = "en") -> str | list[str]:
    """``text`` with typographic quotes, apostrophes and dashes, for printing.

    A list of texts is read as one text in pieces (a cloze sentence around its
    gaps): a quote in one piece opens or closes by what ends the piece before it.
    ``language`` is a BCP 47 tag: "de" gives „so“, "fr" « ainsi ».
    """
    if isinstance(text, str):
        return _educate([text], language)[0] if _MAY_CHANGE.search(text) else text
    pieces = list(text)
    return _educate(pieces, language) if any(_MAY_CHANGE.search(piece) for piece in pieces) else pieces


def _educate(pieces: list[str], language: str) -> list[str]:
    pieces = [_SPACED_HYPHEN.sub("\u2013", _DASHES.sub("\u2014", _NUMBER_RANGE.sub("\\1\u2013\\2", piece)))
              for piece in pieces]
    if not any(_QUOTES.search(piece) for piece in pieces):
        return pieces
    # Some 20 regular expressions a text: only for the texts that hold a quote.
    from docutils.utils.smartquotes import educate_tokens

    shielded = [("text", piece.replace("&", _AMPERSAND).replace("\\", "\\\\")) for piece in pieces]
    return [piece.replace(_AMPERSAND, "&")
            for piece in educate_tokens(shielded, attr="q", language=quotes_language(language))]


def quotes_language(tag: str) -> str:
    """The language whose quotes ``tag`` (BCP 47) prints with, as docutils knows them.

    docutils knows "de-CH" and "sr" but not "sr-Latn" or "de-AT", and sets
    straight quotes for a tag it does not know: a tag falls back to its language,
    then to English, whose quotes at least are curly.
    """
    from docutils.utils.smartquotes import smartchars

    for candidate in (tag.lower(), tag.lower().split("-")[0]):
        if candidate in smartchars.quotes:
            return candidate
    return "en"


# Typeset punctuation back to a keyboard's: for comparing a text with another however each was typed.
_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
                           "–": "-", "—": "--"})


def straightened(text: str) -> str:
    """``text`` with curly quotes and apostrophes straight and dashes as hyphens (en one, em two)."""
    return text.translate(_STRAIGHT)
