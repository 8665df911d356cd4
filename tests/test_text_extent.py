"""Faces proven to fit without measuring are printed exactly as if they had been measured.

The print template skips Typst's measuring for a face when the extents of its
texts (factdeck/builders/printing/fitting.py) prove it fits at full size. The proof
must never be wrong: a wrong one would print text over the card's edge with no
warning. So the same deck is built twice, once with extents and once with every
face measured, and the PDFs must be the same bytes, for generated decks full of
the hard cases (long words, kerning pairs, breaks Typst may forbid, text just
too long, characters whose width depends on their neighbours).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from card_folders import write_cards
from conftest import REPO
from factdeck.builders import BuildOptions, load_builder
from factdeck.builders.printing.fitting import KERNING_EM, ROUNDING_EM, TextExtents, measurable, probe_for
from factdeck.pipeline import read_deck
from factdeck.templating import make_environment, typst_string
from factdeck.typography import typographic

EPOCH = 1700000000

# A font where, with the rounding allowance, every character is 0.5 em and a space 0.25 em,
# and no probed pair is kerned.
CHARACTERS = "abcdefghij()!.,“”"
CHAR, SPACE = 0.5 - ROUNDING_EM, 0.25 - ROUNDING_EM
FONT = TextExtents({**dict.fromkeys(CHARACTERS, CHAR), " ": SPACE}, line=0.7, columns=[10.0, 2.0],
                   kerning={a + b: 0.0 for a in CHARACTERS for b in CHARACTERS}, spaces=(SPACE, SPACE))


def runs(text: str) -> list[float]:
    found = FONT.runs(text)
    assert found is not None
    return [round(run, 3) for run in found]


def test_a_line_breaks_at_spaces_between_words_but_not_after_an_opening_bracket_or_before_a_closing():
    assert runs("ab cd") == [1.0, 1.0]
    assert runs("ab. cd") == [1.5, 1.0]
    assert runs("( ab") == [0.25 + 0.5 + 1.0]          # UAX #14: no break after "(", even across a space
    assert runs("ab !") == [1.0 + 0.25 + 0.5]          # nor before "!"
    assert runs("ab  cd") == [1.25, 1.0]               # a run of spaces is one break
    assert runs("“ab” cd") == [2.0, 1.0]


def test_line_counts_are_first_fit_per_column_with_hard_lines_added():
    assert FONT.lines("ab cd ef") == [1, 3]
    assert FONT.lines("abcd") == [1, 1]                 # 2 em: just fits the 2 em column
    assert FONT.lines("abcde") == [1, None]             # a word wider than the column: measure it
    assert FONT.lines("ab\ncd") == [2, 2]
    assert FONT.lines("ab cd ef gh ij ab cd ef gh") == [2, 9]


def test_text_with_a_character_not_probed_or_shaped_by_its_neighbours_has_no_extent():
    assert FONT("ab zz") == "none"
    assert not measurable("\u0301")      # a combining accent
    assert not measurable("\u00ad")      # a soft hyphen may add a hyphen where it breaks
    assert not measurable("ب")          # Arabic letters join
    assert measurable("é") and measurable("Ж") and measurable("—") and measurable("\n")


def test_a_pair_the_probe_measured_counts_its_kerning_and_one_it_did_not_the_allowance():
    font = TextExtents({"a": CHAR, "b": CHAR, " ": SPACE}, line=0.7, columns=[10.0], kerning={"ab": -0.1},
                       spaces=(SPACE, SPACE))
    assert [round(run, 3) for run in font.runs("ab ba") or []] == [0.9, 1.0 + KERNING_EM]


def test_a_space_gets_the_allowance_for_a_pair_each_side_unless_every_space_measured_the_same():
    def space(spaces: tuple[float, float] | None) -> float:
        return round(TextExtents({" ": SPACE}, line=0.7, columns=[10.0], spaces=spaces).space, 3)

    assert space((SPACE, SPACE)) == 0.25
    assert space((0.2, 0.3)) == round(0.3 + 2 * KERNING_EM, 3)   # the font kerns spaces
    assert space(None) == round(0.25 + 2 * KERNING_EM, 3)        # a template that measured no spaces


def test_the_probe_asks_for_each_pair_in_a_word_and_each_character_beside_a_space():
    probe = probe_for(["ab cd", "ab\nce\u0301f", ""], also="x ")
    assert probe.characters == " abcdefx"
    assert probe.pairs == ("ab", "cd", "ce")  # never a pair with a combining accent
    assert probe.spaced == tuple(dict.fromkeys(context for char in "abcdefx" for context in (f"{char} x", f"x {char}")))
    assert str(probe) == probe.characters  # what a template from before pairs were probed reads


def test_a_word_counts_as_wide_as_typst_sets_it_in_its_widest_style_and_hardly_wider(tmp_path):
    """The extents of the bundled deck's words against Typst's own measure of each word, in em."""
    import json

    import typst

    deck, log = read_deck(REPO / "cards")
    builder = load_builder("pdf")(make_environment(None), BuildOptions(epoch=EPOCH, log=log))
    extents = builder.text_extents(deck, builder.layout(deck))
    assert extents is not None
    words = sorted({word for card in deck.cards for text in map(typographic, (*card.texts().values(), card.note))
                    for word in text.split() if extents.word(word) is not None})
    assert len(words) > 1000
    (tmp_path / "words.typ").write_text("""
#set text(font: "Libertinus Serif", lang: "en", hyphenate: false)
#context [#metadata(%s.map(word => calc.max(..((:), (weight: "bold"), (style: "italic"),
  (weight: "bold", style: "italic")).map(style => measure(text(size: 100pt, ..style, word)).width / 100pt))))
  <widths>]""" % ("(" + "".join(f"{typst_string(word)}," for word in words) + ")"),
        encoding="utf-8")
    compiler = typst.Compiler(str(tmp_path / "words.typ"), root=str(tmp_path), font_paths=[],
                              ignore_system_fonts=True)
    (widths,) = json.loads(compiler.query("<widths>", field="value", format="json"))
    over = [extents.word(word)[0] - width for word, width in zip(words, widths)]  # type: ignore[index]
    assert min(over) >= 0, words[over.index(min(over))]
    assert max(over) < 0.3 and sum(over) / len(over) < 0.05  # the unprobed-pair allowance was 0.7 em a word


def built_twice(cards: Path, tmp: Path) -> tuple[bytes, bytes, str]:
    """The deck's PDF with extents and with every face measured, and the Typst source with extents."""
    deck, log = read_deck(cards)
    builder_class = load_builder("pdf")
    outputs = []
    for proven in (True, False):
        builder = builder_class(make_environment(None), BuildOptions(epoch=EPOCH, log=log))
        if not proven:
            builder.text_extents = lambda deck, layout: None  # type: ignore[method-assign]
        target = tmp / f"{proven}.pdf"
        builder.write(deck, target)
        outputs.append(target.read_bytes())
    builder = builder_class(make_environment(None), BuildOptions(epoch=EPOCH, log=log))
    layout = builder.layout(deck)
    source = builder.source(deck, layout, builder.text_extents(deck, layout))
    return outputs[0], outputs[1], source


def measured_faces(source: str, tmp: Path) -> tuple[int, int]:
    """How many faces of a Typst source took the measuring path, and how many faces there are."""
    import json

    import typst

    marked = source.replace("    measured-fit(main,", "    [#metadata(0) <measured>]; measured-fit(main,")
    assert marked != source, "the template no longer calls measured-fit from fitted"
    (tmp / "main.typ").write_text(marked, encoding="utf-8")
    compiler = typst.Compiler(str(tmp / "main.typ"), root=str(tmp), font_paths=[], ignore_system_fonts=True)
    return len(json.loads(compiler.query("<measured>", field="value", format="json"))), source.count("face(") - 1


def test_the_bundled_deck_prints_the_same_and_most_faces_are_not_measured(tmp_path):
    proven, measured, source = built_twice(REPO / "cards", tmp_path)
    assert proven == measured
    slow, faces = measured_faces(source, tmp_path)
    assert faces == 2 * len(read_deck(REPO / "cards")[0].cards)  # a front and a back a card
    assert slow <= faces // 25, f"{slow} of {faces} faces measured"  # 5 of 378 when written


SENTENCE = ("Wolf fJord (f) of the “Great Turn” fulfilled: grain, steel! Magnitogorsk’s Industrialization "
            "counter-revolutionary 1929 — kolkhoz Ж plan WWW MMM").split()


def ladder(count: int) -> list[str]:
    """Texts of 1, 2, 3 ... words: one of them is the longest that still fits at full size."""
    return [" ".join((SENTENCE * 8)[:length]) for length in range(1, count + 1)]


def test_texts_on_the_edge_of_fitting_print_the_same_whether_proven_or_measured(tmp_path):
    # Each kind sets its texts in another style and size: bold terms, dates and figures at
    # 20-22 pt, italic quotations, notes and sources in small type, a speaker's paragraphs.
    cards = []
    for index, text in enumerate(ladder(48)):
        short = " ".join(text.split()[:12])
        cards += [
            {"id": f"t{index}", "kind": "term", "term": short, "definition": text, "source": "book"},
            {"id": f"f{index}", "kind": "fact", "question": text, "answer": "yes", "note": text,
             "source": "book"},
            {"id": f"g{index}", "kind": "figure", "measure": "m", "figure": short, "source": "book"},
            {"id": f"d{index}", "kind": "date", "date": short, "event": "e", "source": "book"},
            {"id": f"q{index}", "kind": "quote", "quote": text, "by": short, "date": short,
             "context": text, "source": "book"},
        ]
    write_cards(tmp_path / "cards", cards, sources={"book": {"title": " ".join(SENTENCE[:16])}})
    proven, measured, source = built_twice(tmp_path / "cards", tmp_path)
    assert proven == measured
    slow, faces = measured_faces(source, tmp_path)
    assert faces // 4 < slow < faces  # the ladders cross the edge: some faces proven, some measured


WORDS = ["the", "plan", "of", "f!", "fJ", "(f)", "“quoted”", "grain,", "kolkhoz.", "1929", "—", "Ж",
         "Industrialization", "counter-revolutionary", "https://example.org/a/very/long/path/to/read",
         "Supercalifragilisticexpialidocious", "Magnitogorsk’s", "x" * 24, "é\u0301", "حبوب", "!", ")"]
separators = st.sampled_from([" ", " ", " ", "  ", "\n"])
texts = st.lists(st.tuples(st.sampled_from(WORDS), separators), min_size=1, max_size=70).map(
    lambda pairs: "".join(word + sep for word, sep in pairs).strip() or "plan")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(texts, texts, texts), min_size=2, max_size=6))
def test_generated_cards_print_the_same_whether_proven_or_measured(tmp_path_factory, fields):
    tmp = tmp_path_factory.mktemp("extent")
    kinds = [("fact", "question", "answer", "note"), ("term", "term", "definition", "note"),
             ("quote", "quote", "by", "context"), ("figure", "measure", "figure", "note")]
    cards = []
    for index, values in enumerate(fields):
        kind, *names = kinds[index % len(kinds)]
        card = {"id": f"c{index}", "kind": kind, **dict(zip(names, values)), "source": "book"}
        if kind == "term":
            card["term"] = values[0].split()[0]
        cards.append(card)
    write_cards(tmp / "cards", cards)
    proven, measured, _ = built_twice(tmp / "cards", tmp)
    assert proven == measured


def test_every_extent_field_the_template_reads_is_written():
    style = (REPO / "templates" / "print" / "style.typ").read_text(encoding="utf-8")
    read = set(re.findall(r"\bextent\.(\w+)", style))
    written = set(re.findall(r"(\w+): ", str(FONT("ab cd"))))
    assert read and read <= written


# The probe of factdeck 0.1's cards.typ, before pairs were probed: characters only.
CHARACTERS_PROBE = """<% if probe is not none %>
#context {
  let size = 100pt
  let styles = ((:), (weight: "bold"), (style: "italic"), (weight: "bold", style: "italic"))
  let advances(it) = styles.map(style => measure(text(size: size, ..style, it)).width)
  let widths = (:)
  let line = 0pt
  for char in << probe|typst_string >>.codepoints() {
    let advance = if char.trim() == "" {
      advances("x" + char + "x").zip(advances("xx")).map(((with, without)) => with - without)
    } else { advances(char) }
    widths.insert(char, calc.max(..advance) / size)
    line = calc.max(line, ..styles.map(style => measure(text(size: size, ..style, char)).height))
  }
  let columns = fit-sizes.map(fit => text-column / fit)
  [#metadata((widths: widths, line: line / size, columns: columns)) <factdeck-font>]
}
<% elif preview %>"""
# What cards.typ set before the print style did.
OLD_SET_RULES = """#set text(font: "Libertinus Serif", lang: "en", hyphenate: false, fill: ink)
#set par(leading: body-leading * 1em)
"""


@pytest.mark.parametrize("probe", ["", CHARACTERS_PROBE], ids=["no probe", "characters probed"])
def test_a_copy_of_cards_typ_with_a_probe_of_its_own_or_none_prints_the_same(run_cli, tmp_path, probe):
    """A user's copy of cards.typ from before factdeck measured the style itself: the same PDF,
    proven as fast (factdeck's own probe measures pairs too), and nothing to say about it."""
    default = (REPO / "templates" / "print" / "cards.typ").read_text(encoding="utf-8")
    old_copy = default.replace("<% macro sheet(page) %>", OLD_SET_RULES + "\n<% macro sheet(page) %>")
    if probe:
        old_copy = old_copy.replace("<% if preview %>", probe)
    (tmp_path / "mine" / "print").mkdir(parents=True)
    (tmp_path / "mine" / "print" / "cards.typ").write_text(old_copy, encoding="utf-8")
    cards = REPO / "tests" / "roots" / "minimal"
    ours = run_cli(cards, "--out", tmp_path / "ours", "--only", "pdf")
    theirs = run_cli(cards, "--out", tmp_path / "theirs", "--only", "pdf", "--templates", tmp_path / "mine")
    assert ours.code == theirs.code == 0, theirs.err
    assert theirs.err == ours.err == ""
    assert (tmp_path / "theirs" / "minimal.pdf").read_bytes() == (tmp_path / "ours" / "minimal.pdf").read_bytes()
    deck, log = read_deck(cards)
    old = load_builder("pdf")(make_environment(tmp_path / "mine"), BuildOptions(epoch=EPOCH, log=log))
    extents = old.text_extents(deck, old.layout(deck))
    assert extents is not None and extents.kerning


def test_a_style_that_turns_proofs_off_measures_every_face_and_prints_the_same(run_cli, tmp_path):
    style = (REPO / "templates" / "print" / "style.typ").read_text(encoding="utf-8")
    assert "#let prove-fit = true\n" in style
    (tmp_path / "mine" / "print").mkdir(parents=True)
    (tmp_path / "mine" / "print" / "style.typ").write_text(
        style.replace("#let prove-fit = true\n", "#let prove-fit = false\n"), encoding="utf-8")
    cards = REPO / "tests" / "roots" / "minimal"
    assert run_cli(cards, "--out", tmp_path / "proven", "--only", "pdf").code == 0
    assert run_cli(cards, "--out", tmp_path / "measured", "--only", "pdf", "--templates", tmp_path / "mine").code == 0
    assert ((tmp_path / "measured" / "minimal.pdf").read_bytes()
            == (tmp_path / "proven" / "minimal.pdf").read_bytes())
    deck, log = read_deck(cards)
    builder = load_builder("pdf")(make_environment(tmp_path / "mine"), BuildOptions(epoch=EPOCH, log=log))
    layout = builder.layout(deck)
    slow, faces = measured_faces(builder.source(deck, layout, builder.text_extents(deck, layout)), tmp_path)
    assert slow == faces == 2 * len(deck.cards)
