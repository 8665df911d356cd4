"""``--watch``: which changes rebuild, and that a change does rebuild, without timed waits."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from watchfiles import Change

from factdeck import watch as watching
from factdeck.watch import DeckFilter, changes, rebuild_on


def on_timeouts(batches, act, limit: int = 300):
    """Pass watch batches through; call ``act(n)`` on the n-th timeout (the watcher is running by then)."""
    timeouts = 0
    for batch in batches:
        if not batch:
            timeouts += 1
            act(timeouts)
            assert timeouts < limit, "no change event arrived"
        yield batch


def edit_card(cards: Path) -> None:
    path = cards / "cards.yaml"
    path.write_text(path.read_text().replace("A collective farm.", "A farm run jointly."))


def test_card_files_and_templates_count_editor_files_and_outputs_do_not(tmp_path):
    relevant = DeckFilter(tmp_path / "templates")
    assert relevant(Change.modified, str(tmp_path / "cards" / "quotes.yaml"))
    assert relevant(Change.added, str(tmp_path / "cards" / "deck.yml"))
    assert relevant(Change.modified, str(tmp_path / "templates" / "anki" / "style.css"))
    assert not relevant(Change.modified, str(tmp_path / "cards" / ".quotes.yaml.swp"))
    assert not relevant(Change.modified, str(tmp_path / "cards" / "quotes.yaml~"))
    assert not relevant(Change.added, str(tmp_path / "cards" / "dist" / "deck.apkg"))
    assert not relevant(Change.modified, str(tmp_path / "cards" / "notes.txt"))


def test_saving_a_card_file_rebuilds_with_the_new_text(root, tmp_path):
    """The real watcher, end to end; 'once per change' is the fake-batch test's job below."""
    cards = root("minimal")
    stop = threading.Event()
    builds: list[str] = []

    def build() -> int:
        builds.append((cards / "cards.yaml").read_text())
        stop.set()  # a rebuild seen: end the watch
        return 0

    batches = changes(cards, tmp_path / "templates", stop_event=stop, yield_on_timeout=True,
                      rust_timeout=100, debounce=200, step=20)
    assert rebuild_on(on_timeouts(batches, lambda n: n == 1 and edit_card(cards), limit=100), build) == 0
    assert len(builds) == 1 and "A farm run jointly." in builds[0]


def test_watch_builds_first_then_once_per_change_and_survives_errors(run_cli, root, monkeypatch, tmp_path):
    cards = root("minimal")
    path = cards / "cards.yaml"
    good = path.read_text()

    def fake_changes(cards_dir: Path, templates: Path, *args: object, **options: object):
        # What watchfiles would yield while the user breaks the card file, then fixes it.
        path.write_text(good.replace("kind: fact", "kind: trivia"))
        yield {(Change.modified, str(path))}
        yield set()
        path.write_text(good)
        yield {(Change.modified, str(path))}

    monkeypatch.setattr(watching, "changes", fake_changes)
    result = run_cli("build", cards, "--out", tmp_path / "dist", "--watch")
    assert result.code == 0
    assert result.out.count("minimal.apkg") == 2  # the first build and the fixed one
    assert "unknown kind 'trivia'" in result.err
    assert result.err.count("changed: ") == 2


@pytest.mark.parametrize("missing_templates", [True, False])
def test_only_existing_folders_are_watched(tmp_path, missing_templates, monkeypatch):
    cards, templates = tmp_path / "cards", tmp_path / "templates"
    cards.mkdir()
    if not missing_templates:
        templates.mkdir()
    seen = {}
    monkeypatch.setattr(watching.watchfiles, "watch", lambda *paths, **options: seen.setdefault("paths", paths))
    changes(cards, templates)
    assert seen["paths"] == ((cards,) if missing_templates else (cards, templates))


def test_output_inside_a_watched_folder_never_counts(tmp_path):
    relevant = DeckFilter(tmp_path / "templates", out=tmp_path / "templates" / "dist")
    assert relevant(Change.modified, str(tmp_path / "templates" / "anki" / "style.css"))
    assert not relevant(Change.added, str(tmp_path / "templates" / "dist" / "deck.apkg"))
    assert not relevant(Change.added, str(tmp_path / "templates" / "dist" / ".deck.apkg.12.abc.tmp"))
    assert not relevant(Change.added, str(tmp_path / "templates" / "dist"))

    (tmp_path / "cards").mkdir()
    batches = {}

    def watch(*folders, watch_filter, **options):
        batches["filter"] = watch_filter
        return iter(())

    for out in (tmp_path, tmp_path / "cards", tmp_path / "cards" / "dist"):  # --out ., cards, cards/dist
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(watching.watchfiles, "watch", watch)
            changes(tmp_path / "cards", tmp_path / "templates", out)
        assert batches["filter"](Change.modified, str(tmp_path / "cards" / "x.yaml"))  # cards still count
        assert not batches["filter"](Change.added, str(tmp_path / "cards" / "dist" / "x.apkg"))


def test_a_watch_with_its_output_in_the_templates_folder_builds_once_per_edit(root, tmp_path, monkeypatch):
    """The real watcher and real builds: writing the outputs must not start another build."""
    from factdeck.cli import build_and_report, build_request, parser

    cards = root("minimal")
    templates = tmp_path / "templates"
    templates.mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    argument_parser = parser(["csv"])
    args = argument_parser.parse_args([str(cards), "--out", str(templates / "dist"), "--only", "csv", "-q"])
    request = build_request(args, argument_parser)
    stop = threading.Event()
    builds = []

    def build() -> int:
        builds.append(build_and_report(request, quiet=True))
        return 0

    def act(timeouts: int) -> None:
        if timeouts == 1:
            edit_card(cards)
        if timeouts == 15:  # long after the build's own writes would have been seen
            stop.set()

    batches = watching.lasting_changes(cards, templates, templates / "dist", stop_event=stop,
                                       yield_on_timeout=True, poll=0.1, debounce=200, step=20)
    assert rebuild_on(on_timeouts(batches, act), build) == 0
    assert builds == [0]
    assert "A farm run jointly." in (templates / "dist" / "minimal.csv").read_text()


def test_a_cards_folder_deleted_and_restored_is_watched_again(root, tmp_path, capsys):
    import shutil

    cards = root("minimal")
    saved = tmp_path / "saved"
    shutil.copytree(cards, saved)
    stop = threading.Event()
    seen: list[str] = []

    def build() -> int:
        path = cards / "cards.yaml"
        seen.append(path.read_text() if path.exists() else "gone")
        if "A farm run jointly." in seen[-1]:
            stop.set()
        return 0

    def act(timeouts: int) -> None:
        if timeouts == 1:
            shutil.rmtree(cards)
        elif timeouts == 5 and not cards.exists():
            shutil.copytree(saved, cards)
        elif timeouts > 10 and cards.exists() and "jointly" not in (cards / "cards.yaml").read_text():
            edit_card(cards)

    batches = watching.lasting_changes(cards, tmp_path / "templates", stop_event=stop, yield_on_timeout=True,
                                       poll=0.1, debounce=200, step=20)
    assert rebuild_on(on_timeouts(batches, act), build) == 0
    assert "A farm run jointly." in seen[-1]
    assert "the cards folder is gone; waiting for it to come back" in capsys.readouterr().err
