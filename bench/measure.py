"""Run one command and measure its wall time, CPU time and peak memory."""

from __future__ import annotations

import os
import pty
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


class CommandFailed(RuntimeError):
    """A measured command exited with a non-zero status."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured run of a command."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the process and the children it waited for
    rss_mb: float  # peak resident set size of the largest single process, MB (10**6 bytes)
    tree_mb: float  # peak of the summed resident set sizes of the process and its children, sampled
    pss_mb: float = 0.0  # peak of their summed proportional set sizes: a page shared by k processes counts 1/k


class TreeMemory(threading.Thread):
    """Sample the summed resident memory of a process and its descendants until stopped.

    ru_maxrss covers one process at a time; a build that forks workers uses their memory
    too. Pages shared between parent and workers count once per process in `peak` (an upper
    bound); `peak_pss` divides each shared page among the processes sharing it (Linux's PSS), the
    memory the tree takes from the machine.
    """

    INTERVAL = 0.05  # seconds; a /proc scan costs about a millisecond

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self.finished = threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.finished.is_set():
            rss, pss = self._tree_rss()
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self.finished.wait(self.INTERVAL)

    def _tree_rss(self) -> tuple[int, int]:
        """The summed resident and proportional set sizes of the tree, in bytes."""
        parents: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat", "rb") as stream:
                        # The command name may hold spaces; the fields after its ")" do not.
                        fields = stream.read().rsplit(b")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                parents[int(name)] = int(fields[1])
        tree = {self.pid}
        grew = True
        while grew:
            found = {pid for pid, parent in parents.items() if parent in tree} - tree
            grew = bool(found)
            tree |= found
        total = proportional = 0
        for pid in tree:
            try:
                with open(f"/proc/{pid}/statm", "rb") as stream:
                    total += int(stream.read().split()[1]) * self.page
                with open(f"/proc/{pid}/smaps_rollup", "rb") as stream:
                    proportional += next((int(line.split()[1]) * 1024 for line in stream if line.startswith(b"Pss:")), 0)
            except (OSError, IndexError, ValueError):
                continue
        return total, proportional


@dataclass(frozen=True, slots=True)
class Summary:
    """The medians of several samples."""

    wall: float
    cpu: float
    rss_mb: float
    tree_mb: float
    pss_mb: float
    runs: int
    wall_min: float
    wall_max: float

    @classmethod
    def of(cls, samples: list[Sample]) -> Summary:
        walls = [sample.wall for sample in samples]
        return cls(
            wall=statistics.median(walls),
            cpu=statistics.median(sample.cpu for sample in samples),
            rss_mb=statistics.median(sample.rss_mb for sample in samples),
            tree_mb=statistics.median(sample.tree_mb for sample in samples),
            pss_mb=statistics.median(sample.pss_mb for sample in samples),
            runs=len(samples),
            wall_min=min(walls),
            wall_max=max(walls),
        )


def measure(argv: list[str], *, cwd: Path, log: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `argv` in `cwd` as from a shell (its input a terminal), send its output to `log`, and return what it cost."""
    log.parent.mkdir(parents=True, exist_ok=True)
    terminal, user = pty.openpty()
    with log.open("wb") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=user, stdout=sink, stderr=subprocess.STDOUT, env=env)
        sampler = TreeMemory(process.pid)
        sampler.start()
        # wait4 hands back the rusage of exactly this child (and what it reaped), unlike
        # RUSAGE_CHILDREN, which adds up every child this process ever waited for.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.finished.set()
        sampler.join()
    os.close(terminal)
    os.close(user)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise CommandFailed(f"{' '.join(argv)} exited {process.returncode} (log: {log})\n" + "\n".join(tail))
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    rss_bytes = usage.ru_maxrss if os.uname().sysname == "Darwin" else usage.ru_maxrss * 1024
    # A process shorter than one sampling interval may never be seen: fall back on ru_maxrss.
    tree_bytes = max(sampler.peak, rss_bytes)
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=rss_bytes / 1e6, tree_mb=tree_bytes / 1e6,
                  pss_mb=(sampler.peak_pss or rss_bytes) / 1e6)


def count_files(folder: Path) -> tuple[int, int]:
    """Return the number of files under `folder` and their total size in bytes."""
    count = size = 0
    for root, _, names in os.walk(folder):
        for name in names:
            count += 1
            size += os.path.getsize(os.path.join(root, name))
    return count, size
