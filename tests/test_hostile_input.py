"""Input no card file should contain: refused quickly, in bounded memory, with a clean message.

The exact messages for ordinary mistakes live in tests/roots/; here are the
inputs that are too big, too deep or not there at all, which are made on the
fly rather than stored.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

from conftest import ROOTS
from factdeck.errors import ProblemLog
from factdeck.load import MAX_FILE_BYTES, load_yaml_file
from factdeck.yaml_tree import MAX_DEPTH, MAX_VALUES

ALIAS_ERROR = "YAML alias '*a{}' is not allowed"


def load_measured(path: Path) -> tuple[ProblemLog, int]:
    """Load one file; returns its problems and the peak memory Python allocated meanwhile."""
    log = ProblemLog()
    tracemalloc.start()
    try:
        loaded = load_yaml_file(path, log)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert loaded.root is None or log.errors
    return log, peak


def billion_laughs(levels: int) -> str:
    """Each level holds ten aliases of the one before: 10**levels strings if expanded."""
    lines = ['lol0: &a0 ["lol"]']
    lines += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_from_the_roots_is_refused_in_bounded_memory() -> None:
    log, peak = load_measured(ROOTS / "yaml-alias-bomb" / "cards.yaml")
    assert peak < 50 * 2**20
    assert any(ALIAS_ERROR.format(0) in p.message for p in log.errors)


def test_a_bomb_of_10_to_the_100_strings_costs_what_its_bytes_cost(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(100), encoding="utf-8")
    log, peak = load_measured(path)
    assert peak < 50 * 2**20
    assert len([p for p in log.errors if "alias" in p.message]) == 99  # each name once, not 990 times


def test_oversized_file_is_refused_before_it_is_read(case, run_cli) -> None:
    cards = case("minimal")
    with open(cards / "huge.yaml", "wb") as huge:
        huge.truncate(MAX_FILE_BYTES + 1)  # sparse: the test writes nothing big
    result = run_cli(cards, "--check")
    assert result.code == 1
    assert result.err == (f"cards/huge.yaml: file is too large: {MAX_FILE_BYTES + 1:,} bytes, over the "
                          f"{MAX_FILE_BYTES:,}-byte limit for one card file; split it into several files\n"
                          "factdeck: 1 error\n")


def test_a_dense_file_of_too_many_values_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dense.yaml"
    path.write_text("[" + ",".join(["a"] * MAX_VALUES) + "]\n", encoding="utf-8")
    log, peak = load_measured(path)
    assert peak < 50 * 2**20
    # The list is the first value, so its last 'a' (column 2 * MAX_VALUES) is the one too many.
    assert [p.format() for p in log.problems] == [
        f"{path}:1:{2 * MAX_VALUES}: more than {MAX_VALUES:,} values in one file: split it into several card files"]


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    block, flow = tmp_path / "block.yaml", tmp_path / "flow.yaml"
    block.write_text("- " * (MAX_DEPTH + 5) + "x\n", encoding="utf-8")
    flow.write_text("[" * 100_000, encoding="utf-8")
    log = ProblemLog()
    load_yaml_file(block, log)
    load_yaml_file(flow, log)
    block_problem, flow_problem = [p.format() for p in log.problems]
    assert block_problem == f"{block}:1:{2 * MAX_DEPTH + 1}: nested more than {MAX_DEPTH} levels deep: a card file needs five"
    # Which check stops an unclosed flow first depends on the libyaml build: older ones
    # refuse it themselves at depth 1000, newer ones leave it to our own limit.
    assert flow_problem in (
        f"{flow}:1:{MAX_DEPTH + 1}: nested more than {MAX_DEPTH} levels deep: a card file needs five",
        f"{flow}:1:1001: nested too deeply: a card file needs five levels (is a bracket never closed?)")


def test_missing_cards_folder_is_a_usage_error(tmp_path: Path, monkeypatch, run_cli) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("nowhere")
    assert (result.code, result.err) == (2, "nowhere: cards folder not found (expected a folder with deck.yaml, "
                                            "sources.yaml and card files)\nfactdeck: 1 error\n")
    Path("a-file").write_text("")
    assert run_cli("a-file", "--check").err.startswith("a-file: cards folder is a file, not a folder")
    assert not Path("dist").exists()


def test_missing_settings_file_is_named(case, run_cli) -> None:
    cards = case("minimal")
    (cards / "deck.yaml").unlink()
    result = run_cli(cards, "--check")
    assert (result.code, result.err) == (1, "cards/deck.yaml: file is missing: every cards folder has deck.yaml "
                                            "and sources.yaml\nfactdeck: 1 error\n")


def test_yaml_names_that_are_not_files_are_reported_and_editor_files_ignored(case, run_cli) -> None:
    cards = case("minimal")
    (cards / "old.yaml").mkdir()
    os.symlink("gone.yaml", cards / "moved.yaml")
    os.symlink("user@host.1234", cards / ".#cards.yaml")  # an Emacs lock link while a file is edited
    result = run_cli(cards, "--check")
    assert result.err == (
        "cards/moved.yaml: not a card file (a folder or a broken link): remove it or rename it without .yaml\n"
        "cards/old.yaml: not a card file (a folder or a broken link): remove it or rename it without .yaml\n"
        "factdeck: 2 errors\n")
