"""Each case under tests/roots/ gives exactly the messages in its expected.txt.

A case folder holds the card files that differ from ``minimal``, a README
saying what is wrong, the exact stderr a user sees (``expected.txt``) and,
rarely, extra arguments (``args.txt``). The same problems come out whether
the cards are only checked or built, and a failed build writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOTS

CASES = sorted(p.name for p in ROOTS.iterdir() if (p / "expected.txt").is_file())


def expected_for(name: str) -> tuple[str, list[str], int]:
    """The case's expected stderr, its extra arguments and the exit code they imply."""
    expected = (ROOTS / name / "expected.txt").read_text(encoding="utf-8")
    args_file = ROOTS / name / "args.txt"
    args = args_file.read_text().split() if args_file.is_file() else []
    summary = expected.splitlines()[-1] if expected else ""
    return expected, args, 1 if " error" in summary else 0


def test_every_case_says_what_it_is_about() -> None:
    assert len(CASES) > 30  # folders without expected.txt are other tests' decks, not cases
    assert [name for name in CASES if not (ROOTS / name / "README").is_file()] == []


@pytest.mark.parametrize("name", CASES)
def test_check_reports_exactly_the_expected_problems(name: str, case, run_cli) -> None:
    expected, args, code = expected_for(name)
    result = run_cli(case(name), "--check", *args)
    assert result.err == expected
    assert result.code == code
    assert not Path("dist").exists()


@pytest.mark.parametrize("name", CASES)
def test_build_reports_the_same_and_writes_only_when_clean(name: str, case, run_cli) -> None:
    expected, args, code = expected_for(name)
    result = run_cli(case(name), "--out", "dist", *args)
    assert result.err == expected
    assert result.code == code
    written = sorted(p.name for p in Path("dist").iterdir()) if Path("dist").exists() else []
    assert bool(written) == (code == 0)
    assert not [name for name in written if name.startswith(".")]  # no temporary left behind
