"""Property: any Unicode card text either builds and reads back unchanged, or is refused cleanly.

"Unchanged" is modulo surrounding whitespace: the validator strips it on
purpose (YAML block scalars end in a newline, and a stray space is never
meant), so a card's text is ``text.strip()`` as Python defines whitespace.
Inside the text everything is kept: line breaks, tabs, markup, any script.

A card is refused exactly when the rules say so: a required text that is
blank or a bare null word (``~``, ``null``: "no value" in YAML unless
quoted; for the optional note it just means no note), a text holding a
control character other than tab and newline, or a file with an invisible
character YAML misreads (U+2028 written raw). A refusal is a list of
``file:line:col: card 'id': message`` lines and a summary, never a traceback.
"""

from __future__ import annotations

import io
import re
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anki_readback import fields_of, shown_text
from card_folders import Styled, write_cards
from factdeck.builders import load_builtin_builders
from factdeck.cli import main
from factdeck.typography import typographic

FIELDS = ("question", "answer", "note")
NULL_WORDS = {"~", "null", "Null", "NULL"}
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
RAW_NOT_ALLOWED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
MESSAGE = re.compile(r"^(?:.*/)?cards/cards\.yaml:\d+:\d+: (?:card 'prop': )?\S.*$")
SUMMARY = re.compile(r"^factdeck: \d+ errors?(?:, \d+ warnings?)?$")

texts = st.text(max_size=40) | st.text(st.sampled_from("ab \n\t<>&[]#:'\"\\-~{}$*_@`|!%"), max_size=20)
styles = st.sampled_from([None, '"', "'", "|", ">"])
cards = st.tuples(*[st.tuples(texts, styles) for _ in FIELDS])


def build(fields: tuple[tuple[str, str | None], ...], folder: Path, formats: list[str]
          ) -> tuple[int, str, dict[str, str]]:
    """Write one card with these texts and styles, build it; returns exit code, stderr and the texts as written."""
    card = {"id": "prop", "kind": "fact", "source": "book"}
    card.update({name: Styled(text, style) for name, (text, style) in zip(FIELDS, fields)})
    write_cards(folder / "cards", [card])
    # What the file says, read by a YAML parser that types nothing: the text a person wrote.
    written = yaml.load((folder / "cards" / "cards.yaml").read_text(encoding="utf-8"),
                        Loader=yaml.BaseLoader)["cards"][0]
    args = [str(folder / "cards"), "--out", str(folder / "dist"), "--quiet"]
    for name in formats:
        args += ["--only", name]
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue(), {name: written[name] for name in FIELDS}


def expected_texts(written: dict[str, str], yaml_text: str) -> dict[str, str | None]:
    """Each field as the card must show it, or None where the rules refuse it."""
    card = yaml.compose(yaml_text, Loader=yaml.BaseLoader).value[1][1].value[0]
    styles = {key.value: value.style for key, value in card.value}
    expected: dict[str, str | None] = {}
    for name in FIELDS:
        text = written[name].strip()
        if styles[name] is None and written[name] in NULL_WORDS | {""}:
            text = ""  # a bare null word is YAML's "no value": fine for a note, refused where required
        if CONTROL.search(text) or (not text and name != "note"):
            expected[name] = None
        else:
            expected[name] = text
    return expected


def check(fields: tuple[tuple[str, str | None], ...], formats: list[str], scratch: Path) -> dict[str, str] | None:
    """Build in ``scratch``; assert it was refused exactly when the rules say so, with clean messages.

    Returns the texts the card must show when it built, None when it was refused.
    """
    code, err, written = build(fields, scratch, formats)
    yaml_text = (scratch / "cards" / "cards.yaml").read_text(encoding="utf-8")
    expected = expected_texts(written, yaml_text)
    raw_invisible = RAW_NOT_ALLOWED.search(yaml_text) is not None
    refuse = None in expected.values() or raw_invisible
    assert code == (1 if refuse else 0), err
    if not raw_invisible:  # PyYAML's emitter writes NEL raw, and then reads it back as a space
        # The file says what the test meant to write (else a YAML emitter bug, not ours, is in play).
        assert written == {name: text for name, (text, _style) in zip(FIELDS, fields)}
    if refuse:
        lines = err.splitlines()
        assert lines and all(MESSAGE.match(line) for line in lines[:-1]), err
        assert SUMMARY.match(lines[-1]), err
        return None
    return expected  # type: ignore[return-value]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=cards)
def test_card_text_builds_and_reads_back_from_anki_or_is_refused(fields) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        expected = check(fields, ["apkg"], Path(scratch))
        if expected is None:
            return
        question, answer, _source, note, *_ = fields_of(Path(scratch) / "dist" / "minimal.apkg", "minimal-test", "prop")
    assert {"question": shown_text(question), "answer": shown_text(answer), "note": shown_text(note)} == expected


def _collapsed(text: str) -> str:
    return "".join(text.split())


# The print fonts (Libertinus Serif, shipped inside the typst package) cover Latin, Greek, Cyrillic
# and typographic punctuation; a character of another script has no glyph to print. So the PDF
# property draws its text from what the fonts can show, plus every character Typst gives a meaning.
PRINTABLE = ("".join(map(chr, range(0x20, 0x7F))) + "\t\n\u00a0àéîõüßçñÆøÅ¡¿«»"
             + "αβγδΩΣάή" + "колхозЖЁЯёщъ" + "“”‘’–—…•€£§°±×÷№")
print_cards = st.tuples(*[st.tuples(st.text(st.sampled_from(PRINTABLE), max_size=40), styles)
                          for _ in FIELDS])


@pytest.mark.skipif("pdf" not in load_builtin_builders(),
                    reason="the PDF builder is not merged yet (no 'pdf' in "
                           "factdeck.builders.load_builtin_builders())")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=print_cards)
def test_card_text_prints_in_the_pdf_or_is_refused(fields) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    with tempfile.TemporaryDirectory() as scratch:
        expected = check(fields, ["pdf"], Path(scratch))
        if expected is None:
            return
        with pdfplumber.open(Path(scratch) / "dist" / "minimal.pdf") as pdf:
            printed = _collapsed("".join(page.extract_text() or "" for page in pdf.pages))
    for name, text in expected.items():  # the layout chooses where lines break: compare without whitespace
        assert _collapsed(typographic(text)) in printed, name  # quotes printed curly
