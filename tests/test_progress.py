"""The progress line: on a watched terminal during long builds, and nowhere else."""

from __future__ import annotations

import io
import time

import pytest

from factdeck import progress as progress_module
from factdeck.progress import Progress, progress_for


class Terminal(io.StringIO):
    """stderr as a person's terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_long_stage_shows_its_name_a_bar_and_its_count_then_ends_its_line():
    clock, terminal = Clock(), Terminal()
    progress = Progress(terminal, clock=clock)
    progress.stage("reading cards", 4)
    progress.advance()
    assert terminal.getvalue() == ""  # a build that ends within two seconds shows nothing
    clock.now += 2.5
    progress.advance()
    assert "reading cards" in terminal.getvalue()
    assert "[############............] 2/4" in terminal.getvalue()
    clock.now += 1
    progress.advance(2)
    progress.stage("apkg: writing package")
    progress.close()
    lines = terminal.getvalue().split("\n")
    assert "[########################] 4/4" in lines[0]  # the finished stage keeps its own line
    assert "apkg: writing package" in lines[1]
    assert lines[2] == ""  # closed: what is printed next starts on a fresh line


def test_a_long_stage_that_counts_nothing_still_shows_its_time_going_on():
    clock, terminal = Clock(), Terminal()
    progress = Progress(terminal, clock=clock)
    progress.stage("pdf: typesetting")
    clock.now += 3  # and no further call: Typst is busy
    deadline = time.monotonic() + 30
    while "pdf: typesetting" not in terminal.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    progress.close()
    assert "pdf: typesetting       ...  3.0 s" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")


@pytest.mark.parametrize("quiet, environ, tty, shown", [
    (False, {}, True, True),
    (True, {}, True, False),                    # --quiet
    (False, {"CI": "true"}, True, False),       # CI services set CI
    (False, {"CI": "false"}, True, True),
    (False, {}, False, False),                  # stderr is a file or a pipe
    (False, {"TERM": "dumb"}, True, False),
])
def test_progress_is_drawn_only_when_a_person_watches_a_terminal(quiet, environ, tty, shown):
    stream = Terminal() if tty else io.StringIO()
    progress = progress_for(quiet, stream, environ)
    progress.show_after = 0
    progress.stage("reading cards", 1)
    progress.close()
    assert ("reading cards" in stream.getvalue()) is shown


@pytest.mark.parametrize("extra, environ, shown", [
    ((), {}, True),
    (("--quiet",), {}, False),
    ((), {"CI": "1"}, False),
])
def test_the_build_reports_its_stages_on_a_terminal(root, run_cli, monkeypatch, tmp_path, extra, environ, shown):
    monkeypatch.setattr(progress_module, "SHOW_AFTER_SECONDS", 0.0)  # as if the build were long
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    result = run_cli(root("minimal"), "--out", tmp_path / "dist", "--only", "apkg", *extra)
    assert result.code == 0
    drawn = terminal.getvalue()
    assert ("reading cards" in drawn and "apkg: making notes" in drawn) is shown
    assert drawn == "" or drawn.endswith("\n")
