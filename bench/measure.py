"""Running a command as a process and keeping its best time and its peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# The build may fork worker processes (the PDF typesets large decks in chunks), which
# neither GNU time nor RUSAGE_CHILDREN sees: the process tree is sampled from /proc.
SAMPLE_SECONDS = 0.02


@dataclass
class Runs:
    """Repeated measurements of one thing: the best wall time wins, as the least disturbed."""

    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)  # user + sys over the session's processes
    stages: list[dict[str, float]] = field(default_factory=list)  # what the process printed as JSON

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def peak_mb(self) -> float | None:
        return max(self.peak_kb) / 1024 if self.peak_kb and max(self.peak_kb) else None

    def best_stage(self, name: str) -> float | None:
        values = [s[name] for s in self.stages if name in s]
        return min(values) if values else None


def run_process(command: list[str], runs: Runs, cwd: Path | None = None,
                env: dict[str, str] | None = None, stdout_json: bool = False) -> None:
    """Run ``command`` once; add its wall time, its peak memory and (optionally) its JSON output.

    The peak memory is the largest sum, over all processes of the command's
    session (the command and every worker it starts), of their proportional
    set size (PSS: shared pages split between the processes sharing them),
    sampled every 20 ms from /proc.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=err, start_new_session=True)
        peak = 0
        cpu: dict[int, int] = {}  # clock ticks each process of the session had used when last seen
        while process.poll() is None:
            peak = max(peak, session_pss_kb(process.pid, cpu))
            time.sleep(SAMPLE_SECONDS)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        printed, problems = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {process.returncode}:\n{problems}")
    runs.seconds.append(elapsed)
    runs.peak_kb.append(peak)  # kilobytes
    runs.cpu_seconds.append(sum(cpu.values()) / os.sysconf("SC_CLK_TCK"))
    if stdout_json:
        runs.stages.append(json.loads(printed.strip().splitlines()[-1]))


def session_pss_kb(session: int, cpu: dict[int, int] | None = None) -> int:
    """The summed PSS, in kB, of every process in ``session`` (0 where /proc cannot tell); into ``cpu``,
    each one's user and system clock ticks so far (a process that lives less than a sample is missed)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # state, ppid, pgrp, session
                continue
            if cpu is not None:
                cpu[int(entry.name)] = int(fields[11]) + int(fields[12])  # utime, stime
            with open(f"/proc/{entry.name}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, ValueError, IndexError, StopIteration):
            continue  # gone meanwhile, or not ours to read
    return total


def load_average() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:  # pragma: no cover - not on every system
        return "unknown"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"
