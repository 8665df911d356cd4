"""The processes a large PDF is typeset in (see ``builders/printing/chunks``), tied to the build's life.

Standard library only: the worker server imports :mod:`factdeck.lifeline`,
which uses this, before anything else, so a Ctrl-C while it starts is ignored.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Environment variables naming the processes a worker's server and a worker must outlive no longer.
BUILD_PID, SERVER_PID = "FACTDECK_BUILD_PID", "FACTDECK_WORKER_SERVER_PID"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent``, its parent, ends (Linux); end now if it has.

    Elsewhere only the second half holds: a process already orphaned ends.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the line above was in force
        os._exit(1)


STOPPING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def leave_stopping_to_parent() -> None:
    """Ignore Ctrl-C, SIGTERM and SIGHUP, which the whole process group gets: the build stops itself,
    and this process ends with it. They may have been held since the process started (see
    :func:`stopping_held`): once ignored, they are let through, to be dropped."""
    for number in STOPPING:
        signal.signal(number, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)


@contextmanager
def stopping_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP in this thread while it starts a process.

    The new process inherits the held mask, so a Ctrl-C to the process group in the
    moment before it can ignore them (while Python itself starts up) waits instead of
    ending it with a traceback on the user's terminal. The build still gets them: its
    main thread holds nothing.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
