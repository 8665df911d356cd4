"""Where a date card's date, written as text, sits in time: for the timeline.

Dates are written as people write them ("November 1927", "1932-33", "late
1920s", "By 1953", "1929 (Fiveable)"), never as a fixed format, so this reads
the common English forms and gives up on the rest (None): the timeline lists
those apart instead of guessing. Pure functions on strings, no I/O.

A placed date is a span in decimal years (``start`` to ``end``) and the year it
is listed under. A month is a twelfth of a year and a day a 372nd (31 days a
month): only the order matters, and that keeps every date, BC ones too, on one
simple scale.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1) for name in names}
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# The months a season or a part of a year covers, first and last.
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (1, 2)}
PARTS = {"early": (0.0, 0.4), "mid": (0.3, 0.7), "middle": (0.3, 0.7), "late": (0.7, 1.0)}
# Words saying a date is approximate: it is placed where it says.
_ROUGHLY = re.compile(r"^(?:c\.|ca\.|circa|about|around|approximately|approx\.|in|the|from)\s+")
_NOTE = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])\s*$")  # "1929 (Fiveable)": a note about the date
_RANGE = re.compile(r"^(?:between\s+)?(.+?)\s*(?:[-–—]|\s(?:to|until|till|and)\s)\s*(.+)$")
_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_ERA = re.compile(r"^(?:(ad|ce)\s+)?(\d{1,4})(?:\s*(bc|bce|ad|ce))?$")
_DECADE = re.compile(r"^(\d{2,3})0'?s$")
_CENTURY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)\s+century(?:\s+(bc|bce|ad|ce))?$")
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


@dataclass(frozen=True, order=True)
class Placement:
    """A date's place: listed under ``year``, ordered by ``start`` then ``end`` (decimal years)."""

    year: int
    start: float
    end: float


def place(text: str) -> Placement | None:
    """Where the date ``text`` sits, or None when it cannot be read as a date."""
    words = " ".join(text.lower().replace(",", " ").split())
    words = _NOTE.sub("", words.replace("b.c.e.", "bce").replace("b.c.", "bc").replace("a.d.", "ad"))
    words = words.removesuffix(".").strip()
    for qualifier, where in (("by ", "end"), ("after ", "end"), ("since ", "start"), ("before ", "before"),
                             ("until ", "end")):
        if words.startswith(qualifier):
            inner = place(words[len(qualifier):])
            if inner is None:
                return None
            # "By 1953", "After 1932": listed under that year, after its dates; "Before 1930" before them.
            at = inner.start if where in ("start", "before") else inner.end
            return Placement(inner.year, at, inner.start if where == "before" else at)
    span = _span(words)
    if span is None:
        return None
    (year, start), end = span
    return Placement(year, start, end)


def year_label(year: int) -> str:
    """A year as the timeline heads its dates: ``1932``, ``44 BC``."""
    return f"{-year} BC" if year < 0 else str(year)


Span = tuple[tuple[int, float], float]  # ((year listed under, start), end)


def _span(words: str) -> Span | None:
    words = _ROUGHLY.sub("", words)
    point = _point(words)
    if point is not None:
        return point
    match = _RANGE.match(words)
    if match is None:
        return None
    first_text, last_text = match[1], match[2]
    last = _point(last_text)
    first = _point(first_text)
    if last is None and first is not None and first_text[-4:].isdigit():
        last = _point(_completed_year(first_text, last_text))  # "1932-33" ends in 1933
    elif first is None and last is not None:
        first = _point(f"{first_text} {_year_of(last_text)}")  # "March-April 1932" starts in 1932
    if first is None or last is None or last[1] < first[0][1]:
        return None
    return first[0], max(first[1], last[1])


def _completed_year(first: str, last: str) -> str:
    """``33`` after ``1932`` is 1933: the last year written with only its last digits."""
    year = re.search(r"(\d{1,4})$", first)
    short = re.match(r"^(\d{1,2})$", last.strip())
    if year is None or short is None or len(year[1]) < 3:
        return last
    digits = year[1]
    return digits[:len(digits) - len(short[1])] + short[1]


def _year_of(text: str) -> str:
    match = re.search(r"(\d{1,4}(?:\s*(?:bc|bce|ad|ce))?)$", text)
    return match[1] if match else ""


def _point(words: str) -> Span | None:
    """One date, not a range: a year, a month, a day, a season, a decade or a century."""
    iso = _ISO.match(words)
    if iso:
        return _day(int(iso[1]), int(iso[2]), int(iso[3]) if iso[3] else None)
    year = _year(words)
    if year is not None:
        return (year, float(year)), year + 1.0
    decade = _DECADE.match(words)
    if decade:
        start = int(decade[1]) * 10
        return (start, float(start)), start + 10.0
    century = _CENTURY.match(words)
    if century:
        number = int(century[1])
        if century[2] in ("bc", "bce"):
            return (-100 * number, -100.0 * number), -100.0 * (number - 1)
        start = 100 * (number - 1) + 1
        return (start, float(start)), start + 100.0
    head, _, rest = words.replace("mid-", "mid ", 1).partition(" ")
    if head in PARTS:  # "late 1920s", "early 1932", "mid-19th century": that part of the span
        inner = _point(rest)
        if inner is None:
            return None
        (_, start), end = inner
        low, high = PARTS[head]
        first = round(start + (end - start) * low, 6)  # "late 1920s" starts in 1927, not 1926.999...
        return (math.floor(first), first), round(start + (end - start) * high, 6)
    if head.removesuffix(".") in MONTHS or head in SEASONS:
        return _month_day(head.removesuffix("."), rest)
    day = _DAY.match(head)
    if day:  # "11 August 1918"
        month, _, year_text = rest.partition(" ")
        month = month.removesuffix(".")
        year = _year(year_text)
        if month in MONTHS and year is not None:
            return _day(year, MONTHS[month], int(day[1]))
    return None


def _month_day(month: str, rest: str) -> Span | None:
    """``rest`` after a month or a season: ``1927``, ``11 1918``, ``11th 1918``."""
    year = _year(rest)
    if month in SEASONS:
        if year is None:
            return None
        first, last = SEASONS[month]
        return (year, year + (first - 1) / 12), year + last / 12
    if year is not None:
        start = year + (MONTHS[month] - 1) / 12
        return (year, start), start + 1 / 12
    day_text, _, year_text = rest.partition(" ")
    day = _DAY.match(day_text)
    year = _year(year_text)
    if day is None or year is None:
        return None
    return _day(year, MONTHS[month], int(day[1]))


def _day(year: int, month: int, day: int | None) -> Span | None:
    if not 1 <= month <= 12:
        return None
    start = year + (month - 1) / 12
    if day is None:
        return (year, start), start + 1 / 12
    if not 1 <= day <= DAYS_IN_MONTH[month - 1] or (month == 2 and day == 29 and not _leap(year)):
        return None
    start += (day - 1) / 372
    return (year, start), start + 1 / 372


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _year(words: str) -> int | None:
    """A year on its own: ``1928``, ``AD 9``, ``44 BC``; BC years are negative. Bare years need 3 or 4 digits."""
    match = _ERA.match(words.strip())
    if match is None:
        return None
    era = match[1] or match[3]
    if era is None and len(match[2]) < 3:
        return None
    year = int(match[2])
    if year == 0:
        return None
    return -year if era in ("bc", "bce") else year
