"""Shared helpers: tiny card folders under tests/roots/ and a way to run the CLI."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from anki.collection import Collection

from factdeck.cli import main

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``factdeck ARGS`` in-process with a fixed epoch; returns exit code and output."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")

    def run(*args: str | Path) -> CliResult:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def root(tmp_path):
    """Copy ``tests/roots/<name>`` into a temporary folder and return its path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(ROOTS / name, target)
        return target

    return copy


@pytest.fixture
def collection(tmp_path):
    """An empty Anki collection, closed after the test."""
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()
