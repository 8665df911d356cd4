"""YAML card files -> plain values that remember where they came from.

The loader knows nothing of cards: it turns each file into a tree of
:class:`YamlMap`, :class:`YamlList` and :class:`YamlText` (see
:mod:`factdeck.yaml_tree`), every one carrying its :class:`Position`. Before
YAML sees a file it must be a UTF-8 text file of a sane size without
invisible control characters, so every later line and column is the one the
author's editor shows. A file in the common subset of YAML that card files are
written in is then read line by line (:mod:`factdeck.yaml_lines`); any other,
and every mistake, by PyYAML's events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Position, ProblemLog, display_path, os_error_text
from .yaml_lines import read_lines
from .yaml_tree import DuplicateKey, YamlList, YamlMap, YamlText, YamlValue, TreeBuilder

__all__ = ["DuplicateKey", "LoadedFile", "YamlList", "YamlMap", "YamlText", "YamlValue", "load_yaml_file"]

# A card file of 1 MiB holds some 3,000 cards; the limit keeps a stray huge
# file (a log, a dump) from costing minutes and gigabytes before it is refused.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_CHARACTER_PROBLEMS = 10
_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
         b"\xfe\xff": "UTF-16"}
# Outside what YAML accepts in a file, and the line breaks only YAML knows (NEL,
# U+2028, U+2029: editors show them on one line, YAML starts a new one). Written
# as the few ranges refused: the many allowed took Python's regex compiler ten times as long.
_NOT_ALLOWED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_CHARACTER_NAMES = {"\x00": "NUL", "\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR",
                    "\u2029": "PARAGRAPH SEPARATOR", "\ufffe": "a noncharacter", "\uffff": "a noncharacter"}


@dataclass
class LoadedFile:
    path: Path
    display: str
    root: YamlValue | None = None


def load_yaml_file(path: Path, log: ProblemLog, data: bytes | None = None) -> LoadedFile:
    """Read one YAML file (or ``data``, its bytes read already); problems go to ``log`` and leave ``root`` as None."""
    loaded = LoadedFile(path, display_path(path))
    text = _read_text(path, loaded.display, log, data)
    if text is None:
        return loaded
    if _bad_characters(text, loaded.display, log):
        return loaded
    # The common subset of YAML, read fast; any other file, and every mistake, is PyYAML's.
    loaded.root = read_lines(loaded.display, text)
    if loaded.root is None:
        loaded.root = parse_yaml(text, loaded.display, log)
    return loaded


def parse_yaml(text: str, display: str, log: ProblemLog) -> YamlValue | None:
    """The tree of any YAML text by PyYAML's events, or None after logging what is wrong."""
    import yaml  # here: a deck whose files are all in the common subset never needs it

    from .yaml_errors import describe_yaml_error

    try:  # libyaml is several times faster and keeps the same marks
        loader = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        loader = yaml.SafeLoader  # type: ignore[misc]
    builder = TreeBuilder(display, text, log)
    try:
        root = builder.build(iter(loader(text).get_event, None))
    except yaml.MarkedYAMLError as exc:
        log.error(*describe_yaml_error(exc, text.split("\n"), display))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - the checks above catch what is unmarked
        log.error(Position(display), f"YAML error: {exc}")
        return None
    if builder.documents == 0:
        log.error(Position(display, 1), "file is empty (only comments): add its cards, or delete the file")
    return root


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a card file within :data:`MAX_FILE_BYTES`; None if it is larger or cannot be read,
    which :func:`load_yaml_file` of the path reports."""
    try:
        return None if path.stat().st_size > MAX_FILE_BYTES else path.read_bytes()
    except OSError:
        return None


def _read_text(path: Path, display: str, log: ProblemLog, data: bytes | None = None) -> str | None:
    """The file's text (from ``data`` if given) with a BOM removed and line ends made '\\n', or None
    after logging why not."""
    where = Position(display)
    try:
        size = path.stat().st_size if data is None else len(data)
        if size > MAX_FILE_BYTES:
            log.error(where, f"file is too large: {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                             "for one card file; split it into several files")
            return None
        if data is None:
            data = path.read_bytes()
    except OSError as exc:
        log.error(where, f"cannot read file: {os_error_text(exc)}")
        return None
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            log.error(Position(display, 1, 1), f"file is saved as {encoding}: save it as UTF-8")
            return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        log.error(Position(display, line, column),
                  f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8")
        return None
    # A BOM is harmless (editors on Windows add one); YAML counts CR LF and a
    # lone CR as one line break, and so do we.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        log.error(Position(display, 1), "file is empty: add its cards, or delete the file")
        return None
    return text


def _bad_characters(text: str, display: str, log: ProblemLog) -> bool:
    """Log invisible characters YAML refuses or misreads, the first on each line; true if any."""
    found, line, counted_to, start = 0, 1, 0, 0
    while (match := _NOT_ALLOWED.search(text, start)) is not None:
        found += 1
        line += text.count("\n", counted_to, match.start())
        line_start = text.rfind("\n", 0, match.start()) + 1
        if found > MAX_CHARACTER_PROBLEMS:
            log.error(Position(display, line), "and more lines with invisible characters from here on")
            break
        char = match.group()
        name = _CHARACTER_NAMES.get(char, "a control character")
        log.error(Position(display, line, match.start() - line_start + 1),
                  f"invisible character U+{ord(char):04X} ({name}) is not allowed: delete it")
        counted_to = match.start()
        next_line = text.find("\n", match.start())
        start = len(text) if next_line < 0 else next_line  # one report per line is enough
    return found > 0
