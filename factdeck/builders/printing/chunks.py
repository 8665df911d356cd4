"""A large deck typeset in chunks of whole sheets, each in its own process, joined into one PDF.

Typst holds the whole document in memory and its caches only grow within a
process: 10,000 cards in one compile peak at 1.5 GB, and compiling them in
chunks in one process does not help. So each chunk of :data:`SHEETS_PER_CHUNK`
sheets is compiled by a worker process that compiles nothing else, and its
memory goes when it exits. Chunks end on whole sheets, so every back still
follows its front, and the faces keep their global ``k/N`` numbers: the
template is given the whole deck and only the chunk's pages.

pypdf joins the chunks: the first chunk's document (title, dates, language
and file identifier) is cloned and the other chunks' pages are appended, so
the same chunks give the same bytes.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from ...processes import BUILD_PID, SERVER_PID, die_with_parent, leave_stopping_to_parent, stopping_held
from .compiler import TypstFailure, overflows, typst_compiler
from .joining import UnexpectedPdf, join_pdfs
from .layout import Layout
from .pictures import link_pictures

if TYPE_CHECKING:  # imported when workers are started: a rebuild typesets in its own process
    import multiprocessing

# Measured at 10k cards on 2 cores, whole build and peak memory (PSS summed over the parent
# and its workers): 40 sheets a chunk 5.3 s and 328 MB, 50 sheets 5.2 s and 362 MB, 60 sheets
# 5.2 s and 373 MB, 70 sheets 423 MB. Each chunk costs a worker's start, cold caches and its
# own copy of the font subsets; more sheets a chunk cost memory. 40 keeps a 10k deck well
# under 400 MB.
SHEETS_PER_CHUNK = 40
# Up to this many sheets (a thousand 63x88 mm cards) one compile in the builder's own process
# is quicker: Typst spreads one compile over the cores itself, and there is no worker to start
# and nothing to join. 1k cards: 0.9 s at 230-250 MB, against 1.1 s in 40-sheet chunks; at
# 2k cards both take 1.7 s, but one compile peaks at 345 MB (chunks: 240 MB), and at 3k 520 MB.
ONE_COMPILE_SHEETS = 120
# Typst's memory grows with the text it lays out, measured faces most (a face too full is tried
# at smaller sizes): 130 cards of three 5,000-character texts (the cap) took 494 MB in one compile,
# 1,080 of them 3.6 GB. No compile is given more than this many printed characters, a sheet at least.
CHARACTERS_PER_COMPILE = 500_000
WORKERS = min(2, os.cpu_count() or 1)
# A rebuild after an edit typesets as many chunks as it touched: this many are compiled in the
# builder's own thread (Typst lets go of Python's lock), with no worker server to start.
IN_PROCESS_CHUNKS = 1
QUIET_TRACKER = "ignore:resource_tracker:UserWarning"  # a -W option, see worker_context


class WorkerCrash(Exception):
    """A worker process died (killed, out of memory) before returning its chunk."""


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back: the chunk's PDF, its overflows and Typst's warnings, or Typst's error."""

    pdf: bytes = b""
    overflows: tuple[dict[str, object], ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None


def chunks_of(layout: Layout, characters: Sequence[int] = ()) -> list[Layout]:
    """``layout`` as the builder typesets it: whole if small enough, else in chunks of whole sheets.

    ``characters`` is each card's printed text length: a chunk holds at most
    :data:`CHARACTERS_PER_COMPILE` of them (or one sheet), so a deck of long
    texts is typeset in smaller chunks rather than in more memory.
    """
    pages_a_sheet = 2 if layout.pages and layout.pages[0].side == "front" else 1
    weights = sheet_characters(layout, characters, pages_a_sheet)
    if len(layout.pages) <= ONE_COMPILE_SHEETS * pages_a_sheet and sum(weights) <= CHARACTERS_PER_COMPILE:
        return [layout]
    return split(layout, SHEETS_PER_CHUNK, weights)


def sheet_characters(layout: Layout, characters: Sequence[int], pages_a_sheet: int) -> list[int]:
    """The printed characters on each sheet (0 for all when they are not given)."""
    if not characters:
        return [0] * -(-len(layout.pages) // pages_a_sheet)
    return [sum(characters[index] for index in {face.index for face in page.faces})
            for page in layout.pages[::pages_a_sheet]]


def split(layout: Layout, sheets: int, weights: Sequence[int] = ()) -> list[Layout]:
    """``layout`` cut into layouts of at most ``sheets`` whole sheets each (a sheet: a front and its back),
    and of at most :data:`CHARACTERS_PER_COMPILE` printed characters by ``weights`` (one a sheet) unless
    one sheet holds more."""
    pages_a_sheet = 2 if layout.pages and layout.pages[0].side == "front" else 1
    weights = list(weights) or [0] * -(-len(layout.pages) // pages_a_sheet)
    starts, taken, held = [0], 0, 0
    for sheet, weight in enumerate(weights):
        if taken and (taken == max(1, sheets) or held + weight > CHARACTERS_PER_COMPILE):
            starts.append(sheet)
            taken, held = 0, 0
        taken, held = taken + 1, held + weight
    bounds = [start * pages_a_sheet for start in starts] + [max(1, len(layout.pages))]
    return [replace(layout, pages=layout.pages[start:end]) for start, end in zip(bounds, bounds[1:])]


def compile_chunk(source: str, epoch: int, pictures: Path | None = None,
                  font_paths: tuple[Path, ...] | None = None) -> ChunkResult:
    """Compile one chunk (reading ``pictures``, see pictures.py) with ``font_paths``, in a worker those it
    was started with. A Typst error is returned as text."""
    import typst

    with tempfile.TemporaryDirectory() as root:
        link_pictures(Path(root), pictures)
        compiler = typst_compiler(source, Path(root), _FONT_PATHS if font_paths is None else font_paths)
        try:
            # No tags: pypdf cannot join the chunks' structure trees, and dangling ones are worse.
            pdf, warnings = compiler.compile_with_warnings(format="pdf", timestamp=epoch, pdf_tags=False)
            found = overflows(compiler)
        except typst.TypstError as error:
            return ChunkResult(error=error.message)
        except TypstFailure as error:
            return ChunkResult(error=str(error))
        assert isinstance(pdf, bytes)
        return ChunkResult(pdf, tuple(found), tuple(w.message for w in warnings))


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked from a server process that has imported Typst, else spawned."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # Not fork: the parent has threads (Typst's, the .apkg builder's) that a fork would copy mid-flight.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":  # imported once, not in every worker
        # Each worker runs the main script again (build.py: 40-50 ms of imports a worker, 1.2 s
        # of CPU over a 10k deck's 28 chunks) unless what it imports is here already: before
        # Python 3.13.8 and 3.14.1, preloading "__main__" does nothing (CPython gh-137996).
        # The lifeline first: a Ctrl-C while the server imports the rest must not end it with a traceback.
        context.set_forkserver_preload(["factdeck.lifeline", "__main__", "factdeck.cli", __name__, "typst"])
        os.environ[BUILD_PID] = str(os.getpid())  # the server, started from here, dies with this process
    # An interrupted build leaves at once (os._exit), before the pool's semaphores are freed; the
    # resource tracker frees them, as it should, but would print a warning under the one-line message.
    # It is started with the interpreter's -W options.
    if QUIET_TRACKER not in sys.warnoptions:
        sys.warnoptions.append(QUIET_TRACKER)
    return context


def start_workers_server() -> None:
    """Start the server workers are forked from, so it imports Typst while the parent works on."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver, resource_tracker

        # The tracker first: starting it lets SIGINT and SIGTERM through again in this thread.
        resource_tracker.ensure_running()
        with stopping_held():
            forkserver.ensure_running()


def compile_in_workers(sources: Iterable[str], epoch: int, font_paths: tuple[Path, ...] = (),
                       pictures: Path | None = None) -> Iterator[ChunkResult]:
    """Each source compiled in a process of its own, :data:`WORKERS` at a time; the results in order.

    ``sources`` is read as the workers take them, so the first chunk is being
    typeset while the next are rendered. Raises :class:`WorkerCrash` if a
    worker dies. Python 3.10 has no ``max_tasks_per_child``: there a fresh pool
    takes each batch of chunks.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = worker_context()
    chunks = iter(sources)
    if sys.version_info >= (3, 11):
        batches: Iterable[Iterable[str]] = [chunks]
        options = {"max_tasks_per_child": 1}
    else:
        batches, options = iter(lambda: list(islice(chunks, WORKERS)), []), {}
    for batch in batches:
        pool = ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_start_worker,
                                   initargs=(font_paths,), **options)
        interrupted = False
        try:
            futures = [pool.submit(compile_chunk, source, epoch, pictures) for source in batch]
            for future in futures:
                yield future.result()
        except BrokenProcessPool as error:
            raise WorkerCrash(str(error)) from None
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: leave at once; the workers die with this process
            interrupted = True
            raise
        finally:
            pool.shutdown(wait=not interrupted, cancel_futures=True)


def _start_worker(font_paths: tuple[Path, ...]) -> None:
    """In a worker: the build stops it (by ending), not a signal to the process group; it dies with its server.
    It compiles with the build's fonts.

    Spawned workers (no fork server) are the build's own children.
    """
    global _FONT_PATHS
    leave_stopping_to_parent()
    die_with_parent(int(os.environ.get(SERVER_PID) or os.environ.get(BUILD_PID) or os.getppid()))
    _FONT_PATHS = font_paths


_FONT_PATHS: tuple[Path, ...] = ()  # in a worker: the folders of fonts Typst is given besides its own


def join(pdfs: Iterable[bytes]) -> bytes:
    """The pages of ``pdfs`` in order, as one PDF with the first one's title, dates and identifier.

    Renumbered and copied as Typst wrote them (:mod:`.joining`); a chunk laid out
    otherwise is joined with pypdf, which reads every object.
    """
    coming, taken = iter(pdfs), []  # each chunk is read as it is typeset; pypdf gets them all if it must

    def taking() -> Iterator[bytes]:
        for pdf in coming:
            taken.append(pdf)
            yield pdf

    try:
        return join_pdfs(taking())
    except UnexpectedPdf:
        return join_parsed([*taken, *coming])


def join_parsed(pdfs: Iterable[bytes]) -> bytes:
    """:func:`join` by pypdf: every chunk parsed into objects, its pages cloned into the first one's document."""
    import pypdf
    from pypdf.generic import NameObject

    writer: pypdf.PdfWriter | None = None
    for pdf in pdfs:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        if writer is None:
            writer = pypdf.PdfWriter(clone_from=reader)
            # Its XMP counts only the first chunk's pages; the /Info dictionary says the rest.
            writer.root_object.pop(NameObject("/Metadata"), None)
        else:
            for page in reader.pages:
                writer.add_page(page)
    assert writer is not None, "no chunks to join"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
