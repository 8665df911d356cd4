"""Command-line mistakes: a clean message and exit 2, never a silent fallback or a hang."""

from __future__ import annotations


def test_a_templates_folder_that_does_not_exist_is_a_usage_error(root, run_cli, tmp_path):
    result = run_cli(root("minimal"), "--out", tmp_path / "out", "--templates", tmp_path / "nosuch")
    assert result.code == 2
    assert result.err.splitlines()[0].endswith("nosuch: --templates: not a folder")
    assert not (tmp_path / "out").exists()


def test_watching_a_missing_cards_folder_exits_instead_of_waiting(run_cli, tmp_path):
    result = run_cli(tmp_path / "nosuch", "--watch")
    assert result.code == 2
    assert "cards folder not found: nothing to watch" in result.err
