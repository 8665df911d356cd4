"""The card markup: what each role's text may hold, and that HTML and Typst say the same thing."""

from __future__ import annotations

import pytest

from factdeck.markup import MarkupError, Role, check, parse
from factdeck.markup_render import to_html, to_typst


def html(text: str, role: Role = Role.NOTE) -> str:
    return str(to_html(parse(text, role)))


def typst(text: str, role: Role = Role.NOTE) -> str:
    return str(to_typst(parse(text, role)))


def test_plain_text_renders_as_plain_mode_does():
    # A text with no markup looks the same with markup on: escaped, breaks kept, [ made inert for Anki.
    assert html("A [sound:x.mp3] & <b>bold</b>\nnext line") == \
        "A &#91;sound:x.mp3] &amp; &lt;b&gt;bold&lt;/b&gt;<br>next line"
    assert typst("A #strong[x] \\ \"q\"") == '"A #strong[x] \\\\ \\"q\\""'


def test_inline_styles_in_both_outputs():
    text = "A *kulak*, **strong**, `code<1>` and \\*literal\\* _stars_"
    assert html(text, Role.PROMPT) == ("A <em>kulak</em>, <strong>strong</strong>, <code>code&lt;1&gt;</code> "
                                       "and *literal* <em>stars</em>")
    assert typst(text, Role.PROMPT) == ('("A ", emph("kulak"), ", ", strong("strong"), ", ", raw("code<1>"), '
                                        '" and *literal* ", emph("stars")).join()')


def test_intraword_underscores_stay_text():
    assert html("snake_case_name", Role.PROMPT) == "snake_case_name"


def test_lists_only_where_the_role_allows():
    text = "Two causes:\n\n- grain\n- *fear*\n\n3. three"
    assert html(text, Role.ANSWER) == ("<p>Two causes:</p><ul><li>grain</li><li><em>fear</em></li></ul>"
                                       '<ol start="3"><li>three</li></ol>')
    assert typst(text, Role.ANSWER) == ('("Two causes:", parbreak(), list("grain", emph("fear")), parbreak(), '
                                        'enum(start: 3, "three")).join()')
    assert "<ul>" not in html(text, Role.PROMPT)


def test_plain_form_and_provability():
    parsed = parse("*One* line\nand **two**", Role.ANSWER)
    assert (parsed.plain, parsed.provable) == ("One line\nand two", True)
    listed = parse("- a\n- b\n\n2. c", Role.ANSWER)
    assert (listed.plain, listed.provable) == ("• a\n• b\n2. c", False)
    assert not parse("`x`", Role.PROMPT).provable


def test_links_http_only():
    assert html("see [the page](https://example.org/a?b=1&c) now") == \
        'see <a href="https://example.org/a?b=1&amp;c">the page</a> now'
    assert typst("[p](http://e.org)") == 'link("http://e.org", "p")'
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd",
                "vbscript:x", "/relative", "ftp://e.org"):
        with pytest.raises(MarkupError, match="refused"):
            parse(f"[x]({bad})", Role.NOTE)
    assert check("[x](javascript:alert(1))", Role.SOURCE) is not None
    # Where links are not markup, a link is just text: nothing to refuse.
    assert check("[x](javascript:alert(1))", Role.ANSWER) is None
    assert html("[x](javascript:alert(1))", Role.ANSWER) == "[x](javascript:alert(1))"


def test_raw_html_and_entities_stay_text():
    assert html("<script>alert(1)</script> &amp; <img src=x onerror=y>") == \
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &lt;img src=x onerror=y&gt;"


def test_typst_markup_stays_inert():
    # Whatever the text holds, each piece reaches Typst as a string literal.
    out = typst('*#read("/etc/passwd")* ]) #set text(red) `#eval("1")`')
    assert out == ('(emph("#read(\\"/etc/passwd\\")"), " ]) #set text(red) ", raw("#eval(\\"1\\")")).join()')
