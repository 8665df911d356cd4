"""Nothing lost: a failed build leaves dist/ byte for byte as it was, with no temporary files.

Every output is written beside its target and renamed into place only when
all outputs and all checks succeeded. ``--check`` writes nothing at all.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

import pytest

from factdeck.builders import BUILDERS, Builder
from factdeck.model import Deck

SLUG = "minimal"  # tests/roots/minimal/deck.yaml names the deck "Minimal"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built_once(case, run_cli) -> tuple[Path, dict[str, bytes]]:
    """``minimal`` built into dist/ once, plus an unrelated file there; returns the cards and dist/ as it is."""
    cards = case("minimal")
    assert run_cli(cards, "--out", "dist").code == 0
    Path("dist", "notes.txt").write_text("the user's own file\n")
    return cards, snapshot(Path("dist"))


class HalfWriter(Builder):
    """A builder that writes half a file, then fails the way a full disk does."""

    name = "zz-half"
    suffix = ".half"

    def write(self, deck: Deck, target: Path) -> str:
        target.write_bytes(b"half a file")
        raise OSError(errno.ENOSPC, "No space left on device", str(target))


class Complainer(Builder):
    """A builder that finds a problem in a card (as a layout might: text that cannot fit)."""

    name = "zz-complain"
    suffix = ".txt"

    def write(self, deck: Deck, target: Path) -> str:
        target.write_text("written before the problem was found")
        self.options.log.error(deck.cards[0].position, "this text cannot fit on a card", deck.cards[0].id)
        return "complained"


class Interrupted(Builder):
    name = "zz-interrupted"
    suffix = ".int"

    def write(self, deck: Deck, target: Path) -> str:
        target.write_bytes(b"partial")
        raise KeyboardInterrupt


@pytest.fixture
def extra_builder(monkeypatch):
    """Register one more builder for a test; later in sorted order, so the real ones write first."""

    def add(builder: type[Builder]) -> None:
        monkeypatch.setitem(BUILDERS, builder.name, builder)

    return add


def test_a_builder_failing_midway_changes_nothing(built_once, extra_builder, run_cli) -> None:
    cards, before = built_once
    (cards / "cards.yaml").write_text((cards / "cards.yaml").read_text().replace("A collective farm.",
                                                                                 "A kolkhoz farm."))
    extra_builder(HalfWriter)
    result = run_cli(cards, "--out", "dist")
    assert (result.code, result.err) == (2, "dist/minimal.half: cannot write output: no space left on the device\n"
                                            "factdeck: 1 error\n")
    assert snapshot(Path("dist")) == before  # the new .apkg, finished first, was not put in place either


def test_a_problem_found_while_building_changes_nothing(built_once, extra_builder, run_cli) -> None:
    cards, before = built_once
    extra_builder(Complainer)
    result = run_cli(cards, "--out", "dist")
    assert (result.code, result.err) == (1, "cards/cards.yaml:4:5: card 'kolkhoz': this text cannot fit on a card\n"
                                            "factdeck: 1 error\n")
    assert snapshot(Path("dist")) == before


def test_an_interrupted_build_leaves_no_temporary_file(built_once, extra_builder, run_cli) -> None:
    cards, before = built_once
    extra_builder(Interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_cli(cards, "--out", "dist")
    assert snapshot(Path("dist")) == before


def test_invalid_cards_change_nothing(built_once, run_cli) -> None:
    cards, before = built_once
    (cards / "cards.yaml").write_text("deck: Basics\ncards:\n  - id: Kolkhoz\n")
    assert run_cli(cards, "--out", "dist").code == 1
    assert snapshot(Path("dist")) == before


def test_a_folder_in_place_of_an_output_is_a_usage_error(built_once, run_cli) -> None:
    cards, _ = built_once
    Path("dist", f"{SLUG}.apkg").unlink()
    Path("dist", f"{SLUG}.apkg").mkdir()
    Path("dist", f"{SLUG}.apkg", "inside.txt").write_text("kept")
    before = snapshot(Path("dist"))
    result = run_cli(cards, "--out", "dist")
    assert (result.code, result.err) == (2, f"dist/{SLUG}.apkg: cannot write this output: a folder of that name "
                                            "is in the way; move it or delete it\nfactdeck: 1 error\n")
    assert snapshot(Path("dist")) == before


def test_an_output_folder_under_a_file_is_a_usage_error(case, run_cli) -> None:
    cards = case("minimal")
    Path("notes.txt").write_text("a file, not a folder")
    result = run_cli(cards, "--out", "notes.txt/dist")
    assert (result.code, result.err) == (2, "notes.txt/dist: cannot create the output folder: a part of the path "
                                            "is a file, not a folder\nfactdeck: 1 error\n")
    result = run_cli(cards, "--out", "notes.txt")
    assert (result.code, result.err) == (2, "notes.txt: cannot create the output folder: a file is in the way\n"
                                            "factdeck: 1 error\n")
    assert Path("notes.txt").read_text() == "a file, not a folder"


def test_a_successful_build_leaves_only_its_outputs(built_once, run_cli) -> None:
    cards, before = built_once
    assert run_cli(cards, "--out", "dist").code == 0
    assert snapshot(Path("dist")) == before  # same cards, same epoch: the same bytes, nothing else
    mode = Path("dist", f"{SLUG}.apkg").stat().st_mode
    assert stat.S_IMODE(mode) == 0o644  # an ordinary file, not the temporary's 0600


def test_check_writes_nothing(case, run_cli) -> None:
    cards = case("minimal")
    result = run_cli(cards, "--check", "--out", "dist")
    assert (result.code, result.out) == (0, "cards: 5 cards OK\n")
    assert sorted(p.name for p in Path().iterdir()) == ["cards"]


def test_a_rename_failing_half_way_puts_the_earlier_outputs_back(built_once, run_cli, monkeypatch) -> None:
    """The last step, renaming finished files into place, is all-or-nothing too."""
    import os

    import factdeck.output

    cards, before = built_once
    (cards / "cards.yaml").write_text((cards / "cards.yaml").read_text().replace("A collective farm.", "Changed."))
    real_replace = os.replace
    renamed: list[str] = []

    def replace_then_fail(source, target):
        if str(target).endswith(".pdf") and not str(source).endswith(".old"):
            raise OSError(errno.EIO, "Input/output error", str(target))
        renamed.append(str(target))
        return real_replace(source, target)

    monkeypatch.setattr(factdeck.output.os, "replace", replace_then_fail)
    result = run_cli(cards, "--out", "dist")
    assert result.code == 2 and "cannot write output" in result.err
    assert any(name.endswith(".apkg") for name in renamed)  # the .apkg was placed, then put back
    assert snapshot(Path("dist")) == before
