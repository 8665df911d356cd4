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
import multiprocessing
import os
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from .compiler import overflows, typst_compiler
from .layout import Layout
from .pictures import link_pictures

if TYPE_CHECKING:
    import typst

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
WORKERS = min(2, os.cpu_count() or 1)


class WorkerCrash(Exception):
    """A worker process died (killed, out of memory) before returning its chunk."""


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back: the chunk's PDF, its overflows and Typst's warnings, or Typst's error."""

    pdf: bytes = b""
    overflows: tuple[dict[str, object], ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None


def chunks_of(layout: Layout) -> list[Layout]:
    """``layout`` as the builder typesets it: whole if small enough, else in chunks of whole sheets."""
    pages_a_sheet = 2 if layout.pages and layout.pages[0].side == "front" else 1
    if len(layout.pages) <= ONE_COMPILE_SHEETS * pages_a_sheet:
        return [layout]
    return split(layout, SHEETS_PER_CHUNK)


def split(layout: Layout, sheets: int) -> list[Layout]:
    """``layout`` cut into layouts of at most ``sheets`` whole sheets each (a sheet: a front and its back)."""
    pages_a_sheet = 2 if layout.pages and layout.pages[0].side == "front" else 1
    size = max(1, sheets) * pages_a_sheet
    return [replace(layout, pages=layout.pages[start:start + size])
            for start in range(0, max(1, len(layout.pages)), size)]


def compile_chunk(source: str, epoch: int, pictures: Path | None = None) -> ChunkResult:
    """In a worker: compile one chunk (reading ``pictures``, see pictures.py). A Typst error is returned as text."""
    import typst

    with tempfile.TemporaryDirectory() as root:
        link_pictures(Path(root), pictures)
        compiler = typst_compiler(source, Path(root))
        try:
            # No tags: pypdf cannot join the chunks' structure trees, and dangling ones are worse.
            pdf, warnings = compiler.compile_with_warnings(format="pdf", timestamp=epoch, pdf_tags=False)
        except typst.TypstError as error:
            return ChunkResult(error=error.message)
        assert isinstance(pdf, bytes)
        return ChunkResult(pdf, tuple(overflows(compiler)), tuple(w.message for w in warnings))


def worker_context() -> multiprocessing.context.BaseContext:
    """How workers start: forked from a server process that has imported Typst, else spawned."""
    methods = multiprocessing.get_all_start_methods()
    # Not fork: the parent has threads (Typst's, the .apkg builder's) that a fork would copy mid-flight.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":  # imported once, not in every worker
        # Each worker runs the main script again (build.py: 40-50 ms of imports a worker, 1.2 s
        # of CPU over a 10k deck's 28 chunks) unless what it imports is here already: before
        # Python 3.13.8 and 3.14.1, preloading "__main__" does nothing (CPython gh-137996).
        context.set_forkserver_preload(["__main__", "factdeck.cli", __name__, "typst"])
    return context


def start_workers_server() -> None:
    """Start the server workers are forked from, so it imports Typst while the parent works on."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def compile_in_workers(sources: Iterable[str], epoch: int, pictures: Path | None = None) -> Iterator[ChunkResult]:
    """Each source compiled in a process of its own, :data:`WORKERS` at a time; the results in order.

    ``sources`` is read as the workers take them, so the first chunk is being
    typeset while the next are rendered. Raises :class:`WorkerCrash` if a
    worker dies. Python 3.10 has no ``max_tasks_per_child``: there a fresh pool
    takes each batch of chunks.
    """
    context = worker_context()
    chunks = iter(sources)
    if sys.version_info >= (3, 11):
        batches: Iterable[Iterable[str]] = [chunks]
        options = {"max_tasks_per_child": 1}
    else:
        batches, options = iter(lambda: list(islice(chunks, WORKERS)), []), {}
    for batch in batches:
        pool = ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_leave_interrupts_to_parent,
                                   **options)
        try:
            futures = [pool.submit(compile_chunk, source, epoch, pictures) for source in batch]
            for future in futures:
                yield future.result()
        except BrokenProcessPool as error:
            raise WorkerCrash(str(error)) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _leave_interrupts_to_parent() -> None:
    """In a worker: ignore Ctrl-C, which the whole process group gets; the parent stops the build."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def join(pdfs: Iterable[bytes]) -> bytes:
    """The pages of ``pdfs`` in order, as one PDF with the first one's title, dates and identifier."""
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
