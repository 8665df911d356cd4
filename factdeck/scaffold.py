"""``factdeck new DIR``: start a deck repository, ready for git, CI and an editor.

It writes deck settings with ids drawn at random (a deck's identity in Anki,
so two decks made this way never collide), a sources file, one example card
of each kind, JSON Schemas for editors, the GitHub Actions workflow and a
README. It never overwrites a file: if any of them exists, nothing is written.
"""

from __future__ import annotations

import argparse
import secrets
from datetime import date
from pathlib import Path

from . import __version__
from .builders.anki_lock import LOCK_NAME, Lock, format_lock
from .errors import FactdeckError, Position, Problem, UsageError
from .errors import display_path
from .model import CARD_KINDS, slugify
from .note_type_ids import ID_RANGE
from .schema import render_schemas
from .templating import make_environment

# Each file of a new repository and the template under templates/scaffold/ it comes from.
FILES = {
    "cards/deck.yaml": "deck.yaml",
    "cards/sources.yaml": "sources.yaml",
    "cards/examples.yaml": "examples.yaml",
    "cards/pictures/moon.svg": "moon.svg",  # the picture on an example card
    "README.md": "README.md",
    ".gitignore": "gitignore",
}
WORKFLOW = ".github/workflows/decks.yml"  # from templates/scaffold/decks.yml, see workflow()
SCHEMA_FOLDER = "schema"
LOCK = f"cards/{LOCK_NAME}"
# A kind's note type id grows by one per version (builders/anki.py), so keep kinds far apart.
ID_SPACING = 1000


def fresh_ids(count: int) -> list[int]:
    """``count`` random ids, pairwise at least ``ID_SPACING`` apart."""
    ids: list[int] = []
    while len(ids) < count:
        candidate = secrets.randbelow(ID_RANGE[1] - ID_RANGE[0] - ID_SPACING) + ID_RANGE[0]
        if all(abs(candidate - other) >= ID_SPACING for other in ids):
            ids.append(candidate)
    return ids


def workflow(install: str, cards: str = "cards") -> str:
    """The GitHub Actions workflow of a deck repository; ``install`` is its factdeck install command."""
    return make_environment().get_template("scaffold/decks.yml").render(install=install, cards=cards)


def render_files(name: str) -> dict[str, str]:
    """Every file of a new deck repository named ``name``, by path, with fresh ids."""
    slug = slugify(name)
    deck_id, *type_ids = fresh_ids(1 + len(CARD_KINDS))
    context = {
        "name": name, "slug": slug, "year": date.today().year,
        "description": f"{name}: fact cards written with factdeck.",
        "deck_id": deck_id, "note_type_ids": dict(zip(CARD_KINDS, type_ids)),
        # The name alone could repeat across decks; the suffix keeps GUIDs apart.
        "guid_namespace": f"{slug}-{secrets.token_hex(4)}",
    }
    env = make_environment()
    files = {path: env.get_template(f"scaffold/{template}").render(context) for path, template in FILES.items()}
    files[WORKFLOW] = workflow(f"pip install factdeck=={__version__}")
    files[LOCK] = format_lock(Lock())  # the build keeps each Anki note's time of change in it
    files.update({f"{SCHEMA_FOLDER}/{schema}": text for schema, text in render_schemas().items()})
    return files


def scaffold(folder: Path, name: str) -> list[Path]:
    """Write a new deck repository into ``folder``; raises without writing if any file exists."""
    files = {folder / path: text for path, text in render_files(name).items()}
    existing = [path for path in files if path.exists() or path.is_symlink()]
    if existing:
        raise FactdeckError([Problem(Position(display_path(path)), "already exists; 'factdeck new' "
                                     "never overwrites a file: choose an empty folder") for path in existing],
                            exit_code=2)
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as stream:  # "x": fail rather than overwrite
                stream.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write the new deck: {exc.strerror or exc}", display_path(folder))
    return list(files)


def main(argv: list[str]) -> int:
    """``factdeck new DIR [--name NAME]``: start a deck repository."""
    p = argparse.ArgumentParser(prog="factdeck new",
                                description="Start a deck repository: deck settings with fresh ids, a sources "
                                            "file, example cards, JSON Schemas, a GitHub Actions workflow.")
    p.add_argument("folder", type=Path, metavar="DIR", help="the new repository's folder (may exist, if empty "
                                                           "of the files written)")
    p.add_argument("--name", help="the deck's name in Anki (default: from DIR, e.g. 'spanish-verbs' -> "
                                  "'Spanish Verbs')")
    args = p.parse_args(argv)
    name = (args.name or args.folder.resolve().name.replace("-", " ").replace("_", " ").title()).strip()
    if not name:
        raise UsageError("the deck needs a name: pass --name")
    written = scaffold(args.folder, name)
    where = display_path(args.folder)
    for path in written:
        print(f"wrote {display_path(path)}")
    print(f"next: cd {where} && git init && factdeck build cards")
    return 0
