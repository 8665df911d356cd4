"""A user who studies a deck for a year keeps their work across releases.

Each scenario is a deck repository in git, released twice: built at one commit
and imported, edited in Anki, changed in a later commit, built and imported
again, with the build's epoch taken from the commit as in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from factdeck.builders.anki_lock import LOCK_NAME, Lock, format_lock
from factdeck.cli import main
from factdeck.model import CARD_KINDS

from conftest import REPO, ROOTS

FIRST_COMMIT = "2025-01-01T12:00:00+00:00"
# The user edits notes in Anki now, after the first release and before the second.
SECOND_COMMIT = f"{int(time.time()) + 86400} +0000"


def git(repo: Path, *args: str, when: str = FIRST_COMMIT) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "a",
           "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def release(repo: Path, out: Path, capsys) -> tuple[Path, str]:
    """Build as CI does: SOURCE_DATE_EPOCH from the last commit; the package and what was printed."""
    epoch = git(repo, "log", "-1", "--format=%ct").strip()
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        capsys.readouterr()
        assert main([str(repo / "cards"), "--out", str(out), "--only", "apkg"]) == 0
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH") if old is None else os.environ.update(SOURCE_DATE_EPOCH=old)
    return out / "minimal.apkg", capsys.readouterr().out


def import_package(col: Collection, package: Path):
    request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


@pytest.fixture
def repo(tmp_path):
    """A deck repository whose first release is built and committed with its lock."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOTS / "minimal", repo / "cards")
    (repo / "cards" / LOCK_NAME).write_text(format_lock(Lock()))  # as 'factdeck new' starts a deck
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first cards")
    return repo


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_release_updates_only_the_changed_note_and_the_users_edit_survives(repo, tmp_path, capsys):
    package, printed = release(repo, tmp_path / "v1", capsys)
    assert f"updated {(repo / 'cards' / LOCK_NAME)}: commit it" in printed
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "lock")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        assert len(import_package(col, package).new) == 5
        (kolkhoz,) = col.find_notes('"Card ID:kolkhoz"')
        note = col.get_note(kolkhoz)
        note[note.keys()[1]] += " Mnemonic: kol-khoz = collective economy."  # the user's own addition
        col.update_note(note)

        edit(repo / "cards" / "cards.yaml", "answer: Industrialization", "answer: Rapid industrialization")
        git(repo, "commit", "-qam", "a clearer answer", when=SECOND_COMMIT)
        package, printed = release(repo, tmp_path / "v2", capsys)
        assert "; 1 new or changed since the lock" in printed

        log = import_package(col, package)
        assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 1, 0)
        assert "Rapid industrialization" in log.updated[0].fields
        assert col.get_note(kolkhoz).fields[1].endswith("Mnemonic: kol-khoz = collective economy.")
        assert col.find_notes('"Rapid industrialization"')
    finally:
        col.close()


def test_the_printed_search_selects_exactly_the_removed_cards_notes(repo, tmp_path, capsys):
    package, _ = release(repo, tmp_path / "v1", capsys)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "lock")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_package(col, package)
        import_package(col, other_deck_with_the_same_ids(tmp_path))
        cards = repo / "cards" / "cards.yaml"
        text = cards.read_text()
        start = text.index("  - id: collectivized-by-1940")
        cards.write_text(text[:start] + text[text.index("  - id: why-collectivize"):])  # one card removed
        git(repo, "commit", "-qam", "drop a card", when=SECOND_COMMIT)
        package, printed = release(repo, tmp_path / "v2", capsys)
        (line,) = [line for line in printed.splitlines() if "removed from the deck" in line]
        search = line.split("search: ", 1)[1]
        assert search in (tmp_path / "v2" / "minimal-removed.txt").read_text()

        log = import_package(col, package)
        assert len(log.new) == len(log.updated) == 0 and col.note_count() == 10  # Anki keeps it...
        (removed,) = col.find_notes(search)
        assert col.get_note(removed)["Measure"].startswith("Share of peasant households")
        assert "Minimal" in col.get_note(removed).note_type()["name"]  # not the other deck's note
        col.remove_notes([removed])  # ...until the user deletes what the search selects
        assert col.note_count() == 9
    finally:
        col.close()


def other_deck_with_the_same_ids(tmp_path: Path) -> Path:
    """Another factdeck deck, its name full of search syntax, whose cards have the same ids."""
    cards = tmp_path / "other" / "cards"
    shutil.copytree(ROOTS / "minimal", cards)
    settings = cards / "deck.yaml"
    text = settings.read_text().replace("name: Minimal", 'name: \'The "other" deck *_(2)\'')
    text = text.replace("minimal-test", "other-test").replace("11111", "22222").replace("12000", "13000")
    settings.write_text(text)
    assert main([str(cards), "--out", str(tmp_path / "other" / "dist"), "--only", "apkg", "-q"]) == 0
    (package,) = (tmp_path / "other" / "dist").glob("*.apkg")
    return package


def test_a_fresh_shallow_clone_builds_the_same_bytes(repo, tmp_path, capsys):
    package, _ = release(repo, tmp_path / "here", capsys)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "lock", when=SECOND_COMMIT)
    here, _ = release(repo, tmp_path / "here", capsys)  # the committed lock: nothing to update
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    there, printed = release(clone, tmp_path / "there", capsys)
    assert there.read_bytes() == here.read_bytes()
    assert LOCK_NAME not in printed  # the clone's lock was current: the checkout stays clean
    assert git(clone, "status", "--porcelain") == ""


def test_the_bundled_decks_lock_is_current(tmp_path, run_cli):
    """A change to the bundled notes (cards, sources, escaping, note types) comes with its lock."""
    cards = tmp_path / "cards"
    shutil.copytree(REPO / "cards", cards)
    result = run_cli(cards, "--out", tmp_path / "dist", "--only", "apkg")
    assert result.code == 0, result.err
    assert (cards / LOCK_NAME).read_text() == (REPO / "cards" / LOCK_NAME).read_text(), (
        "cards/factdeck.lock is stale: run 'python build.py --only apkg' and commit cards/factdeck.lock")


def test_factdeck_new_starts_a_deck_with_a_lock_that_its_first_build_fills(run_cli, tmp_path):
    assert run_cli("new", tmp_path / "deck").code == 0
    lock = tmp_path / "deck" / "cards" / LOCK_NAME
    assert lock.read_text() == format_lock(Lock())
    built = run_cli(tmp_path / "deck" / "cards", "--out", tmp_path / "dist", "--only", "apkg")
    assert built.code == 0  # the lock's line on a line of its own, shown as the user named the folder
    assert any(line.startswith(f"updated {lock}: ") for line in built.out.splitlines()), built.out
    assert lock.read_text().count("\nnote ") == len(CARD_KINDS)  # one example card of each kind


def test_a_damaged_lock_is_an_error_at_its_line_and_nothing_is_written(case, run_cli):
    cards = case("minimal")
    (cards / LOCK_NAME).write_text(format_lock(Lock()) + "note kolkhoz 0123456789abcdef 1700000000\n"
                                   "<<<<<<< HEAD\n")
    result = run_cli(cards, "--only", "apkg")
    assert result.code == 1
    assert result.err.startswith(f"cards/{LOCK_NAME}:5: damaged lock line '<<<<<<< HEAD': expected 'note ID "
                                 "DIGEST TIME'"), result.err
    assert not Path("dist/minimal.apkg").exists()
