"""No input, however broken, produces a traceback: random edits to a valid deck.

Each example damages one file of ``minimal`` with a few random edits (bytes
deleted, YAML punctuation or arbitrary bytes inserted, lines repeated or
re-indented) and runs ``--check``: the result is always a clean exit with
every problem as ``file[:line[:col]]: message`` and one summary line.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOTS
from factdeck.cli import main

PUNCTUATION = [b":", b": ", b"-", b"- ", b"\n", b"  ", b"\t", b"'", b'"', b"[", b"]", b"{", b"}", b"#", b"&a",
               b"*a", b"!x", b"|", b">", b"---\n", b"~", b"\\", b",", b"?", b"%", b"@", b"\xef\xbb\xbf"]
LINE = re.compile(r"^(?:.*/)?cards/[\w.-]+\.yaml(?::\d+(?::\d+)?)?: \S.*$")
SUMMARY = re.compile(r"^factdeck: (?:\d+ errors?(?:, \d+ warnings?)?|\d+ warnings?)$")

edits = st.lists(st.tuples(
    st.sampled_from(["delete", "insert", "insert-bytes", "repeat-line", "indent"]),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(PUNCTUATION) | st.binary(max_size=4),
), min_size=1, max_size=4)


def damage(data: bytes, changes: list[tuple[str, int, int, bytes]]) -> bytes:
    for action, where, size, piece in changes:
        at = where % (len(data) + 1)
        if action == "delete":
            data = data[:at] + data[at + size:]
        elif action in ("insert", "insert-bytes"):
            data = data[:at] + piece + data[at:]
        else:
            lines = data.split(b"\n")
            number = where % len(lines)
            extra = [lines[number]] if action == "repeat-line" else []
            lines[number:number + 1] = extra + [b" " * (size % 5) + lines[number]]
            data = b"\n".join(lines)
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(["cards.yaml", "deck.yaml", "sources.yaml"]), changes=edits)
def test_damaged_files_give_clean_messages(name: str, changes: list[tuple[str, int, int, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        cards = Path(scratch) / "cards"
        shutil.copytree(ROOTS / "minimal", cards)
        (cards / name).write_bytes(damage((cards / name).read_bytes(), changes))
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            code = main([str(cards), "--check"])
    lines = err.getvalue().splitlines()
    assert code in (0, 1), lines
    if code == 1:
        assert lines and SUMMARY.match(lines[-1]), lines
    assert all(LINE.match(line) for line in lines[:-1]), lines
