"""Subcommands beside the build: 'factdeck build' is the default spelt out, 'factdeck schema'."""

from __future__ import annotations

import pytest

from conftest import REPO, ROOTS


def test_build_is_the_default_command_spelt_out(run_cli, tmp_path):
    assert run_cli(ROOTS / "minimal", "--out", tmp_path / "a").code == 0
    assert run_cli("build", ROOTS / "minimal", "--out", tmp_path / "b").code == 0
    assert (tmp_path / "a" / "minimal.apkg").read_bytes() == (tmp_path / "b" / "minimal.apkg").read_bytes()


def test_schema_command_writes_the_committed_schemas(run_cli, tmp_path):
    result = run_cli("schema", tmp_path / "schema")
    assert result.code == 0, result.err
    written = sorted((tmp_path / "schema").iterdir())
    assert [p.name for p in written] == sorted(p.name for p in (REPO / "schema").iterdir())
    for path in written:
        assert path.read_text() == (REPO / "schema" / path.name).read_text()


def test_help_names_the_other_commands(run_cli, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli("--help")
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "factdeck new DIR" in out and "factdeck schema" in out and "--watch" in out


def test_new_needs_a_folder(run_cli, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli("new")
    assert exit_.value.code == 2
    assert "DIR" in capsys.readouterr().err
