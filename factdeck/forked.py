"""Work on a second core: a function run in a forked process, its result sent back pickled.

Reading cards and making notes are pure Python, so a thread would not help; a
forked process starts with everything the build has already imported and made.
A caller forks only when :func:`may_fork` says a core is free, and does the
work itself when the process fails (its result is then None), so what the
build makes never depends on whether it forked.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Result = TypeVar("Result")
Item = TypeVar("Item")
Made = TypeVar("Made")


def may_fork() -> bool:
    """Whether forking can help: a second core, by the last minute's load idle, and no other thread.

    On a machine whose cores are all busy the process only takes turns with
    the build, and pickling its work back makes the whole slower (bench/HISTORY.md).
    A fork copies no other thread, so a lock one of them holds would stay held.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return cores >= 2 and load < cores - 0.5


class ForkedWork(Generic[Result]):
    """A forked process running one function; :meth:`result` waits for what it returned."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe

    @classmethod
    def start(cls, work: Callable[[], Result]) -> ForkedWork[Result] | None:
        """Fork a process running ``work``; None when it cannot start."""
        try:
            readable, writable = os.pipe()
        except OSError:
            return None
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            os.close(readable)
            os.close(writable)
            return None
        if pid == 0:  # the process: work, send, leave without running anything of the parent's
            code = 1
            try:
                import pickle

                os.close(readable)
                _leave_stopping_to_the_build()
                result = work()
                with os.fdopen(writable, "wb") as pipe:
                    pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(writable)
        return cls(pid, readable)

    def result(self) -> Result | None:
        """What ``work`` returned, once the process has ended; None if it failed."""
        import pickle  # here: a build that never forks never needs it

        with os.fdopen(self.pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return pickle.loads(data)  # noqa: S301 - our own process's result, through our own pipe
        except Exception:  # pragma: no cover - a process that ended cleanly sent all of it
            return None

    def end(self) -> None:
        """Stop the process and wait for it (the build is stopping)."""
        for stop in (lambda: os.close(self.pipe), lambda: os.kill(self.pid, signal.SIGKILL),
                     lambda: os.waitpid(self.pid, 0)):
            try:
                stop()
            except OSError:
                pass


def while_forked(forked: ForkedWork[Result] | None, here: Callable[[], Made]) -> tuple[Made, Result | None]:
    """What ``here()`` makes in this process meanwhile, then what ``forked`` returned (None if it failed
    or there is none). Should ``here`` raise (Ctrl-C, an error), the process goes with the build."""
    try:
        done = here()
        return done, forked.result() if forked is not None else None
    except BaseException:
        if forked is not None:
            forked.end()
        raise


def _leave_stopping_to_the_build() -> None:
    """Ctrl-C and SIGTERM are the build's to handle: the process ends with it (or is ended by it)."""
    from .processes import die_with_parent, leave_stopping_to_parent

    leave_stopping_to_parent()
    die_with_parent(os.getppid())


def made_on_two_cores(items: Sequence[Item], make: Callable[[Item], Made], share: float,
                      advance: Callable[[], None] = lambda: None) -> list[Made]:
    """``[make(item) for item in items]``, the last ``share`` of them in a forked process if ``may_fork()``.

    ``advance`` is called once for each item made. A process that fails has its
    items made here, so an error is raised as if there had been one process.
    """
    split = len(items) - int(len(items) * share) if share and may_fork() else len(items)
    forked = ForkedWork.start(lambda: [make(item) for item in items[split:]]) if split < len(items) else None
    if forked is None:
        split = len(items)

    def make_here() -> list[Made]:
        made = []
        for item in items[:split]:
            made.append(make(item))
            advance()
        return made

    made, rest = while_forked(forked, make_here)
    if forked is not None and rest is None:
        rest = [make(item) for item in items[split:]]
    for _ in items[split:]:
        advance()
    return made + (rest or [])
