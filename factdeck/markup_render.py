"""One parsed markup tree (:mod:`.markup`) rendered for each output: HTML for Anki, Typst code for print.

Both renderers are the escaping boundary for marked-up text, so they stay
here side by side: every piece of text from the card is escaped as it is
written out (``html_text`` for HTML, a Typst string literal for Typst), and
the only markup emitted is the small vocabulary in the tables below. In Typst
the text never becomes markup: a face's body is a Typst *expression* such as
``("A ", emph("kulak"), " farmer").join()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from markupsafe import Markup

from .markup import Parsed, list_start, text_nodes
from .templating import html_text, typst_string

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode

# Tree node -> the HTML element it becomes (Anki's own editor writes the same elements).
HTML_ELEMENTS = {"em": "em", "strong": "strong", "code_inline": "code", "bullet_list": "ul",
                 "ordered_list": "ol", "list_item": "li", "paragraph": "p"}
# Tree node -> the Typst function that shows it (see templates/print/style.typ for their look).
TYPST_FUNCTIONS = {"em": "emph", "strong": "strong", "code_inline": "raw", "bullet_list": "list",
                   "ordered_list": "enum"}


def to_html(parsed: Parsed) -> Markup:
    """The text as Anki field HTML: a lone paragraph is bare, as plain text is, so short fields look the same."""
    blocks = parsed.tree.children
    if len(blocks) == 1 and blocks[0].type == "paragraph":
        return _html_inline(blocks[0])
    return Markup("").join(_html(block) for block in blocks)


def _html_inline(node: SyntaxTreeNode) -> Markup:
    return Markup("").join(_html(child) for child in node.children)


def _html(node: SyntaxTreeNode) -> Markup:
    kind = node.type
    if kind == "text":
        return html_text(node.content)
    if kind in ("softbreak", "hardbreak"):
        return Markup("<br>")
    if kind == "inline":
        return _html_inline(node)
    if kind == "code_inline":
        return Markup("<code>%s</code>") % html_text(node.content)
    if kind == "link":
        return Markup('<a href="%s">%s</a>') % (str(node.attrs["href"]), _html_inline(node))
    if kind == "paragraph" and node.hidden:  # a tight list's item: no paragraph around it
        return _html_inline(node)
    if kind == "ordered_list" and list_start(node) != 1:
        return Markup('<ol start="%d">%s</ol>') % (list_start(node), _html_inline(node))
    element = HTML_ELEMENTS[kind]
    return Markup(f"<{element}>%s</{element}>") % _html_inline(node)


def to_typst(parsed: Parsed, texts: Mapping[int, str] | None = None) -> Markup:
    """The text as one Typst expression whose every piece of card text is a string literal.

    ``texts`` (from :func:`typeset_texts`) gives the text nodes' texts as printed.
    """
    return _typst_sequence(parsed.tree.children, texts or {}, separator="parbreak()")


def typeset_texts(parsed: Parsed, typeset: Callable[[list[str]], list[str]]) -> dict[int, str]:
    """Each text node's text (by ``id`` of the node) after ``typeset`` of all of them in reading order.

    Typeset together, as one text in pieces: a quote opened before ``*emphasis*``
    closes after it.
    """
    nodes = text_nodes(parsed)
    return {id(node): text for node, text in zip(nodes, typeset([node.content for node in nodes]))}


def _typst_sequence(nodes: list[SyntaxTreeNode], texts: Mapping[int, str], separator: str = "") -> Markup:
    parts: list[Markup] = []
    for node in nodes:
        if node.type == "text" and not node.content:
            continue  # markdown-it leaves empty text after a closing mark
        if parts and separator:
            parts.append(Markup(separator))
        parts.append(_typst(node, texts))
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return typst_string("")
    return Markup("(%s).join()") % Markup(", ").join(parts)


def _typst(node: SyntaxTreeNode, texts: Mapping[int, str]) -> Markup:
    kind = node.type
    if kind == "text":
        return typst_string(texts.get(id(node), node.content))
    if kind in ("softbreak", "hardbreak"):
        return Markup("linebreak()")
    if kind in ("inline", "paragraph"):
        return _typst_sequence(node.children, texts)
    if kind == "list_item":
        return _typst_sequence(node.children, texts, separator="parbreak()")
    if kind == "code_inline":
        return Markup("raw(%s)") % typst_string(node.content)
    if kind == "link":
        return Markup("link(%s, %s)") % (typst_string(node.attrs["href"]), _typst_sequence(node.children, texts))
    items = Markup(", ").join(_typst(child, texts) for child in node.children)
    if kind == "ordered_list":
        return Markup("enum(start: %d, %s)") % (list_start(node), items)
    return Markup(f"{TYPST_FUNCTIONS[kind]}(%s)") % items
