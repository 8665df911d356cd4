"""Imported only by the server that Typst workers are forked from: it dies with the build.

Each worker holds the server's "alive" pipe open and the server waits for
its workers, so if the build is killed (SIGKILL, or any signal it does not
handle), neither would notice: they would typeset on for minutes, holding
the caller's stdout and stderr open. The kernel ends this server when the
build ends, and each worker when this server ends (see ``builders/printing/chunks``).
Never import this module in the build itself: it would tie the build to
whatever started it.
"""

from __future__ import annotations

import os

from .processes import BUILD_PID, SERVER_PID, die_with_parent, leave_stopping_to_parent

leave_stopping_to_parent()
die_with_parent(int(os.environ.get(BUILD_PID, os.getppid())))
os.environ[SERVER_PID] = str(os.getpid())  # what each worker forked from here checks its parent against
