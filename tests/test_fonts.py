"""Every script prints in a font made for it, right-to-left text runs right to left, and a
character no font has is a warning (an error under --strict) before anything is typeset."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from fontTools import unicodedata as font_unicodedata
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from factdeck.builders.printing import fonts
from factdeck.builders.printing.coverage import text_direction
from factdeck.typography import typographic

ROOTS = Path(__file__).parent / "roots"
HAS_EXTRA = fonts.package_folder("pylopdf_fonts_jp") is not None
needs_extra = pytest.mark.skipif(not HAS_EXTRA, reason="needs pip install 'factdeck[fonts]'")
# The font each script's letters must be set in (PDF font names, without the subset tag).
FONT_FOR_SCRIPT = {"Latn": "LibertinusSerif", "Grek": "LibertinusSerif", "Cyrl": "LibertinusSerif",
                   "Hebr": "LibertinusSerif", "Arab": "NotoNaskhArabic", "Deva": "NotoSerifDevanagari",
                   "Hang": "NotoSerifKR", "Zyyy": None}
FONT_FOR_LANGUAGE = {"ja": "NotoSerifJP", "zh-CN": "NotoSerifSC", "zh-TW": "NotoSerifTC"}
G_CLEF = "\U0001D11E"  # in none of the packaged fonts


def printed(pdf_path: Path) -> dict[str, set[str]]:
    """Each character the PDF shows, with the fonts (names without subset tags) it is set in."""
    found: dict[str, set[str]] = defaultdict(set)
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                for letter in char["text"]:
                    found[letter].add(char["fontname"].split("+")[-1].split("-")[0])
    return found


def build_scripts(case, run_cli) -> tuple[Path, object]:
    cards = case("print-scripts")
    result = run_cli(cards, "--out", "out", "--only", "pdf", "--strict")
    return Path("out/minimal.pdf"), result


@needs_extra
def test_each_script_is_set_in_its_own_font_and_nothing_is_a_box(case, run_cli):
    pdf, result = build_scripts(case, run_cli)
    assert result.code == 0, result.err
    assert result.err == ""
    shown = printed(pdf)
    import yaml

    cards = yaml.safe_load((ROOTS / "print-scripts" / "cards.yaml").read_text(encoding="utf-8"))["cards"]
    for card in cards:
        texts = [value for key, value in card.items() if key not in ("id", "kind", "source", "language")]
        for char in "".join(map(typographic, texts)):  # printed typeset: curly quotes
            if char.isspace():
                continue
            # A glyph Typst has no font for prints as .notdef, which has no text: every character is found.
            assert char in shown, f"{card['id']}: {char!r} (U+{ord(char):04X}) is not in the PDF"
            script = font_unicodedata.script(char)
            if script in ("Hani", "Hira", "Kana"):
                expected = FONT_FOR_LANGUAGE[card["language"]]
            elif char in "🌍🌏":
                expected = "NotoEmoji"
            else:
                expected = FONT_FOR_SCRIPT.get(script, "LibertinusSerif")
            if expected is not None:
                assert expected in shown[char], f"{card['id']}: {char!r} set in {shown[char]}, not {expected}"


@needs_extra
def test_han_characters_take_their_languages_font(case, run_cli):
    pdf, result = build_scripts(case, run_cli)
    assert result.code == 0, result.err
    shown = printed(pdf)
    assert shown["語"] == {"NotoSerifJP", "NotoSerifTC"}  # in the Japanese card and in the Traditional one
    assert shown["语"] == {"NotoSerifSC"}


def face_chars(pdf_path: Path, page: int, text: str) -> list[dict]:
    """The characters of the face on ``page`` showing ``text`` on one line, left to right on the page."""
    with pdfplumber.open(pdf_path) as pdf:
        width = pdf.pages[page].width
        # Not the scale bar's caption (4.5 pt), which has more letters than a face's line.
        chars = [c for c in pdf.pages[page].chars if c["text"].strip() and c["size"] > 5]
    letters = set(text) - {" "}
    # Faces stand in three columns: the line is where most of the text's letters are.
    groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for c in chars:
        if c["text"] in letters and c["text"].isalpha():
            groups[(int(c["x0"] // (width / 3)), round(c["top"] / 10))].append(c)
    column, _ = max(groups, key=lambda key: len(groups[key]))
    line = max(groups.values(), key=len)
    top = min(c["top"] for c in line)
    return sorted((c for c in chars if c["text"] in letters and int(c["x0"] // (width / 3)) == column
                   and abs(c["top"] - top) <= 8), key=lambda c: c["x0"])


@needs_extra
def test_right_to_left_faces_end_on_the_left(case, run_cli):
    pdf, result = build_scripts(case, run_cli)
    assert result.code == 0, result.err
    hebrew = face_chars(pdf, 0, "מה שלומך?")
    assert hebrew[0]["text"] == "?"  # the end of the sentence, on the left
    assert hebrew[-1]["text"] == "מ"  # its first letter, on the right
    arabic = face_chars(pdf, 0, "“العلم نور.”")
    assert arabic[0]["text"] == "”" and arabic[-1]["text"] == "“"
    mixed = face_chars(pdf, 0, "What does the Arabic word كتاب mean?")
    assert mixed[0]["text"] == "W" or mixed[0]["text"] == "w"  # an English sentence stays left to right


def test_direction_is_decided_by_the_first_strong_letter():
    assert text_direction("מה שלומך?") == "rtl"
    assert text_direction("“العلم نور.”") == "rtl"
    assert text_direction("1932: المجاعة") == "rtl"  # digits and punctuation do not decide
    assert text_direction("The word كتاب") == "ltr"
    assert text_direction("1932") == "ltr"


def write_card(cards: Path, term: str, definition: str) -> None:
    (cards / "cards.yaml").write_text(
        f"deck: Symbols\ncards:\n  - id: sign\n    kind: term\n    term: \"{term}\"\n"
        f"    definition: {definition}\n    source: book\n", encoding="utf-8")


def test_a_character_no_font_has_is_a_warning_at_its_field(case, run_cli):
    cards = case("minimal")
    write_card(cards, f"Violinschl\u00fcssel {G_CLEF}", "The sign that opens a staff in the treble.")
    result = run_cli(cards, "--out", "out", "--only", "pdf")
    assert result.code == 0
    assert (f"cards/cards.yaml:5:11: warning: card 'sign': 'term' has {G_CLEF} (U+1D11E, symbol), which no "
            "print font has: it would print as an empty box; add a font that has it to the fonts/ folder "
            "beside the cards") in result.err
    assert Path("out/minimal.pdf").is_file()


def test_strict_refuses_a_character_no_font_has_before_typesetting(case, run_cli):
    cards = case("minimal")
    write_card(cards, f"Violinschl\u00fcssel {G_CLEF}", "The sign that opens a staff in the treble.")
    result = run_cli(cards, "--out", "out", "--only", "pdf", "--strict")
    assert result.code == 1
    assert "'term' has 𝄞 (U+1D11E, symbol)" in result.err and "Traceback" not in result.err
    assert not Path("out").exists() or not list(Path("out").iterdir())


def test_without_the_extra_han_is_a_warning_that_names_it(case, run_cli, monkeypatch):
    monkeypatch.setattr(fonts, "PACKAGED_FONTS", tuple(f for f in fonts.PACKAGED_FONTS if not f.extra))
    cards = case("minimal")
    write_card(cards, "日本語", "The Japanese language.")
    result = run_cli(cards, "--out", "out", "--only", "pdf", "--strict")
    assert result.code == 1
    assert ("'term' has 日 (U+65E5, Han script), 本 (U+672C, Han script), 語 (U+8A9E, Han script), which no "
            "print font has: they would print as empty boxes; install the fonts for it with "
            "pip install 'factdeck[fonts]'") in result.err


def clef_font(path: Path) -> None:
    """A one-glyph font, family "Deck Clef", whose only letter is the G clef (a square)."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "clef"])
    builder.setupCharacterMap({ord(G_CLEF): "clef"})
    pen = TTGlyphPen(None)
    for x, y in ((100, 0), (100, 700), (500, 700), (500, 0)):
        (pen.moveTo if x == 100 and y == 0 else pen.lineTo)((x, y))
    pen.closePath()
    square = pen.glyph()
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "clef": square})
    builder.setupHorizontalMetrics({".notdef": (600, 0), "clef": (600, 100)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Deck Clef", "styleName": "Regular", "fullName": "Deck Clef",
                            "psName": "DeckClef-Regular", "uniqueFontIdentifier": "DeckClef-Regular",
                            "version": "Version 1.000"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


def test_a_decks_own_fonts_folder_adds_its_fonts(case, run_cli):
    cards = case("minimal")
    write_card(cards, f"Violinschl\u00fcssel {G_CLEF}", "The sign that opens a staff in the treble.")
    (cards / "fonts").mkdir()
    clef_font(cards / "fonts" / "DeckClef.ttf")
    result = run_cli(cards, "--out", "out", "--only", "pdf", "--strict")
    assert result.code == 0, result.err
    assert printed(Path("out/minimal.pdf"))[G_CLEF] == {"DeckClef"}


def test_a_malformed_language_is_an_error_at_its_line(case, run_cli):
    cards = case("minimal")
    text = (cards / "cards.yaml").read_text(encoding="utf-8")
    (cards / "cards.yaml").write_text(text.replace("    kind: term\n", "    kind: term\n    language: japanese!\n", 1),
                                      encoding="utf-8")
    result = run_cli(cards, "--check")
    assert result.code == 1
    assert ("cards/cards.yaml:6:15: card 'kolkhoz': 'language': expected a language tag such as ja, zh-TW or "
            "ar, got 'japanese!'") in result.err


def test_typsts_own_fonts_are_read():
    """Libertinus Serif's cmap is read from Typst's library: Latin, Cyrillic and Hebrew, not Han."""
    assert fonts.uncovered(set("Aжא"), fonts.FontSet((), ())) == set()
    assert fonts.uncovered(set("日"), fonts.FontSet((), ())) == {"日"}


def test_text_in_joining_scripts_is_measured_not_proven():
    """The fitting proof counts widths the probe measured; a character whose width hangs on
    shaping (Hebrew points, Arabic, Devanagari) or that may be a colour glyph (emoji) leaves its
    face to be measured, so no such face is clipped unseen. Han, kana and Hangul are proven."""
    from factdeck.builders.printing.fitting import measurable

    for char in "אاनः🌍":
        assert not measurable(char), char
    assert all(measurable(char) for char in "Aжλ日にカ한、。")


# Japanese with Latin words and CJK punctuation, a piece at a time: the ladder crosses the edge of
# fitting, so some faces are proven and some measured, and each must print the same either way.
JAPANESE_PIECES = ["日本語の", "勉強は", "「楽しい」", "です。", "Tokyo", "は", "首都で、", "JR線", "と",
                   "ひらがな", "カタカナ", "ー", "漢字", "を", "学ぶ。", "2026年", "に", "旅行", "します！"]


@needs_extra
def test_japanese_prints_the_same_whether_proven_or_measured(tmp_path):
    from test_text_extent import built_twice, measured_faces, write_cards

    texts = ["".join((JAPANESE_PIECES * 12)[:length]) + (" Tokyo" * (length % 3))
             for length in range(1, 90, 2)]
    cards = []
    for index, text in enumerate(texts):
        cards += [
            {"id": f"t{index}", "kind": "term", "term": text[:6 + index % 9], "definition": text,
             "source": "book"},
            {"id": f"f{index}", "kind": "fact", "question": text, "answer": "はい", "note": text,
             "source": "book"},
        ]
    write_cards(tmp_path / "cards", cards, sources={"book": {"title": "日本語の本"}})
    settings = tmp_path / "cards" / "deck.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: ja\n", encoding="utf-8")
    proven, measured, source = built_twice(tmp_path / "cards", tmp_path)
    assert proven == measured
    slow, faces = measured_faces(source, tmp_path)
    assert faces // 4 < slow < faces - faces // 4, (slow, faces)


def test_a_file_in_fonts_that_is_no_font_is_an_error_not_a_traceback(case, run_cli):
    cards = case("minimal")
    (cards / "fonts").mkdir()
    (cards / "fonts" / "Broken.ttf").write_bytes(b"not a font at all")
    result = run_cli(cards, "--out", "out", "--only", "pdf")
    assert result.code == 1
    assert result.err.startswith("cards/fonts/Broken.ttf: not a font factdeck can read (")
    assert "remove it or replace it with a .ttf or .otf" in result.err and "Traceback" not in result.err
    assert not Path("out").exists() or not list(Path("out").iterdir())


def test_without_typsts_own_fonts_the_check_says_so_rather_than_warn_of_every_letter(case, run_cli,
                                                                                  monkeypatch):
    monkeypatch.setattr(fonts, "_TYPST_FONTS", [])
    monkeypatch.setattr(fonts, "_find_next_typst_font", lambda: False)
    result = run_cli(case("minimal"), "--out", "out", "--only", "pdf", "--strict")
    assert result.code == 0, result.err
    assert "factdeck: note: the fonts Typst ships were not found in its library" in result.err


def test_the_fast_cmap_reader_agrees_with_fonttools():
    from fontTools.ttLib import TTFont

    for path in fonts.font_set(None).files():
        assert fonts.cmap_codes(TTFont(path, lazy=True)) == frozenset(TTFont(path).getBestCmap()), path


def test_typsts_own_fonts_read_without_fonttools_agree_with_it():
    from io import BytesIO

    from fontTools.ttLib import TTFont

    assert fonts.typst_fonts_found()
    list(fonts._typst_fonts())  # every one found
    assert [family for family, _ in fonts._TYPST_FONTS].count(fonts.TEMPLATE_FONT) >= 4
    for _, font in fonts._TYPST_FONTS:
        assert fonts._font_coverage(font) == frozenset(TTFont(BytesIO(font)).getBestCmap())


@needs_extra
def test_the_timeline_is_set_in_the_decks_language_and_fonts(tmp_path, run_cli):
    from card_folders import write_cards

    cards = [{"id": "meiji", "kind": "date", "event": "明治維新", "date": "1868", "source": "book"}]
    write_cards(tmp_path / "cards", cards, language="zh-TW")
    result = run_cli(tmp_path / "cards", "--out", tmp_path / "out", "--only", "timeline", "--strict")
    assert result.code == 0, result.err
    assert printed(tmp_path / "out" / "minimal-timeline.pdf")["明"] == {"NotoSerifTC"}  # not JP, tried first else


def test_the_fitting_probe_is_set_in_the_cards_language_and_fonts(tmp_path):
    """The probe measures in what the faces are set in: the same language and script fonts, in order."""
    from card_folders import write_cards
    from factdeck.builders import BuildOptions, load_builder
    from factdeck.builders.printing.fitting import probe_for
    from factdeck.pipeline import read_deck
    from factdeck.templating import make_environment

    cards = [{"id": "han", "kind": "term", "term": "語", "definition": "言葉", "source": "book"}]
    deck, log = read_deck(write_cards(tmp_path / "cards", cards, language="zh-TW"))
    builder = load_builder("pdf")(make_environment(None), BuildOptions(epoch=1700000000, log=log))
    layout = builder.layout(deck)

    def settings(source: str) -> list[str]:
        return [line for line in source.splitlines() if line.startswith("#show: body => context")]

    in_probe = settings(builder.probe_source(deck, layout, probe_for(["語"])))
    assert in_probe == settings(builder.source(deck, layout, None))
    assert 'lang: "zh", region: "TW"' in in_probe[0]
    if HAS_EXTRA:
        assert 'with-script-fonts(text.font, ("Noto Serif TC", ' in in_probe[0]  # its Han forms first


def test_only_the_deck_name_that_prints_is_checked_not_subdeck_names(case, run_cli):
    """The deck's name heads the timeline; a subdeck's name is printed nowhere, so it cannot print a box."""
    cards = case("minimal")
    text = (cards / "cards.yaml").read_text(encoding="utf-8")
    (cards / "cards.yaml").write_text(text.replace("deck: Basics", f"deck: Basics {G_CLEF}"), encoding="utf-8")
    assert run_cli(cards, "--check", "--strict").code == 0  # the check itself reads no fonts
    assert run_cli(cards, "--out", "out", "--strict").code == 0
    settings = (cards / "deck.yaml").read_text(encoding="utf-8")
    (cards / "deck.yaml").write_text(settings.replace("name: Minimal", f"name: Minimal {G_CLEF}"), encoding="utf-8")
    result = run_cli(cards, "--out", "out2")
    assert f"warning: deck name has {G_CLEF} (U+1D11E, symbol)" in result.err
