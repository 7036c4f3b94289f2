"""What a build server's process lets go of: the command's files when it starts, the command itself in its workers."""

from __future__ import annotations

import os
import sys


def let_go(keep: int) -> None:
    """Let go of every file the command had open but the listening socket: its output (so whoever reads it sees
    it end with the command), and anything its caller passed on (a lock, a pipe). Each is replaced with
    /dev/null rather than closed, so that no object still holding the number closes a file opened since."""
    null = os.open(os.devnull, os.O_RDWR)
    listed = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    try:
        found = {int(name) for name in os.listdir(listed)}
    except OSError:
        found = set()
    for descriptor in sorted({0, 1, 2, *found} - {keep, null}):
        try:
            os.fstat(descriptor)
        except OSError:
            continue  # the folder's own listing, closed already
        os.dup2(null, descriptor, inheritable=descriptor <= 2)
    os.close(null)


def worker_forked() -> None:
    """In a worker the server forks: Ctrl-C as in any process, and output nowhere (not into the command's frames)."""
    import signal

    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")
