"""The YAML that card files are written in, read line by line into the same tree as :mod:`yaml_tree`.

Almost every card file is block mappings and lists of plain keys, with values
that are plain or quoted text on one line, ``>-``/``|`` blocks of even
indentation, or ``[flow, lists]`` of plain words. That subset is read here
with one regular expression match a line, instead of PyYAML's event objects
(an event and two marks a value) and the tree builder's work on each, in
about half the instructions. Anything outside the subset, from a tab or an
anchor to a repeated key, a multi-line plain text or a syntax error, makes
:func:`read_lines` give up (return None) so the file is read by the full
parser, which reports what is wrong where it stands. Given the same file, both make the same tree
(same texts, positions and comments); tests/test_yaml_lines.py compares them.
"""

from __future__ import annotations

import re

from .errors import Position
from .yaml_tree import MAX_DEPTH, MAX_VALUES, NULL_WORDS, YamlList, YamlMap, YamlText, YamlValue

# A plain key and its colon, then the rest of the line (maybe nothing) after the spaces.
_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_-]*):(?: +|$)")
# The same, with the two most common values read at once: "text in double quotes" (group 2)
# and plain text (group 3, without its trailing spaces), each alone on the rest of its line.
_ENTRY = re.compile(r"""([A-Za-z0-9_][A-Za-z0-9_-]*):(?:$| +(?:$|"([^"\\]*)"(?: +#.*| *)$"""
                    r"""|([^-?:,\[\]{}#&*!|>'"%@` ](?:.*[^ ])?) *$)?)""")
# Text starting with one of these is YAML syntax (or may be); the full parser reads it.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"(?: +#.*| *)$')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'(?: +#.*| *)$")
_BLOCK_HEADER = re.compile(r"([>|])(-?)(?: +#.*| *)$")
# A flow list of plain words on one line, nothing inside that YAML reads as syntax.
_FLOW_LIST = re.compile(r"\[([^\[\]{}#:'\"]*)\](?: +#.*| *)$")
_FLOW_ITEM = re.compile(r" *([^\s,\[\]{}#:&*!|>'\"%@`?-](?:[^,]*[^\s,])?) *(?:,|$)")


# Named tuples made without their Python-level __new__ (which only packs its arguments):
# a third of the time of making the two positions and the text of every line.
_make = tuple.__new__


class _Beyond(Exception):
    """The file leaves the subset read here."""


class _LineReader:
    """One file's lines; ``at`` is the next line to read."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = text.split("\n")
        self.at = 0
        self.depth = 0   # the lists and mappings open

    def next_indent(self) -> int:
        """The indentation of the next line holding YAML (skipping blank and comment lines); -1 at the end."""
        lines, at = self.lines, self.at
        while at < len(lines):
            line = lines[at]
            content = line.lstrip(" ")
            if content and content[0] != "#":
                self.at = at
                return len(line) - len(content)
            at += 1
        self.at = at
        return -1

    def mapping(self, indent: int, column: int) -> YamlMap:
        """The block mapping whose first key stands at ``column`` of the current line; ``indent`` is its column."""
        # Every line of every card passes here: the common values (plain and "quoted" text)
        # and the step to the next line are written out rather than called.
        self.enter()
        entries: dict[str, YamlValue] = {}
        key_positions: dict[str, Position] = {}
        file, lines, at = self.file, self.lines, self.at
        position = Position(file, at + 1, column + 1)
        end = len(lines)
        while True:
            line = lines[at]
            match = _ENTRY.match(line, column)
            if match is None:
                raise _Beyond
            key = match.group(1)
            if key in entries:  # the full parser reports it with both lines
                raise _Beyond
            key_positions[key] = _make(Position, (file, at + 1, column + 1))
            plain = match.group(3)
            if plain is not None:
                if ": " in plain or " #" in plain or plain[-1] == ":":
                    raise _Beyond
                entries[key] = _make(YamlText, (plain, _make(Position, (file, at + 1, match.start(3) + 1)),
                                                plain in NULL_WORDS, False, None))
            elif match.group(2) is not None:
                entries[key] = _make(YamlText, (match.group(2), _make(Position, (file, at + 1, match.start(2))),
                                                False, False, None))
            elif match.end() < len(line):
                self.at = at
                entries[key] = self.scalar(line, match.end(), indent)
                at = self.at
            else:  # nothing after the colon: a mapping or list on the lines below
                self.at = at + 1
                following = self.next_indent()
                if following > indent:
                    entries[key] = self.block(following)
                elif following == indent and lines[self.at].startswith("-", following):
                    entries[key] = self.sequence(following, compact=True)
                else:  # a key with no value: where YAML puts its empty text is left to YAML
                    raise _Beyond
                at = self.at - 1  # the line the block ended before, less the step below
            at += 1
            while at < end:  # to the next line holding YAML
                line = lines[at]
                content = line.lstrip(" ")
                if content and content[0] != "#":
                    following = len(line) - len(content)
                    break
                at += 1
            else:
                following = -1
            if following != indent:
                self.at = at
                if following > indent:
                    raise _Beyond
                self.depth -= 1
                return YamlMap(entries, key_positions, position)
            column = indent

    def sequence(self, indent: int, compact: bool = False) -> YamlList:
        """The block list whose first '-' starts the current line at ``indent``."""
        self.enter()
        items: list[YamlValue] = []
        position = Position(self.file, self.at + 1, indent + 1)
        lines = self.lines
        while True:
            line = lines[self.at]
            if not line.startswith("- ", indent):
                if compact and line[indent] != "-":
                    self.depth -= 1
                    return YamlList(tuple(items), position)
                raise _Beyond  # "-" alone, "-x" or a stray line
            column = indent + 2
            while line.startswith(" ", column):
                column += 1
            if _KEY.match(line, column) is not None:
                items.append(self.mapping(column, column))
                following = self.next_indent()
            elif line[column] in ">|":  # a block text as an item: left to YAML
                raise _Beyond
            else:
                items.append(self.scalar(line, column, indent))
                self.at += 1
                following = self.next_indent()
            if following < indent:
                self.depth -= 1
                return YamlList(tuple(items), position)
            if following > indent:
                raise _Beyond

    def enter(self) -> None:
        """One more list or mapping open; a file nested as deep as the full parser refuses is left to it."""
        self.depth += 1
        if self.depth >= MAX_DEPTH:
            raise _Beyond

    def block(self, indent: int) -> YamlValue:
        """A mapping or list that starts on the current line, more indented than its key."""
        line = self.lines[self.at]
        if line.startswith("-", indent):
            return self.sequence(indent)
        return self.mapping(indent, indent)

    def scalar(self, line: str, start: int, indent: int) -> YamlValue:
        """The value written from ``start`` of the current line, in a block of ``indent``."""
        first = line[start]
        position = Position(self.file, self.at + 1, start + 1)
        if first not in _INDICATORS:
            written = line[start:].rstrip(" ")
            if ": " in written or " #" in written or written.endswith(":"):
                raise _Beyond
            return YamlText(written, position, written in NULL_WORDS)
        if first == '"':
            match = _DOUBLE_QUOTED.match(line, start)
            if match is None:
                raise _Beyond
            return YamlText(match.group(1), position)
        if first == "'":
            match = _SINGLE_QUOTED.match(line, start)
            if match is None:
                raise _Beyond
            return YamlText(match.group(1).replace("''", "'"), position)
        if first == "[":
            if self.depth + 1 >= MAX_DEPTH:
                raise _Beyond
            return self.flow_list(line, start, position)
        if first in ">|":
            return self.block_text(line, start, indent, position)
        raise _Beyond

    def flow_list(self, line: str, start: int, position: Position) -> YamlList:
        match = _FLOW_LIST.match(line, start)
        if match is None:
            raise _Beyond
        inside, at, end = match.group(1), start + 1, match.end(1)
        items = []
        if inside.strip():
            while at < end:
                item = _FLOW_ITEM.match(line, at, end)
                if item is None:
                    raise _Beyond
                written = item.group(1)
                if ": " in written or " #" in written:
                    raise _Beyond
                items.append(_make(YamlText, (written, _make(Position, (self.file, self.at + 1, item.start(1) + 1)),
                                              written in NULL_WORDS, False, None)))
                at = item.end()
            if line[end - 1] == ",":  # a trailing comma: what YAML makes of it is left to YAML
                raise _Beyond
        elif inside:
            raise _Beyond
        return YamlList(tuple(items), position)

    def block_text(self, line: str, start: int, indent: int, position: Position) -> YamlText:
        """A ``>`` or ``|`` text whose lines all stand at one indentation, with no blank line inside."""
        header = _BLOCK_HEADER.match(line, start)
        if header is None:
            raise _Beyond
        lines = self.lines
        first = self.at + 1
        if first >= len(lines):
            raise _Beyond
        content = lines[first]
        text_indent = len(content) - len(content.lstrip(" "))
        if text_indent <= indent or not content.strip():
            raise _Beyond
        end = first
        while end < len(lines):
            content = lines[end]
            stripped = content.lstrip(" ")
            if not stripped:
                if content:  # spaces only: what they mean in a block depends on their count
                    raise _Beyond
                break
            if len(content) - len(stripped) != text_indent:
                if len(content) - len(stripped) > text_indent:  # a more indented line is kept apart
                    raise _Beyond
                break
            end += 1
        # After a blank line the text must be over: a blank line inside keeps a line break.
        blank = end
        while blank < len(lines) and not lines[blank]:
            blank += 1
        if blank < len(lines) and blank > end:
            after = lines[blank]
            if len(after) - len(after.lstrip(" ")) >= text_indent:
                raise _Beyond
        parts = [content[text_indent:] for content in lines[first:end]]
        text = (" " if header.group(1) == ">" else "\n").join(parts)
        if not header.group(2) and end < len(lines):  # clip: the last line break is kept
            text += "\n"
        self.at = end - 1
        return YamlText(text, position)


def read_lines(file: str, text: str) -> YamlValue | None:
    """The tree of a card file written in the common subset of YAML; None for any other file.

    ``text`` is the file as the loader checked it (UTF-8, line ends made "\\n",
    no invisible control characters).
    """
    # A line opens at most a list, a mapping in it, a key and its flow list, whose items
    # are one more than its commas: a file that might hold more values than the full
    # parser allows is left to it.
    if "\t" in text or 5 * (text.count("\n") + 1) + text.count(",") + 1 > MAX_VALUES:
        return None
    reader = _LineReader(file, text)
    try:
        if reader.next_indent() != 0:
            return None
        root = reader.mapping(0, 0)
    except (_Beyond, IndexError):
        return None
    return root
