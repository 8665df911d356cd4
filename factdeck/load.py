"""YAML card files -> plain values that remember where they came from.

The loader knows nothing of cards: it turns each file into a tree of
:class:`YamlMap`, :class:`YamlList` and :class:`YamlText`, every one carrying
its :class:`Position`. Scalars are kept as the text written in the file, so
YAML's implicit typing never changes a card (``no`` stays "no", ``1.10`` stays
"1.10", ``1929-30`` stays "1929-30"). Anchors and aliases are refused, which
also makes alias bombs impossible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import yaml

from .errors import Position, ProblemLog

try:  # libyaml is several times faster and keeps the same marks
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader without implicit typing: every value is read as text anyway, so
    only the merge key ``<<`` (refused below) needs a tag. Matching each scalar against
    YAML's int/float/bool/date patterns was a tenth of the load time."""

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return MERGE_TAG if implicit[0] and value == "<<" else "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"

MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class YamlText:
    """A scalar, exactly as written. ``null`` is true for ``~``, ``null`` or nothing."""

    text: str
    position: Position
    null: bool = False


@dataclass(frozen=True)
class YamlList:
    items: tuple[YamlValue, ...]
    position: Position


@dataclass(frozen=True)
class YamlMap:
    """A mapping with string keys, in file order, each key keeping its own position."""

    entries: dict[str, YamlValue]
    key_positions: dict[str, Position]
    position: Position

    def get(self, key: str) -> YamlValue | None:
        return self.entries.get(key)


YamlValue = Union[YamlText, YamlList, YamlMap]


@dataclass
class LoadedFile:
    path: Path
    display: str
    root: YamlValue | None = None


_NULL_WORDS = {"", "~", "null", "Null", "NULL"}


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_yaml_file(path: Path, log: ProblemLog) -> LoadedFile:
    """Read one YAML file; problems go to ``log`` and leave ``root`` as None."""
    loaded = LoadedFile(path, display_path(path))
    where = Position(loaded.display)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            log.error(where, f"file is {size / 1e6:.1f} MB; card files are limited to "
                             f"{MAX_FILE_BYTES // (1024 * 1024)} MiB: split it into several files")
            return loaded
        data = path.read_bytes()
    except OSError as exc:
        log.error(where, f"cannot read file: {exc.strerror or exc}")
        return loaded
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        log.error(Position(loaded.display, line, column),
                  f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8")
        return loaded
    text = text.removeprefix("\ufeff")  # a BOM is harmless; editors on Windows add one
    if not text.strip():
        log.error(Position(loaded.display, 1), "file is empty")
        return loaded
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        log.error(_mark_position(loaded.display, exc.problem_mark or exc.context_mark),
                  _describe_yaml_error(exc, text))
        return loaded
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        log.error(where, f"YAML error: {exc}")
        return loaded
    if node is None:
        log.error(Position(loaded.display, 1), "file is empty")
        return loaded
    loaded.root = _convert(node, loaded.display, log, set())
    return loaded


def _mark_position(file: str, mark: yaml.Mark | None) -> Position:
    if mark is None:
        return Position(file)
    return Position(file, mark.line + 1, mark.column + 1)


def _describe_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        return "tab character: YAML indents with spaces only; replace the tab with spaces"
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        start = exc.context_mark
        opened = f" (the quote opened on line {start.line + 1})" if start else ""
        return f"unclosed quoted text{opened}"
    if exc.context:
        return f"YAML syntax error: {exc.context}, {problem}"
    return f"YAML syntax error: {problem}"


def _convert(node: yaml.Node, file: str, log: ProblemLog, seen: set[int]) -> YamlValue:
    # The hottest loop of a build (every value of every card): marks are read inline.
    mark = node.start_mark
    position = Position(file, mark.line + 1, mark.column + 1)
    if id(node) in seen:
        # The composer hands back the anchored node itself for an alias.
        log.error(position, "anchors and aliases (& and *) are not allowed in card files")
        return YamlText("", position, null=True)
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        is_null = node.style is None and node.value in _NULL_WORDS
        return YamlText(node.value, position, null=is_null)
    if isinstance(node, yaml.SequenceNode):
        return YamlList(tuple([_convert(item, file, log, seen) for item in node.value]), position)
    entries: dict[str, YamlValue] = {}
    key_positions: dict[str, Position] = {}
    for key_node, value_node in node.value:
        mark = key_node.start_mark
        key_position = Position(file, mark.line + 1, mark.column + 1)
        if not isinstance(key_node, yaml.ScalarNode):
            log.error(key_position, "a key must be plain text, not a list or mapping")
            continue
        key = key_node.value
        if key == "<<" and key_node.tag == MERGE_TAG:
            log.error(key_position, "merge keys (<<) are not allowed in card files")
            continue
        if key in entries:
            first = key_positions[key]
            log.error(key_position, f"duplicate key '{key}' (first given on line {first.line}); "
                                    "YAML would silently keep only the last one")
            continue
        key_positions[key] = key_position
        entries[key] = _convert(value_node, file, log, seen)
    return YamlMap(entries, key_positions, position)
