"""Writing outputs so that a failed build never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def temporary_sibling(target: Path) -> Path:
    """A fresh temporary path in ``target``'s folder, so the final rename is atomic."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    return Path(name)


def commit(temporaries: dict[Path, Path]) -> None:
    """Rename each finished temporary file over its target."""
    for target, temporary in temporaries.items():
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)


def discard(temporaries: dict[Path, Path]) -> None:
    for temporary in temporaries.values():
        temporary.unlink(missing_ok=True)
