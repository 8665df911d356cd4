"""The command as a process: it leaves without tearing Python down, so everything it says must be
flushed first and its exit code kept; Ctrl-C during a build: one line on stderr, exit code 130, and
the output folder as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bench.generate import generate
from conftest import REPO


def test_ctrl_c_during_a_build_leaves_the_output_folder_as_it_was(tmp_path):
    cards, _ = generate(tmp_path / "deck", 5000, seed=3)  # long enough to typeset in worker processes
    out = tmp_path / "dist"
    out.mkdir()
    (out / "benchmark.apkg").write_bytes(b"the build before")
    build = subprocess.Popen([sys.executable, str(REPO / "build.py"), str(cards), "--out", str(out)],
                             start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"})
    deadline = time.monotonic() + 60
    while not list(out.glob(".*.tmp")):  # the builders have started writing
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.01)
    time.sleep(1.0)  # into the typesetting: its worker processes are running
    assert build.poll() is None
    os.killpg(build.pid, signal.SIGINT)  # as a terminal sends it: to the build and every worker
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130
    assert err == "factdeck: interrupted; the output folder is as it was\n"
    assert sorted(path.name for path in out.iterdir()) == ["benchmark.apkg"]
    assert (out / "benchmark.apkg").read_bytes() == b"the build before"


def test_the_command_as_a_process_says_everything_and_exits_with_the_build_s_code(case):
    # Buffered output, as most users have it (this machine's environment turns buffering off).
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}

    def build(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(REPO / "build.py"), *map(str, args)], capture_output=True,
                              text=True, env={**env, "SOURCE_DATE_EPOCH": "1700000000"}, timeout=120)

    cards = case("warnings")  # valid cards with four warnings, in ./cards
    built = build(cards, "--out", "dist")
    assert built.returncode == 0
    assert built.stdout.splitlines()[0].startswith("wrote dist/minimal.apkg: ")
    assert built.stdout.splitlines()[1].startswith("wrote dist/minimal.pdf: ")
    assert built.stderr.endswith("factdeck: 4 warnings\n")
    strict = build(cards, "--out", "strict", "--strict")
    assert strict.returncode == 1 and not strict.stdout and strict.stderr.endswith("factdeck: 4 errors\n")
    missing = build("no-such-folder")
    assert missing.returncode == 2
    assert missing.stderr == ("no-such-folder: cards folder not found (expected a folder with deck.yaml, "
                              "sources.yaml and card files)\nfactdeck: 1 error\n")
