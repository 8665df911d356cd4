"""``--check`` runs on every save, so it loads only what checking needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

HEAVY = ("genanki", "typst", "jinja2", "sqlite3")
PROBE = """
import json, sys
from factdeck.cli import main
code = main([sys.argv[1], "--check", "--quiet"])
print(json.dumps({"code": code, "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_check_imports_no_builder_library(root):
    cards = root("minimal")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", PROBE, str(cards)], capture_output=True, text=True,
                            env=env, check=True)
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["code"] == 0
    assert not set(HEAVY) & set(report["loaded"])
    assert "yaml" in report["loaded"]  # the probe does see what checking really loads
