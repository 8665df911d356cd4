"""Typeset pages and probe measurements kept in the build cache, keyed by the Typst source they came from.

The Typst source is the whole of what Typst reads (it runs sealed, see
:mod:`.compiler`): the templates are rendered into it, the fonts are the ones
the ``typst`` package ships, so its version stands for their bytes. A chunk of
a large deck holds its faces' global ``k/N`` numbers, so adding or removing a
card changes the keys of the chunks after it, and editing one card changes only
its own chunk's key.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata

from ...cache import Cache, key_of
from .chunks import ChunkResult

FORMAT = "typeset 1"


@cache
def _versions() -> str:
    return f"typst {metadata.version('typst')}, pypdf {metadata.version('pypdf')}"


def typeset_key(source: str, format: str, epoch: int) -> str:
    """The key of ``source`` typeset as ``format`` ("pdf", "png") at ``epoch``."""
    return key_of(FORMAT, (_versions(), format, str(epoch), source))


def joined_key(chunk_keys: list[str]) -> str:
    """The key of the PDF joined from the chunks of these keys."""
    return key_of(f"{FORMAT} joined", (_versions(), *chunk_keys))


def probe_key(source: str) -> str:
    """The key of what the fitting probe of this source measured."""
    return key_of(f"{FORMAT} probe", (_versions(), source))


def load_typeset(kept: Cache, key: str) -> ChunkResult | None:
    """A typeset chunk (its output, overflows and Typst's warnings), or None."""
    payload = kept.get(key)
    if payload is None:
        return None
    meta, _, output = payload.partition(b"\n")
    try:
        facts = json.loads(meta)
        return ChunkResult(output, tuple(facts["overflows"]), tuple(facts["warnings"]))
    except (ValueError, KeyError, TypeError):
        return None


def store_typeset(kept: Cache, key: str, result: ChunkResult) -> None:
    """Keep a chunk that compiled (an error is never kept: the next build reports it afresh)."""
    if result.error is None:
        meta = json.dumps({"overflows": list(result.overflows), "warnings": list(result.warnings)})
        kept.put(key, meta.encode() + b"\n" + result.pdf)
