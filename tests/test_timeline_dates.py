"""Dates as people write them, placed in time for the timeline (factdeck.dates)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factdeck.dates import place, year_label
from factdeck.model import DateCard
from factdeck.pipeline import read_deck

REPO = Path(__file__).parent.parent


def test_every_date_of_the_bundled_deck_is_placed_in_its_year():
    deck, _ = read_deck(REPO / "cards")
    dates = [card.date for card in deck.cards if isinstance(card, DateCard)]
    assert len(dates) >= 10
    for date in dates:
        when = place(date)
        assert when is not None, date
        assert str(when.year) in date  # listed under the year it names


@pytest.mark.parametrize("text, year", [
    ("1928", 1928), ("November 1927", 1927), ("Nov. 1927", 1927), ("1929 (Fiveable)", 1929),
    ("August 11, 1918", 1918), ("11 August 1918", 1918), ("August 11th, 1918", 1918), ("1918-08-11", 1918),
    ("1932-33", 1932), ("1932–33", 1932), ("1929-1934 (Keefe)", 1929), ("1929 to 1934", 1929),
    ("between 1929 and 1934", 1929), ("March-April 1932", 1932), ("By 1953", 1953), ("After 1932", 1932),
    ("Before 1930", 1930), ("c. 1930", 1930), ("circa 1930", 1930), ("late 1920s", 1927), ("the 1920s", 1920),
    ("mid-1930s", 1933), ("early 1932", 1932), ("spring 1930", 1930), ("44 BC", -44), ("44 B.C.", -44),
    ("AD 9", 9), ("19th century", 1801), ("early 19th century", 1801), ("1914-18", 1914),
])
def test_common_forms_are_placed_under_their_year(text, year):
    when = place(text)
    assert when is not None and when.year == year


@pytest.mark.parametrize("text", [
    "", "unknown", "spring", "33", "Stalin's death", "February 30, 1931", "February 29, 1931",
    "1934-1929", "13/14/1932", "Smarch 1932", "1932-13", "the reign of Ivan IV",
])
def test_what_is_not_a_date_is_not_placed(text):
    assert place(text) is None


def test_dates_sort_in_time_whatever_their_form():
    in_order = ["44 BC", "AD 9", "19th century", "August 11, 1918", "late 1920s", "November 1927",
                "Before 1930", "1930", "spring 1930", "By 1930", "1932-33", "March 25, 1932", "April 9, 1932",
                "After 1932", "1933"]
    placed = [place(text) for text in in_order]
    assert None not in placed
    assert sorted(in_order, key=lambda text: place(text)) == in_order


def test_a_leap_day_is_a_date_only_in_a_leap_year():
    assert place("February 29, 1932") is not None
    assert place("February 29, 1900") is None


def test_years_are_labelled_as_written_bc_ones_too():
    assert [year_label(year) for year in (1932, 9, -44)] == ["1932", "9", "44 BC"]
