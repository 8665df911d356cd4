"""Shared helpers: tiny card folders under tests/roots/ and a way to run the CLI."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from anki.collection import Collection

from factdeck.cli import main

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
# The bundled deck's saved pages lie beside the project (../shared/seeds), outside its repository,
# where a build reads them only when told to.
os.environ.setdefault("FACTDECK_TRUSTED_TEXTS", str(REPO.resolve().parent / "shared"))


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


# Files in a case folder that describe the case rather than belong to the cards.
CASE_NOTES = {"README", "expected.txt", "args.txt"}


@pytest.fixture
def case(tmp_path, monkeypatch):
    """Lay ``tests/roots/<name>`` over a copy of ``minimal`` as ``./cards`` and work beside it.

    A case folder holds only the files that differ from ``minimal``, so each
    scenario is one small file; running from the folder's parent makes
    messages read ``cards/cards.yaml:LINE:COL: ...`` as a user would see them.
    """

    def lay_out(name: str) -> Path:
        cards = tmp_path / "cards"
        shutil.copytree(ROOTS / "minimal", cards)
        for path in sorted((ROOTS / name).iterdir()):
            if path.name not in CASE_NOTES:
                shutil.copy(path, cards / path.name)
        monkeypatch.chdir(tmp_path)
        return Path("cards")

    return lay_out


@pytest.fixture
def collection(tmp_path):
    """An empty Anki collection, closed after the test."""
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture(autouse=True)
def own_build_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's builds share a cache of their own: one test's kept chunks never answer another's.

    A build that names no ``--cache`` keeps it in ``tmp_path/build-cache`` rather than beside the
    cards folder (for the bundled deck: the repository).
    """
    from factdeck import cache, pipeline

    folder = tmp_path / "build-cache"
    monkeypatch.setattr(pipeline, "cache_for", lambda cards, chosen, enabled=True, writable=True:
                        cache.cache_for(cards, chosen or folder, enabled, writable))
    return folder
