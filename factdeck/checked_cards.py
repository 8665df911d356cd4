"""A card file's checked cards and problems as JSON, so an unchanged file is not read and validated again.

The entry's key holds everything validating the file depends on: its bytes,
the name it is shown by (every position carries it), deck.yaml and
sources.yaml (the root deck name, the note type ids, the sources cited) and,
through :func:`cache.key_of`, factdeck's code. Only a file that validated
without an error is kept (a failed build reads it again anyway), and none
whose cards carry media (their checks read the media files, which the key
does not hold). Cited sources
are kept by key and taken from this build's sources, which the key fixes.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any

from .cache import Cache, key_of
from .card_media import NO_MEDIA
from .errors import Position, Problem, Severity
from .model import CARD_KINDS, Card, Source

FORMAT = "checked-cards 1"


def checked_key(display: str, data: bytes, settings: bytes, sources: bytes) -> str:
    """The key of a card file's checked cards."""
    return key_of(FORMAT, (display, data, settings, sources))


def load_checked(cache: Cache, key: str, sources: dict[str, Source]) -> tuple[list[Card], list[Problem]] | None:
    """The cards and problems kept under ``key``, or None when absent or not readable as ours."""
    entry = cache.get_json(key)
    if entry is None:
        return None
    try:
        return ([_card(raw, sources) for raw in entry["cards"]],
                [Problem(_position(p["at"]), p["message"], p["card"], Severity(p["severity"]))
                 for p in entry["problems"]])
    except (KeyError, TypeError, ValueError, IndexError):  # intact but not what this code writes
        return None


def store_checked(cache: Cache, key: str, cards: list[Card], problems: list[Problem]) -> None:
    """Keep a file's cards and problems; a card with a value this format cannot hold is not kept."""
    if not cache.writable:  # --check: nothing would be kept, so nothing is encoded
        return
    try:
        entry = {"cards": [_raw(card) for card in cards],
                 "problems": [{"at": _raw_position(p.position), "message": p.message, "card": p.card_id,
                               "severity": p.severity.value} for p in problems]}
    except TypeError:
        return
    cache.put_json(key, entry)


def _raw(card: Card) -> dict[str, Any]:
    raw: dict[str, Any] = {"kind": card.KIND}
    for spec in fields(card):
        value = getattr(card, spec.name)
        if spec.name == "sources":
            raw[spec.name] = [source.key for source in value]
        elif spec.name == "field_positions":
            raw[spec.name] = {name: _raw_position(position) for name, position in value.items()}
        elif spec.name == "media":  # a picture's bytes are not in the key: a file with media is read afresh
            if value != NO_MEDIA:
                raise TypeError("a card with media is not kept")
            raw[spec.name] = None
        elif isinstance(value, Position):
            raw[spec.name] = _raw_position(value)
        elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            raw[spec.name] = list(value)
        elif isinstance(value, (str, int)):  # bool too: JSON keeps true apart from 1
            raw[spec.name] = value
        else:
            raise TypeError(f"{type(card).__name__}.{spec.name}: {type(value).__name__} is not kept")
    return raw


def _card(raw: dict[str, Any], sources: dict[str, Source]) -> Card:
    """A card from what :func:`_raw` made of it (the entry is intact: the cache checked its hash)."""
    kind = CARD_KINDS[raw.pop("kind")]
    for name, value in raw.items():
        if isinstance(value, list):  # tags: what _raw keeps as a list is a tuple of strings
            raw[name] = tuple(value)
    raw["sources"] = tuple(sources[key] for key in raw["sources"])
    raw["position"] = _position(raw["position"])
    raw["field_positions"] = {name: _make(Position, where) for name, where in raw["field_positions"].items()}
    if "media" in raw:
        raw["media"] = NO_MEDIA
    if raw.keys() != _field_names(kind):  # pragma: no cover - what _raw writes has every field
        raise KeyError("not every field kept")
    # Restored as pickle restores an object, its fields set at once: the entry holds every field of
    # a card that was checked when it was kept, and a frozen dataclass's __init__ sets them one by one.
    card = object.__new__(kind)
    card.__dict__.update(raw)
    return card


_make = tuple.__new__  # a named tuple from the list JSON keeps it as, without its Python-level __new__


@cache
def _field_names(kind: type[Card]) -> frozenset[str]:
    return frozenset(spec.name for spec in fields(kind))


def _raw_position(position: Position) -> list[str | int]:
    return [position.file, position.line, position.column]


def _position(raw: list[Any]) -> Position:
    file, line, column = raw
    if not isinstance(file, str) or not isinstance(line, int) or not isinstance(column, int):
        raise TypeError("not a position")
    return Position(file, line, column)
