"""Where the build timestamp comes from: the variable, git, or the clock."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from factdeck.epoch import build_epoch
from factdeck.errors import UsageError


def git(folder, *args: str, when: int = 1650000000) -> str:
    env = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": os.environ["PATH"]}
    return subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True, text=True).stdout


def test_source_date_epoch_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert build_epoch(tmp_path) == 1234567890


def test_a_malformed_source_date_epoch_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be a whole number"):
        build_epoch(tmp_path)


@pytest.mark.parametrize("value", ["-5", "99999999999", "100"])
def test_a_source_date_epoch_a_zip_cannot_hold_is_a_usage_error(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match="from 315532800 \\(1980\\) to 4354819199"):
        build_epoch(tmp_path)


def test_committed_cards_use_the_last_commit_time(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    git(tmp_path, "init", "-q")
    (tmp_path / "cards.yaml").write_text("cards: []\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "cards")
    assert build_epoch(tmp_path) == 1650000000
    (tmp_path / "cards.yaml").write_text("cards: [changed]\n")
    before = int(time.time())
    assert build_epoch(tmp_path) >= before  # uncommitted edits must still update in Anki


def test_a_later_template_commit_gives_a_later_epoch(tmp_path, monkeypatch):
    """A restyle must reach Anki too: the epoch follows the checkout, not just the cards."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    cards, templates = tmp_path / "cards", tmp_path / "templates"
    cards.mkdir(), templates.mkdir()
    git(tmp_path, "init", "-q")
    (cards / "cards.yaml").write_text("cards: []\n")
    (templates / "style.css").write_text(".card {}\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "cards")
    assert build_epoch(cards, templates) == 1650000000
    (templates / "style.css").write_text(".card { color: red }\n")
    before = int(time.time())
    assert build_epoch(cards, templates) >= before  # an uncommitted restyle is "now"
    git(tmp_path, "commit", "-qam", "restyle", when=1660000000)
    assert build_epoch(cards, templates) == 1660000000


def test_outside_git_the_clock_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    before = int(time.time())
    assert before <= build_epoch(tmp_path) <= int(time.time())
