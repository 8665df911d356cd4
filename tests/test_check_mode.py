"""``--check`` is for running on every save: it validates and loads no output library."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO, ROOTS

HEAVY = ("genanki", "typst", "jinja2")
PROBE = f"""
import json, sys
from factdeck.cli import main
code = main(sys.argv[1:])
print(json.dumps([code, sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))]))
"""


def run_in_fresh_python(*args: str) -> tuple[int, list[str]]:
    """Run factdeck in a new interpreter; returns its exit code and which heavy libraries it imported."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          env=env, check=True)
    code, imported = json.loads(done.stdout.splitlines()[-1])
    return code, imported


def test_check_imports_no_builder_library() -> None:
    assert run_in_fresh_python(str(ROOTS / "minimal"), "--check") == (0, [])


def test_check_of_broken_cards_imports_no_builder_library() -> None:
    assert run_in_fresh_python(str(ROOTS / "card-unknown-field"), "--check") == (1, [])


def test_building_does_import_them(tmp_path) -> None:
    code, imported = run_in_fresh_python(str(ROOTS / "minimal"), "--out", str(tmp_path), "--only", "apkg")
    assert code == 0 and {"genanki", "jinja2"} <= set(imported)  # the probe sees imports when they happen
