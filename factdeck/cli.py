"""The command line: arguments in, a deck built, problems printed as file:line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .builders import BuildOptions, PrintOptions, load_builtin_builders
from .builders.print_layout import (CARD_SIZES, DUPLEX_MODES, PAPERS, card_size_argument,
                                    offset_argument, plan)
from .epoch import build_epoch
from .errors import FactdeckError, Problem, Severity, UsageError
from .load import display_path
from .output import commit, discard, temporary_sibling
from .pipeline import read_deck
from .templating import make_environment


def parser(builder_names: list[str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="factdeck",
        description="Build YAML fact cards into an Anki deck (.apkg) and printable double-sided cards (.pdf).",
        epilog="Exit codes: 0 built, 1 errors in the cards, 2 usage or I/O error.",
    )
    p.add_argument("cards", nargs="?", default="cards", type=Path, metavar="CARDS_DIR",
                   help="folder with deck.yaml, sources.yaml and card files (default: cards)")
    p.add_argument("--out", default="dist", type=Path, metavar="DIR", help="output folder (default: dist)")
    p.add_argument("--only", action="append", choices=builder_names, metavar="FORMAT",
                   help=f"build only this format: {', '.join(builder_names)} (repeatable)")
    p.add_argument("--check", action="store_true", help="validate the cards and write nothing")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--templates", type=Path, metavar="DIR",
                   help="folder of templates overriding the defaults (default: templates/ beside CARDS_DIR)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument("--version", action="version", version=f"factdeck {__version__}")
    printing = p.add_argument_group("print options")
    printing.add_argument("--paper", choices=sorted(PAPERS), default="a4", help="paper size (default: a4)")
    printing.add_argument("--card-size", type=card_size_argument, default="63x88mm", metavar="SIZE",
                          help=f"{', '.join(CARD_SIZES)} or WxH in mm, cm or in (default: 63x88mm)")
    printing.add_argument("--duplex", choices=DUPLEX_MODES, default="long",
                          help="how your printer turns the sheet: long edge (default), short edge, "
                               "or none: front and back side by side, to fold")
    printing.add_argument("--back-offset", type=offset_argument, default=(0.0, 0.0), metavar="X,Y",
                          help="shift the back pages by X,Y mm (right, down) where your printer drifts; "
                               "write negative values as --back-offset=-1,0")
    printing.add_argument("--preview", action="store_true",
                          help="also write DECK-preview.png: the first sheet, front and back")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run factdeck; returns the process exit code."""
    builders = load_builtin_builders()
    argument_parser = parser(sorted(builders))
    args = argument_parser.parse_args(argv)
    args.print = PrintOptions(args.paper, args.card_size, args.duplex, args.back_offset)
    try:
        plan(0, args.print)  # a card too big for the paper is a usage error, found before any work
    except ValueError as error:
        argument_parser.error(str(error))
    try:
        warnings = run(args, builders)
    except FactdeckError as error:
        report(error.problems)
        return error.exit_code
    report(warnings, quiet=args.quiet)
    return 0


def run(args: argparse.Namespace, builders: dict) -> list[Problem]:
    deck, log = read_deck(args.cards, strict=args.strict)
    if args.check:
        if not args.quiet:
            print(f"{display_path(args.cards)}: {len(deck.cards)} cards OK")
        return log.problems
    env = make_environment(args.templates or args.cards.resolve().parent / "templates")
    options = BuildOptions(epoch=build_epoch(args.cards), strict=args.strict, log=log,
                           print=args.print)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create output folder: {exc.strerror or exc}", display_path(args.out))
    names = args.only or [name for name in sorted(builders) if builders[name].default]
    if args.preview and "preview" not in names:
        names.append("preview")
    temporaries: dict[Path, Path] = {}
    summaries = []
    try:
        for name in names:
            builder = builders[name](env, options)
            target = args.out / f"{deck.settings.slug}{builder.suffix}"
            temporaries[target] = temporary_sibling(target)
            summaries.append((target, builder.write(deck, temporaries[target])))
        log.raise_if_errors(args.strict)  # builders may log problems too (text that cannot fit)
        commit(temporaries)
    except OSError as exc:
        discard(temporaries)
        raise UsageError(f"cannot write output: {exc.strerror or exc}", display_path(args.out))
    except BaseException:
        discard(temporaries)
        raise
    if not args.quiet:
        for target, summary in summaries:
            print(f"wrote {display_path(target)}: {summary}")
    return log.problems


def report(problems: list[Problem], quiet: bool = False) -> None:
    """Print problems sorted, then a one-line count; warnings alone print nothing under --quiet."""
    if not problems:
        return
    for problem in sorted(problems, key=Problem.sort_key):
        print(problem.format(), file=sys.stderr)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    print(f"factdeck: {', '.join(parts)}", file=sys.stderr)
