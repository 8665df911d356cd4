"""Cloze deletions as Anki users write them: ``{{c1::answer}}`` or ``{{c2::answer::hint}}``.

The text is split into plain pieces and deletions once, here; the templates
show the pieces (escaped for their target) and the validator reports what is
malformed, with the offset of the mistake inside the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

OPEN, CLOSE, SEPARATOR = "{{", "}}", "::"
_NUMBER = re.compile(r"c(\d+)::")
WRITE = "{{c1::answer}} or {{c1::answer::hint}}"


@dataclass(frozen=True)
class ClozePart:
    """A plain piece of the sentence (``number`` 0) or one deletion: its answer and hint."""

    text: str
    number: int = 0
    hint: str = ""


@dataclass(frozen=True)
class ParsedCloze:
    parts: tuple[ClozePart, ...]
    problems: tuple[tuple[int, str], ...]  # (offset in the text, message)


def cloze_numbers(parts: tuple[ClozePart, ...]) -> tuple[int, ...]:
    """The deletion numbers used, in order: one Anki card (and printed card) each."""
    return tuple(sorted({part.number for part in parts if part.number}))


@lru_cache(maxsize=4096)  # a card's parts are read by several builders
def parse_cloze(text: str) -> ParsedCloze:
    """Split ``text`` into pieces and deletions, with every problem found on the way."""
    parts: list[ClozePart] = []
    problems: list[tuple[int, str]] = []
    at = 0
    while at < len(text):
        start = text.find(OPEN, at)
        stray = text.find(CLOSE, at, len(text) if start < 0 else start)
        if stray >= 0:
            problems.append((stray, f"'}}}}' closes no deletion: remove it, or write {WRITE}"))
        if start < 0:
            parts.append(ClozePart(text[at:]))
            break
        if start > at:
            parts.append(ClozePart(text[at:start]))
        deletion, at = _deletion(text, start, problems)
        if deletion is not None:
            parts.append(deletion)
    numbers = cloze_numbers(tuple(parts))
    if not numbers and not problems:
        problems.append((0, f"no deletion: mark each part to recall as {WRITE}"))
    if not problems:  # a broken deletion's number is unknown: a gap may be only that
        _check_numbering(text, parts, numbers, problems)
    return ParsedCloze(tuple(parts), tuple(problems))


def _deletion(text: str, start: int, problems: list[tuple[int, str]]) -> tuple[ClozePart | None, int]:
    """The deletion opening at ``start`` and where the text goes on after it."""
    number = _NUMBER.match(text, start + len(OPEN))
    end = text.find(CLOSE, start + len(OPEN))
    if number is None:
        problems.append((start, f"malformed deletion: write {WRITE}"))
        return None, (end + len(CLOSE) if end >= 0 else len(text))
    if end < 0:
        problems.append((start, f"deletion not closed: end it with '}}}}', as in {WRITE}"))
        return None, len(text)
    body_start = number.end()
    nested = text.find(OPEN, body_start, end)
    if nested >= 0:
        problems.append((nested, "deletions cannot nest: close one with '}}' before the next begins, "
                                 "as in {{c1::one}} {{c2::other}}"))
        after = text.find(CLOSE, end + len(CLOSE))  # the outer deletion's own end, if written
        return None, (after + len(CLOSE) if after >= 0 else end + len(CLOSE))
    pieces = text[body_start:end].split(SEPARATOR)
    if int(number.group(1)) == 0:
        problems.append((start, "deletion numbers start at c1"))
    elif len(pieces) > 2:
        problems.append((start, f"a deletion has an answer and at most one hint: write {WRITE}"))
    elif not pieces[0].strip():
        problems.append((start, f"empty deletion: write the answer after '::', as in {WRITE}"))
    elif len(pieces) == 2 and not pieces[1].strip():
        problems.append((start, "empty hint: write one after the second '::', or remove the '::'"))
    else:
        return ClozePart(pieces[0], int(number.group(1)), pieces[1] if len(pieces) == 2 else ""), \
            end + len(CLOSE)
    return None, end + len(CLOSE)


def _check_numbering(text: str, parts: list[ClozePart], numbers: tuple[int, ...],
                     problems: list[tuple[int, str]]) -> None:
    """Numbers run c1..cN: a gap would make Anki number its cards unlike the printed ones."""
    missing = [n for n in range(1, (numbers[-1] if numbers else 0) + 1) if n not in numbers]
    if not missing:
        return
    first_after = min(part.number for part in parts if part.number > missing[0])
    offset = text.find(f"{OPEN}c{first_after}{SEPARATOR}")
    problems.append((max(offset, 0), f"'c{first_after}' but no 'c{missing[0]}': number the deletions "
                                     f"c1 to c{len(numbers)} without gaps"))
