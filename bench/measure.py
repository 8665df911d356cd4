"""Running a command as a process and keeping its best time and its peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None  # apt-get install time


@dataclass
class Runs:
    """Repeated measurements of one thing: the best wall time wins, as the least disturbed."""

    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)  # what the process printed as JSON

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def peak_mb(self) -> float | None:
        return max(self.peak_kb) / 1024 if GNU_TIME else None

    def best_stage(self, name: str) -> float | None:
        values = [s[name] for s in self.stages if name in s]
        return min(values) if values else None


def run_process(command: list[str], runs: Runs, cwd: Path | None = None,
                env: dict[str, str] | None = None, stdout_json: bool = False) -> None:
    """Run ``command`` once; add its wall time, its peak RSS and (optionally) its JSON output.

    The peak memory comes from GNU time, which forks the command from its own
    small process: a child spawned straight from this one would count this
    process's memory as its own (Linux carries the parent's peak over exec).
    """
    with tempfile.NamedTemporaryFile("r") as rss, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *command] if GNU_TIME else command
        start = time.perf_counter()
        code = subprocess.call(wrapped, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        printed, problems = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        peak = rss.read().strip().splitlines()[-1] if GNU_TIME else "0"
    if code != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {code}:\n{problems}")
    runs.seconds.append(elapsed)
    runs.peak_kb.append(int(peak))  # kilobytes
    if stdout_json:
        runs.stages.append(json.loads(printed.strip().splitlines()[-1]))


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:  # pragma: no cover - not on every system
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"
