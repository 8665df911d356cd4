"""However a build ends (SIGTERM, SIGHUP, SIGKILL), its Typst workers, their server and the resource
tracker end within a second, so a caller reading the build's output is never left waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate
from conftest import REPO


@pytest.fixture(scope="module")
def big_deck(tmp_path_factory) -> Path:
    cards, _ = generate(tmp_path_factory.mktemp("signals") / "deck", 5000, seed=3)  # typeset in workers
    return cards


def session_processes(session: int) -> set[int]:
    """The live (not zombie) processes of a session, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def start_build(cards: Path, out: Path) -> subprocess.Popen[str]:
    out.mkdir(exist_ok=True)
    (out / "benchmark.apkg").write_bytes(b"the build before")
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), str(cards), "--out", str(out)],
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})


def wait_for_workers(build: subprocess.Popen[str]) -> None:
    """Until the build has a fork server and compile workers: four processes or more in its session."""
    deadline = time.monotonic() + 90
    while len(session_processes(build.pid)) < 4:
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.05)


def wait_until_gone(session: int, seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while (left := session_processes(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_a_build_like_ctrl_c(big_deck, tmp_path, signum):
    out = tmp_path / "dist"
    build = start_build(big_deck, out)
    wait_for_workers(build)
    os.kill(build.pid, signum)  # the build alone, as a CI runner or a closing terminal does
    _, err = build.communicate(timeout=30)
    assert build.returncode == 128 + signum
    assert err == f"factdeck: stopped by {signal.Signals(signum).name}; the output folder is as it was\n"
    assert wait_until_gone(build.pid, 1.0) == set()
    assert sorted(path.name for path in out.iterdir()) == ["benchmark.apkg"]
    assert (out / "benchmark.apkg").read_bytes() == b"the build before"


def test_a_killed_build_takes_its_workers_with_it_and_the_next_build_cleans_up(big_deck, tmp_path):
    out = tmp_path / "dist"
    build = start_build(big_deck, out)
    wait_for_workers(build)
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=10)
    assert wait_until_gone(build.pid, 1.0) == set()
    build.communicate(timeout=5)  # the pipes are closed: nothing holds them any more
    leftovers = sorted(path.name for path in out.iterdir() if path.name != "benchmark.apkg")
    assert leftovers and all(name.startswith((".benchmark.", ".benchmark-timeline.")) and name.endswith(".tmp")
                         for name in leftovers)
    # Not the build's own: left alone. A live build's temporary: left alone too.
    (out / ".notes.txt.tmp").write_text("someone else's")
    (out / f".benchmark.pdf.{os.getpid()}.abc123.tmp").write_text("a running build's")
    rebuilt = subprocess.run([sys.executable, str(REPO / "build.py"), str(big_deck), "--out", str(out), "-q"],
                             capture_output=True, text=True, timeout=180,
                             env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert sorted(path.name for path in out.iterdir()) == [
        f".benchmark.pdf.{os.getpid()}.abc123.tmp", ".notes.txt.tmp", "benchmark-timeline.pdf", "benchmark.apkg",
        "benchmark.pdf"]


KILL_MID_COMMIT = """
import os, sys
from factdeck import output
from factdeck.cli import main
real = os.replace
def replace(source, target):
    real(source, target)
    if str(target).endswith(".apkg"):
        os._exit(9)  # killed between the renames: a new .apkg beside the old .pdf
output.os.replace = replace
main(sys.argv[1:])
"""


def test_a_build_killed_between_its_renames_is_rolled_back_by_the_next(case, run_cli):
    from factdeck.output import OutputFolder

    cards = case("minimal")
    assert run_cli(cards, "--out", "dist").code == 0
    before = {path.name: path.read_bytes() for path in Path("dist").iterdir()}
    (cards / "cards.yaml").write_text((cards / "cards.yaml").read_text().replace("Kolkhoz", "Kolkhozy"))
    killed = subprocess.run([sys.executable, "-c", KILL_MID_COMMIT, str(cards), "--out", "dist"], timeout=120,
                            capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1700000001",
                                                      "PYTHONPATH": str(REPO)})
    assert killed.returncode == 9, killed.stderr
    names = sorted(path.name for path in Path("dist").iterdir())
    assert any(name.startswith(".factdeck.") and name.endswith(".commit") for name in names)
    assert Path("dist/minimal.apkg").read_bytes() != before["minimal.apkg"]  # the mixed set
    with OutputFolder(Path("dist")):  # what the next build does first, whatever it goes on to do
        pass
    assert {path.name: path.read_bytes() for path in Path("dist").iterdir()} == before


# SIGTERM arrives while the .apkg's builder thread has not yet opened its file; the process then
# waits for that thread before it leaves, as a slow disk or a busy machine can make it (the build
# itself leaves at once). Before the fix the thread re-created the temporary the build had deleted.
LATE_BUILDER_THREAD = """
import os, signal, sys, threading, time
from factdeck import cli
from factdeck.builders import anki
real_write = anki.AnkiBuilder.write
def write(self, deck, target):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.5)  # the main thread is stopped and has deleted the temporaries by now
    return real_write(self, deck, target)
anki.AnkiBuilder.write = write
real_exit = os._exit
def leave(code):
    for thread in threading.enumerate():
        if thread.name.startswith("factdeck-builder"):
            thread.join()
    real_exit(code)
cli.os._exit = leave
sys.argv = ["factdeck", *sys.argv[1:]]
cli.console_main()
"""


def test_a_builder_thread_still_running_after_a_stop_leaves_no_file_behind(case):
    cards = case("minimal")
    Path("dist").mkdir()
    (Path("dist") / "minimal.apkg").write_bytes(b"the build before")
    stopped = subprocess.run([sys.executable, "-c", LATE_BUILDER_THREAD, str(cards), "--out", "dist"], timeout=120,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert stopped.stderr.endswith("factdeck: stopped by SIGTERM; the output folder is as it was\n")
    assert sorted(path.name for path in Path("dist").iterdir()) == ["minimal.apkg"]
    assert (Path("dist") / "minimal.apkg").read_bytes() == b"the build before"
    assert not list(cards.glob(".*.tmp"))  # nor the lock's temporary beside the cards
