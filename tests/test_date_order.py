"""Date texts as cards write them, put in time order (Anki's browser sorts date notes by this key)."""

from __future__ import annotations

import pytest

from factdeck.date_order import DatePoint, parse_date, sort_key


@pytest.mark.parametrize("text, point", [
    ("1928", DatePoint(1928)),
    ("November 1927", DatePoint(1927, 11)),
    ("March 25, 1932", DatePoint(1932, 3, 25)),
    ("7 Nov. 1929", DatePoint(1929, 11, 7)),
    ("1932-33", DatePoint(1932)),
    ("1930s", DatePoint(1930)),
    ("By 1953", DatePoint(1953, nudge=-1)),
    ("After 1932", DatePoint(1932, nudge=1)),
    ("44 BC", DatePoint(-44)),
    ("the spring of the famine", None),
])
def test_a_date_text_reads_as_when_it_starts(text, point):
    assert parse_date(text) == point


def test_keys_sort_as_the_dates_do_and_are_never_bare_numbers():
    in_order = ["500 BC", "44 BC", "August 11, 1918", "November 1927", "1928", "1929", "By 1932", "1932-33",
                "March 25, 1932", "April 9, 1932", "After 1932", "1934", "By 1953", "1953", "1960", "1963",
                "no year at all"]
    keys = [sort_key(text) for text in in_order]
    assert sorted(keys) == keys
    assert not any(key.isdigit() for key in keys)  # Anki sorts a number field before any text
    assert sort_key("March 25, 1932") == "1932-03-25" and sort_key("By 1953") == "1952-99-99"
    assert not any(c in key for key in keys for c in "<>&")  # stored in an HTML field as written
