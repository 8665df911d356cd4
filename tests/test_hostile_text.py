"""Card text is data: markup, media tags and code in it never come alive.

One deck whose every text is hostile is built once per module; Anki's side is
read back from the package and rendered by a real Anki collection. The PDF
side waits for the PDF builder (branch ``pdf``) and is skipped until then.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anki_readback import fields_of, note_fields, shown_text
from card_folders import Styled, write_cards
from factdeck.builders import load_builtin_builders
from factdeck.cli import main
from factdeck.typography import typographic

HTML_ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click me</a>',
    "javascript:alert(document.cookie)",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<svg/onload=alert(1)>",
    "<style>.card{display:none}</style>",
    "&lt;b&gt; is already escaped; &amp; stays &amp;",
    "a <br> in the text stays text",
]
ANKI_SYNTAX = [
    "[sound:evil.mp3]",
    r"[latex]\input{/etc/passwd}[/latex]",
    "[$]x^2[/$] and [$$]y[/$$]",
    r"\(x^2\) and \[y\]",
    "{{Term}} {{c1::cloze}} {{FrontSide}}",
    "[anki:play:q:0]",
]
TYPST_SYNTAX = [
    "#set page(width: 1cm)",
    '#import "evil.typ": *',
    '#read("/etc/passwd")',
    "$x^2$ *bold* _emph_ `raw`",
    "= Heading",
    "@ref <label> #label",
    "#{1 + 1} #let x = 1",
    r"\u{41} \ backslash ] [ } {",
    "// a comment /* and a block */",
    '"double" and \'single\' quotes -- and --- dashes ~ ...',
]
MULTILINE = "First line <b>\n  indented second line\n\nafter a blank line [sound:x.mp3]"
TEXTS = HTML_ATTACKS + ANKI_SYNTAX + TYPST_SYNTAX + [MULTILINE]
NAMESPACE = "minimal-test"  # tests/roots/minimal/deck.yaml
STYLES = [None, '"', "'", "|"]
SOURCE_TITLE = '<img src=x onerror="alert(1)"> [sound:s.mp3]'



def hostile_cards() -> list[dict[str, object]]:
    """One fact card per text, asked as the question with the text as the answer too."""
    return [{"id": f"hostile-{number}", "kind": "fact",
             "question": Styled(f"What does text {number} say? {text}", STYLES[number % len(STYLES)]),
             "answer": Styled(text, STYLES[(number + 1) % len(STYLES)]),
             "note": Styled(text, '"'), "source": "book"}
            for number, text in enumerate(TEXTS)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The hostile deck, built with every registered builder; returns its dist/ folder."""
    root = tmp_path_factory.mktemp("hostile")
    write_cards(root / "cards", hostile_cards(), sources={"book": {"title": SOURCE_TITLE, "author": "<b>"}},
                description="<script>alert('deck')</script> [sound:d.mp3]")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main([str(root / "cards"), "--out", str(root / "dist"), "--quiet"]) == 0
    return root / "dist"


class _Elements(HTMLParser):
    """Collects every element and attribute in an HTML string."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_every_field_is_inert_html(built: Path) -> None:
    for question, answer, source, note, *_ in note_fields(built / "minimal.apkg").values():
        for field in (question, answer, note, source):
            assert not re.search(r"\[(sound:|latex\]|\$|anki:)", field), field
        for field in (question, answer, note):
            assert all(tag == "br" and not attrs for tag, attrs in elements(field).tags), field
        cited = elements(source)
        assert cited.tags == [("div", [("class", "fd-cite"), ("dir", "auto")])]  # the citation template's own markup
        assert "".join(cited.text) == f"<b>, “{SOURCE_TITLE}”"


@pytest.mark.parametrize("number", range(len(TEXTS)))
def test_text_reads_back_as_written(built: Path, number: int) -> None:
    question, answer, _source, note, *_ = fields_of(built / "minimal.apkg", NAMESPACE, f"hostile-{number}")
    text = TEXTS[number]
    assert shown_text(question) == f"What does text {number} say? {text}"
    assert shown_text(answer) == text.strip()
    assert shown_text(note) == text.strip()


@pytest.fixture(scope="module")
def anki_cards(built: Path, tmp_path_factory):
    """The package imported into a real Anki collection: (question HTML, answer HTML, sound tags) per card."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    collection = Collection(str(tmp_path_factory.mktemp("anki") / "collection.anki2"))
    try:
        collection.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(built / "minimal.apkg"), options=ImportAnkiPackageOptions()))
        rendered = []
        for card_id in collection.find_cards(""):
            card = collection.get_card(card_id)
            rendered.append((card.question(), card.answer(), card.question_av_tags() + card.answer_av_tags()))
        descriptions = [deck["desc"] for deck in collection.decks.all() if deck["desc"]]
    finally:
        collection.close()
    return rendered, descriptions


def test_anki_renders_no_live_markup_and_plays_nothing(anki_cards) -> None:
    rendered, _ = anki_cards
    assert len(rendered) == len(TEXTS)
    for question, answer, sounds in rendered:
        assert sounds == []  # [sound:...] in the text did not become something to play
        for page in (question, answer):
            found = elements(page)
            tags = {tag for tag, _ in found.tags}
            assert tags <= {"style", "div", "hr", "br", "blockquote"}, tags  # our templates' own elements
            attributes = {name for _, attrs in found.tags for name, _ in attrs}
            assert attributes <= {"class", "id", "dir"}, attributes
            assert "tex2jax_ignore" in page  # MathJax leaves \( \) in card text alone


def test_anki_shows_the_hostile_text_literally(anki_cards) -> None:
    rendered, _ = anki_cards
    shown = "\n".join("".join(elements(answer).text) for _, answer, _ in rendered)
    for text in TEXTS:
        for line in text.strip().split("\n"):
            assert line in shown


def test_deck_description_is_text(anki_cards) -> None:
    _, descriptions = anki_cards
    assert descriptions == ["&lt;script&gt;alert('deck')&lt;/script&gt; &#91;sound:d.mp3]"]


def _collapsed(text: str) -> str:
    return "".join(text.split())


PDF_MISSING = "pdf" not in load_builtin_builders()


@pytest.mark.skipif(PDF_MISSING, reason="the PDF builder is not merged yet (no 'pdf' in "
                                        "factdeck.builders.load_builtin_builders())")
def test_pdf_prints_typst_and_html_literally(built: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    from factdeck.builders import PrintOptions
    from factdeck.builders.printing.layout import plan

    mm = 72 / 25.4
    layout = plan(len(TEXTS), PrintOptions())
    printed = []
    with pdfplumber.open(built / "minimal.pdf") as pdf:
        sizes = {(round(page.width), round(page.height)) for page in pdf.pages}
        for sheet, page in zip(layout.pages, pdf.pages):
            for face in sheet.faces:  # one face at a time: lines of cards side by side would interleave
                box = face.box
                crop = page.crop((box.x * mm, box.y * mm, (box.x + box.width) * mm, (box.y + box.height) * mm))
                printed.append(_collapsed(crop.extract_text() or ""))
    for text in TEXTS:
        assert any(_collapsed(typographic(text)) in face for face in printed), text  # quotes printed curly  # whitespace is the layout's to choose
    assert len(sizes) == 1  # '#set page(width: 1cm)' in a card did not resize a page


# Texts from a few characters that matter to a Typst string (and to Typst markup), and any text.
TYPST_TEXTS = st.one_of(st.text(st.sampled_from('ab \\"\n\t\x00\x7f#$[]{}')),
                        st.text(st.characters(exclude_categories=("Cs",))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TYPST_TEXTS, min_size=1, max_size=8))
def test_a_typst_string_literal_reads_back_as_the_text_it_was_made_from(tmp_path, texts) -> None:
    import json

    import typst

    from factdeck.templating import typst_string

    (tmp_path / "main.typ").write_text(
        f"#metadata(({''.join(typst_string(text) + ',' for text in texts)})) <texts>", encoding="utf-8")
    compiler = typst.Compiler(str(tmp_path / "main.typ"), root=str(tmp_path), font_paths=[],
                              ignore_system_fonts=True)
    assert json.loads(compiler.query("<texts>", field="value", format="json")) == [texts]
