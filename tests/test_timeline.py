"""The timeline PDF as a reader meets it: read back with pdfplumber."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdf

from card_folders import write_cards
from factdeck.builders.printing.layout import PAPERS
from factdeck.model import DateCard
from factdeck.pipeline import read_deck
from factdeck.typography import typographic

REPO = Path(__file__).parent.parent
MM = 72 / 25.4
# The bundled deck's date cards, earliest first, as the timeline must show them.
BUNDLED_IN_ORDER = ["August 11, 1918", "November 1927", "1928", "1929", "February 1931", "1932-33",
                    "March 25, 1932", "April 9, 1932", "After 1932", "1934", "By 1953", "1960", "1963"]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def date_card(number: int, date: str, event: str | None = None) -> dict[str, str]:
    return {"id": f"event-{number}", "kind": "date", "date": date,
            "event": event or f"Event number {number} happened", "source": "book"}


def test_the_default_build_writes_the_bundled_deck_s_dates_in_order(run_cli, tmp_path):
    result = run_cli(REPO / "cards", "--out", tmp_path, "-q")
    assert result.code == 0, result.err
    assert "timeline" not in result.err  # every bundled date is placed
    text = squash(text_of(tmp_path / "stalins-ussr-timeline.pdf"))
    deck, _ = read_deck(REPO / "cards")
    events = {card.date: card.event for card in deck.cards if isinstance(card, DateCard)}
    assert sorted(events) == sorted(BUNDLED_IN_ORDER)  # one card a date
    # Each date is printed with its event beside it, in time order (typeset: 1932–33).
    places = [text.find(squash(typographic(date) + typographic(events[date]))[:40]) for date in BUNDLED_IN_ORDER]
    assert -1 not in places, [d for d, p in zip(BUNDLED_IN_ORDER, places) if p < 0]
    assert places == sorted(places)


def test_only_timeline_builds_the_timeline_alone_and_follows_the_paper(run_cli, tmp_path):
    cards = write_cards(tmp_path / "cards", [date_card(1, "1928")])
    for paper in ("a4", "letter"):
        out = tmp_path / paper
        result = run_cli(cards, "--out", out, "--only", "timeline", "--paper", paper, "-q")
        assert result.code == 0, result.err
        assert [p.name for p in out.iterdir()] == ["minimal-timeline.pdf"]
        with pdfplumber.open(out / "minimal-timeline.pdf") as pdf:
            width, height = PAPERS[paper]
            assert abs(pdf.pages[0].width - width * MM) < 0.5 and abs(pdf.pages[0].height - height * MM) < 0.5


def test_dates_it_cannot_place_are_listed_apart_and_noted_never_warned(run_cli, tmp_path, monkeypatch):
    cards = write_cards(tmp_path / "cards", [date_card(1, "1930"), date_card(2, "the reign of Ivan IV"),
                                             date_card(3, "1920", "An earlier event")])
    monkeypatch.chdir(tmp_path)
    result = run_cli("cards", "--out", "dist", "--only", "timeline", "--strict")
    assert result.code == 0, result.err
    notes = [line for line in result.err.splitlines() if "timeline" in line]
    assert len(notes) == 1
    assert re.match(r"cards/cards\.yaml:\d+:\d+: note: card 'event-2': the timeline cannot place the date "
                    r"'the reign of Ivan IV'", notes[0])
    assert "warning" not in result.err
    text = squash(text_of(tmp_path / "dist" / "minimal-timeline.pdf"))
    assert text.index("Anearlierevent") < text.index("Eventnumber1") < text.index("Notplacedintime")
    assert text.index("Notplacedintime") < text.index(squash("the reign of Ivan IV"))


def test_many_dates_run_over_pages_in_order_in_the_deck_fonts_and_clear_of_the_edges(run_cli, tmp_path):
    years = [1900 + (number * 37) % 120 for number in range(150)]
    cards = write_cards(tmp_path / "cards", [date_card(n, f"March {year}") for n, year in enumerate(years)])
    assert run_cli(cards, "--out", tmp_path / "dist", "--only", "timeline", "-q").code == 0
    path = tmp_path / "dist" / "minimal-timeline.pdf"
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > 2
        shown = [int(year) for year in re.findall(r"March (\d{4})", "\n".join(p.extract_text() for p in pdf.pages))]
        for page in pdf.pages:
            for obj in page.chars + page.lines + page.rects + page.curves:
                assert obj["x0"] >= 5 * MM and obj["x1"] <= page.width - 5 * MM
                assert obj["top"] >= 5 * MM and obj["bottom"] <= page.height - 5 * MM
            assert all("Libertinus" in char["fontname"] for char in page.chars)
    assert shown == sorted(years)


def test_card_text_is_printed_literally(run_cli, tmp_path):
    hostile = 'A "quoted" #set page(width: 1cm) ] $x$ \\ <b> @ref // not a comment'
    cards = write_cards(tmp_path / "cards", [date_card(1, "1928", hostile)])
    assert run_cli(cards, "--out", tmp_path / "dist", "--only", "timeline", "-q").code == 0
    assert squash(typographic(hostile)) in squash(text_of(tmp_path / "dist" / "minimal-timeline.pdf"))  # quotes curled


def test_same_cards_and_epoch_give_the_same_bytes(run_cli, tmp_path):
    cards = write_cards(tmp_path / "cards", [date_card(1, "1928"), date_card(2, "1932-33")])
    built = []
    for out in ("one", "two"):
        assert run_cli(cards, "--out", tmp_path / out, "--only", "timeline", "-q").code == 0
        built.append((tmp_path / out / "minimal-timeline.pdf").read_bytes())
    assert built[0] == built[1]
    assert pypdf.PdfReader(tmp_path / "one" / "minimal-timeline.pdf").metadata["/CreationDate"] == "D:20231114221320Z"


def test_a_deck_without_date_cards_gets_a_timeline_that_says_so(run_cli, tmp_path):
    cards = write_cards(tmp_path / "cards", [{"id": "t", "kind": "term", "term": "Kolkhoz",
                                              "definition": "A collective farm.", "source": "book"}])
    assert run_cli(cards, "--out", tmp_path / "dist", "--only", "timeline", "-q").code == 0
    assert "This deck has no date cards." in text_of(tmp_path / "dist" / "minimal-timeline.pdf")
