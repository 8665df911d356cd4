"""A deck read on two cores (factdeck/forked_reading.py) is the deck, and the problems, of one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOTS
from factdeck import forked_reading
from factdeck.errors import FactdeckError
from factdeck.pipeline import read_deck

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fork for any deck of two files or more; the list gets the number of files each process read."""
    started: list[int] = []
    start = forked_reading._start

    def counted(paths: list[Path], read_file: forked_reading.ReadFile, log):
        started.append(len(paths))
        return start(paths, read_file, log)

    monkeypatch.setattr(forked_reading, "MIN_FORKED_BYTES", 0)
    monkeypatch.setattr(forked_reading, "may_fork", lambda: True)  # however busy the machine running the tests
    monkeypatch.setattr(forked_reading, "_start", counted)
    return started


def read_both_ways(cards: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]) -> tuple[object, object]:
    """What reading the deck gives (the deck and its problems, or the error's problems), forked and not."""
    def outcome() -> object:
        try:
            deck, log = read_deck(cards)
        except FactdeckError as error:
            return [problem.format() for problem in error.problems]
        return deck, [problem.format() for problem in log.problems]

    forked = outcome()
    assert forks, "the deck was not read in two processes"
    monkeypatch.setattr(forked_reading, "MIN_FORKED_BYTES", 2**62)
    return forked, outcome()


def test_the_bundled_deck_reads_the_same_on_two_cores(monkeypatch, forks) -> None:
    forked, single = read_both_ways(REPO / "cards", monkeypatch, forks)
    assert forked == single
    deck, _ = forked  # type: ignore[misc]
    assert len(deck.cards) > 100  # type: ignore[attr-defined]


def test_errors_in_the_forked_files_are_the_messages_of_one_process(tmp_path, monkeypatch, forks) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(REPO / "cards", cards)
    last = sorted(cards.glob("q*.yaml"))[-1]  # quotes.yaml: among the files the process reads
    text = last.read_text(encoding="utf-8")
    last.write_text(text.replace("kind: quote", "kind: quotation", 1) + "  - id: x\n    kind: nonsense\n",
                    encoding="utf-8")
    forked, single = read_both_ways(cards, monkeypatch, forks)
    assert forked == single
    assert any("unknown kind 'quotation'" in line for line in forked)  # type: ignore[union-attr]


def test_a_root_of_many_problems_reads_the_same(tmp_path, monkeypatch, forks) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(ROOTS / "minimal", cards)
    for name in ("many-problems", "warnings", "card-unknown-field"):
        for path in (ROOTS / name).glob("*.yaml"):
            if path.name not in ("deck.yaml", "sources.yaml"):
                shutil.copy(path, cards / f"{name}-{path.name}")
    forked, single = read_both_ways(cards, monkeypatch, forks)
    assert forked == single


def test_an_apkg_made_on_two_cores_is_the_one_made_on_one(tmp_path, monkeypatch) -> None:
    from factdeck import forked
    from factdeck.builders import anki
    from factdeck.pipeline import BuildRequest, build

    made: list[int] = []
    start = forked.ForkedWork.start

    def counted(work):
        made.append(1)
        return start(work)

    cards = tmp_path / "cards"
    shutil.copytree(REPO / "cards", cards)  # the build may update the lock beside the cards

    def package(fork: bool) -> bytes:
        monkeypatch.setattr(forked, "may_fork", lambda: fork)
        out = tmp_path / f"out-{fork}"
        result = build(BuildRequest(cards, out=out, formats=("apkg",), epoch=1700000000, cache=False))
        assert result.exit_code == 0
        return (out / "stalins-ussr.apkg").read_bytes()

    monkeypatch.setattr(anki, "MIN_FORKED_NOTES", 0)
    monkeypatch.setattr(forked.ForkedWork, "start", counted)
    two = package(True)
    assert made
    assert two == package(False)
