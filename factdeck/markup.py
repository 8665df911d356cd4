"""Card text markup: a small Markdown subset, parsed once, shown the same in Anki and on paper.

A deck opts in with ``markup: markdown`` in ``deck.yaml``; without it card
text is plain, as it always was. The subset is what study cards need and no
more: ``*emphasis*``, ``**strong**``, ```code```, line breaks (every line
break in a text is one), bulleted and numbered lists (in answers and notes),
and ``[links](https://...)`` (in notes and source notes). Everything else,
raw HTML included, stays the text it is. A literal ``*``, ``_`` or backtick
is written with a backslash before it (``\\*``).

markdown-it-py parses it with only those rules switched on, and the one
parsed tree (:class:`Parsed`) is rendered to HTML for Anki and to Typst code
for print by :mod:`.markup_render`. Parsing is where bad input is caught: a
link to anything but ``http(s)://`` is an error at the field's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

MARKUP_STYLES = ("plain", "markdown")
# A link must go to a web page: javascript:, data:, file: and the like would run or
# read something on the student's machine when a card is clicked.
LINK_SCHEME = re.compile(r"^https?://", re.IGNORECASE)


class Role(Enum):
    """What a text is on its card, which decides the markup it may hold.

    A prompt is one short line or two: inline styles only. An answer may be a
    short list. A note may also link to further reading; so may a source's note.
    """

    PROMPT = ("emphasis", "backticks", "newline", "escape")
    ANSWER = PROMPT + ("list",)
    NOTE = ANSWER + ("link",)
    SOURCE = PROMPT + ("link",)


class MarkupError(ValueError):
    """Text the markup refuses (a link to a scheme other than http(s)); the message says why."""


@dataclass(frozen=True)
class Parsed:
    """A text's markup tree, and what the print fitting needs to know of it.

    ``plain`` is the text as a reader sees it (breaks as newlines, list items
    on their own lines), for measuring; ``provable`` is False when the text
    holds something the fitting proof cannot count (a list's indent, code's
    other font), so its face is measured instead.
    """

    tree: SyntaxTreeNode
    plain: str
    provable: bool


@lru_cache(maxsize=None)
def _parser(role: Role) -> MarkdownIt:
    from markdown_it import MarkdownIt  # here, not at the top: plain decks never load it

    parser = MarkdownIt("zero", {"html": False, "breaks": True}).enable(list(role.value))
    # Every link is kept, to be checked by _check_links: markdown-it's own check drops a
    # bad link in silence, leaving the author unaware their link is gone.
    parser.validateLink = lambda url: True
    return parser


@lru_cache(maxsize=4096)  # texts recur across a deck (answers, source notes)
def parse(text: str, role: Role) -> Parsed:
    """``text`` parsed as markup for its ``role``; raises :class:`MarkupError` for a refused link."""
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(_parser(role).parse(text))
    _check_links(tree)
    return Parsed(tree, _plain(tree).strip("\n"), provable=not _has(tree, ("code_inline", "bullet_list",
                                                                            "ordered_list")))


def check(text: str, role: Role) -> str | None:
    """Why ``text`` is refused as markup for ``role``, or None when it is fine."""
    try:
        parse(text, role)
    except MarkupError as error:
        return str(error)
    return None


def _check_links(node: SyntaxTreeNode) -> None:
    for child in node.walk():
        if child.type == "link":
            url = str(child.attrs.get("href", ""))
            if not LINK_SCHEME.match(url):
                shown = url if len(url) <= 40 else url[:37] + "..."
                raise MarkupError(f"link to '{shown}' refused: links go to http:// or https:// addresses only")


def text_nodes(parsed: Parsed) -> list[SyntaxTreeNode]:
    """The tree's text nodes in reading order: the prose, not code, which is printed as written."""
    return [node for node in parsed.tree.walk() if node.type == "text" and node.content]


def shown_text(parsed: Parsed, texts: Mapping[int, str]) -> str:
    """``parsed.plain`` with the text nodes' texts from ``texts`` (by ``id`` of the node) where it has them."""
    return _plain(parsed.tree, texts).strip("\n")


def _has(node: SyntaxTreeNode, types: tuple[str, ...]) -> bool:
    return any(child.type in types for child in node.walk())


_AS_WRITTEN: Mapping[int, str] = MappingProxyType({})


def _plain(node: SyntaxTreeNode, texts: Mapping[int, str] = _AS_WRITTEN) -> str:
    """The text a node shows, with a line per paragraph, break and list item."""
    kind = node.type
    if kind == "text":
        return texts.get(id(node), node.content)
    if kind == "code_inline":
        return node.content
    if kind in ("softbreak", "hardbreak"):
        return "\n"
    inner = "".join(_plain(child, texts) for child in node.children)
    if kind == "list_item":
        return _marker(node) + inner.strip("\n") + "\n"
    if kind in ("paragraph", "bullet_list", "ordered_list"):
        return inner.strip("\n") + "\n"
    return inner


def _marker(item: SyntaxTreeNode) -> str:
    """How a list item starts when printed: a bullet, or its number."""
    parent = item.parent
    assert parent is not None
    if parent.type == "bullet_list":
        return "• "
    return f"{list_start(parent) + parent.children.index(item)}. "


def list_start(ordered: SyntaxTreeNode) -> int:
    """The number an ordered list starts at (``3.`` starts at 3)."""
    return int(ordered.attrs.get("start", 1))
