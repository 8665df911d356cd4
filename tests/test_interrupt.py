"""Ctrl-C during a build: one line on stderr, exit code 130, and the output folder as it was."""

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
