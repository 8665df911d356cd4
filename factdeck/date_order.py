"""Dates as cards write them ("1928", "November 1927", "March 25, 1932", "1932-33", "By 1953"), in order.

A date card keeps its date as the text written; this reads from it when it
happened, as far as the text says, so that Anki's browser can list date notes
in time order. Nothing here rejects a date: text with no year sorts after every
dated one. (The timeline reads dates with its own ``dates.place``, which knows
more forms; it puts "by 1953" after 1953's dates, where this sorts it before
them. Sharing one reader would change the stored field.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for name in names}
# Words that put a date just before or just after its year ("by 1953", "after 1932").
EARLIER = {"before", "by", "until"}
LATER = {"after", "since"}
WORD = re.compile(r"[A-Za-z]+|\d+")
ERA_BC = {"bc", "bce"}


@dataclass(frozen=True, order=True)
class DatePoint:
    """When a date text starts: year (negative BC), month and day (0 when not given), and a nudge
    (-1 for "by 1953", 1 for "after 1932") so qualified dates sit beside their year."""

    year: int
    month: int = 0
    day: int = 0
    nudge: int = 0


def parse_date(text: str) -> DatePoint | None:
    """The start of the time a date text names, or None when it names no year."""
    words = WORD.findall(text.lower())
    numbers = [i for i, word in enumerate(words) if word.isdigit()]
    year_at = next((i for i in numbers if len(words[i]) >= 3 or _is_era(words, i)), None)
    if year_at is None:
        return None
    year = int(words[year_at]) * (-1 if _is_era(words, year_at) else 1)
    before = words[:year_at]
    month = next((MONTHS[w] for w in before if w in MONTHS), 0)
    day = next((int(words[i]) for i in numbers if i < year_at and 1 <= int(words[i]) <= 31), 0) if month else 0
    nudge = -1 if any(w in EARLIER for w in before) else 1 if any(w in LATER for w in before) else 0
    return DatePoint(year, month, day, nudge)


def sort_key(text: str) -> str:
    """Text that sorts as the dates do: "1927-11-00", "1932-03-25"; "by 1953" is "1952-99-99" (after
    everything in 1952), "after 1932" is "1932-99-99"; undated text after all of them.

    Always text, never a bare number: Anki's browser sorts numbers before
    text, which put "1960" before "1928 ...". No character of it needs escaping in HTML.
    """
    point = parse_date(text)
    if point is None:
        return f"~ {text}"
    year, month, day = point.year, point.month, point.day
    if point.nudge:
        year, month, day = (year - 1 if point.nudge < 0 else year), 99, 99
    # BC years count down: 500 BC (-9499) sorts before 44 BC (-9955), and both before AD 1.
    shown = f"{year:04d}" if year >= 0 else f"-{9999 + year:04d}"
    return f"{shown}-{month:02d}-{day:02d}"


def _is_era(words: list[str], index: int) -> bool:
    return index + 1 < len(words) and words[index + 1] in ERA_BC
