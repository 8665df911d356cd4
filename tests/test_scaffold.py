"""``factdeck new``: a deck repository that builds, with its own ids, never over existing files."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile

import yaml

from factdeck import __version__
from factdeck.model import CARD_KINDS
from factdeck.pipeline import read_deck
from factdeck.scaffold import ID_SPACING, WORKFLOW, workflow

from conftest import REPO
from test_epoch import git  # commits dated 1650000000


def test_a_new_deck_has_one_card_of_each_kind_and_builds_strictly(run_cli, tmp_path):
    result = run_cli("new", tmp_path / "spanish-verbs")
    assert result.code == 0, result.err
    cards = tmp_path / "spanish-verbs" / "cards"
    deck, log = read_deck(cards, strict=True)
    assert deck.settings.name == "Spanish Verbs"
    assert sorted(card.kind for card in deck.cards) == sorted(CARD_KINDS)
    assert log.problems == []
    built = run_cli("build", cards, "--out", tmp_path / "dist", "--strict")
    assert built.code == 0, built.err
    assert (tmp_path / "dist" / "spanish-verbs.apkg").is_file()
    for name in ("README.md", ".gitignore", WORKFLOW, "schema/cards.schema.json"):
        assert (tmp_path / "spanish-verbs" / name).is_file()


def test_every_new_deck_gets_its_own_ids(run_cli, tmp_path):
    settings = []
    for folder in ("one", "two"):
        assert run_cli("new", tmp_path / folder, "--name", "Same Name").code == 0
        settings.append(read_deck(tmp_path / folder / "cards")[0].settings)
    first, second = settings
    assert first.name == second.name == "Same Name"
    assert first.deck_id != second.deck_id
    assert first.guid_namespace != second.guid_namespace
    assert set(first.note_type_ids.values()).isdisjoint(second.note_type_ids.values())
    ids = sorted([first.deck_id, *first.note_type_ids.values()])
    assert all(b - a >= ID_SPACING for a, b in zip(ids, ids[1:]))  # room for note type versions


def test_new_never_overwrites_and_writes_nothing_when_it_would(run_cli, tmp_path):
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "README.md").write_text("my own readme\n")
    result = run_cli("new", folder)
    assert result.code == 2
    assert "README.md: already exists" in result.err
    assert (folder / "README.md").read_text() == "my own readme\n"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md"]


def test_a_name_with_yaml_syntax_is_quoted(run_cli, tmp_path):
    assert run_cli("new", tmp_path / "d", "--name", 'Verbs: "irregular" #1').code == 0
    assert read_deck(tmp_path / "d" / "cards")[0].settings.name == 'Verbs: "irregular" #1'


def test_the_projects_own_workflow_is_the_scaffolded_one():
    committed = (REPO / WORKFLOW).read_text(encoding="utf-8")
    assert committed == workflow("pip install ."), (
        "regenerate it: python -c \"from factdeck.scaffold import workflow; "
        "open('.github/workflows/decks.yml', 'w').write(workflow('pip install .'))\"")


def test_the_workflow_checks_builds_uploads_and_releases_on_tags(run_cli, tmp_path):
    assert run_cli("new", tmp_path / "d").code == 0
    flow = yaml.safe_load((tmp_path / "d" / WORKFLOW).read_text())
    triggers = flow[True]  # PyYAML reads the key 'on' as true
    assert triggers["push"]["tags"] == ["v*"] and "pull_request" in triggers
    steps = flow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert f"pip install factdeck=={__version__}" in runs
    assert any("factdeck --check" in run for run in runs)
    uses = [step.get("uses", "") for step in steps]
    assert "actions/checkout@v4" in uses and "actions/upload-artifact@v4" in uses
    assert steps[uses.index("actions/upload-artifact@v4")]["with"]["path"] == "dist/"
    release = flow["jobs"]["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/')" and release["needs"] == "build"
    assert release["permissions"] == {"contents": "write"}
    assert "dist/*.apkg dist/*.pdf" in release["steps"][-1]["run"]


def test_the_workflows_build_step_repeats_and_is_stamped_with_the_commit(run_cli, tmp_path):
    """Run the workflow's own shell steps in a fresh commit of a new deck, twice."""
    repo = tmp_path / "deck"
    assert run_cli("new", repo).code == 0
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")  # dated 2022-04-15 05:20:00 UTC
    shim = tmp_path / "bin" / "factdeck"  # the installed command, as CI's pip install gives it
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m factdeck \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(PATH=f"{shim.parent}{os.pathsep}{env['PATH']}", PYTHONPATH=str(REPO))
    steps = yaml.safe_load((repo / WORKFLOW).read_text())["jobs"]["build"]["steps"]
    commands = [step["run"] for step in steps if "factdeck --check" in step.get("run", "")
                or "factdeck build" in step.get("run", "")]
    assert len(commands) == 2
    packages = []
    for attempt in ("first", "second"):
        for command in commands:
            done = subprocess.run(["bash", "-e", "-c", command], cwd=repo, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        package = repo / "dist" / "deck.apkg"
        packages.append(package.read_bytes())
        with zipfile.ZipFile(package) as archive:
            assert archive.infolist()[0].date_time == (2022, 4, 15, 5, 20, 0)
        package.unlink()
    assert packages[0] == packages[1]
