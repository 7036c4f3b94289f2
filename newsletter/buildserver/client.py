"""The command's side of the build server: whether one may serve this build, handing it over, stopping it."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import socket
    from pathlib import Path

IDLE_SECONDS = 600.0
OFF = {"off", "0", "no", "false"}
# A frame: one byte saying what it is, four giving the length of what follows.
REQUEST, OUT, ERR, EXIT, DECLINED = b"R", b"1", b"2", b"X", b"D"


def server_for(argv: list[str]) -> tuple[Path, str] | None:
    """The project of `newsletter ARGV` and its server's socket, when the command is a build a server may run."""
    if not argv or argv[0] != "build" or "--no-server" in argv or not enabled():
        return None
    from pathlib import Path

    from newsletter.errors import NewsletterError
    from newsletter.project import find_project

    try:
        root = find_project(Path.cwd())
    except (NewsletterError, OSError):
        return None  # the command says what is wrong
    path = socket_path(root)
    return (root, path) if path is not None else None


def enabled() -> bool:
    """Whether builds may start and use a server here: not turned off, not on CI, and where processes fork."""
    if os.environ.get("NEWSLETTER_SERVER", "").strip().lower() in OFF:
        return False
    if os.environ.get("CI", "").strip().lower() not in {"", *OFF}:
        return False
    return hasattr(os, "fork")


def socket_path(root: Path) -> str | None:
    """Where the build server of the project at `root` listens (None where a socket's path would be too long)."""
    import hashlib

    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    name = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    path = os.path.join(base, f"newsletter-{os.getuid()}", f"{name}.sock")
    return path if len(os.fsencode(path)) < 100 else None  # sockaddr_un holds 104 to 108 bytes


def forwarded(served: tuple[Path, str], argv: list[str]) -> int | None:
    """Run `newsletter ARGV` on the project's build server: its exit status, or None to build in this process."""
    root, path = served
    if not private(os.path.dirname(path)):
        return None
    import json
    import socket

    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with connection:
        try:
            connection.connect(path)
        except (ConnectionRefusedError, FileNotFoundError):
            remove(path, None)  # left by a server that was killed
            return None
        except OSError:
            return None
        environment = dict(os.environ)
        if sys.stderr.isatty() and "COLUMNS" not in environment:
            environment["COLUMNS"] = str(os.get_terminal_size(sys.stderr.fileno()).columns)
        request = {"argv": argv, "cwd": os.getcwd(), "env": environment, "python": sys.executable,
                   "tty": [sys.stdout.isatty(), sys.stderr.isatty()]}
        try:
            send(connection, REQUEST, json.dumps(request).encode())
            return _relay(connection.makefile("rb"))
        except KeyboardInterrupt:
            sys.stderr.write("interrupted; the build server finishes the build it started\n")
            return 130
        except OSError:
            return None


def _relay(incoming: BinaryIO) -> int | None:
    """Print what the server says, as it says it; its exit status, or None if it declined or stopped."""
    streams = {OUT: sys.stdout, ERR: sys.stderr}
    while (frame := receive(incoming)) is not None:
        kind, payload = frame
        if kind in streams:
            streams[kind].write(payload.decode("utf-8"))
            streams[kind].flush()
        elif kind == EXIT:
            return int(payload)
        elif kind == DECLINED:
            return None
    sys.stderr.write("the build server stopped during the build; building here\n")
    return None


def stop(root: Path) -> None:
    """Stop the project's build server, if one runs: without its socket it ends within a second."""
    path = socket_path(root)
    if path is not None and private(os.path.dirname(path)):
        remove(path, None)


def idle_seconds() -> float:
    """How long a server waits for the next build (NEWSLETTER_SERVER_IDLE)."""
    try:
        return max(0.0, float(os.environ["NEWSLETTER_SERVER_IDLE"]))
    except (KeyError, ValueError):
        return IDLE_SECONDS


def send(connection: socket.socket, kind: bytes, payload: bytes) -> None:
    connection.sendall(kind + len(payload).to_bytes(4, "big") + payload)


def receive(incoming: BinaryIO) -> tuple[bytes, bytes] | None:
    """The next frame, or None at the end of the conversation."""
    head = incoming.read(5)
    if len(head) < 5:
        return None
    size = int.from_bytes(head[1:], "big")
    payload = incoming.read(size)
    return (head[:1], payload) if len(payload) == size else None


def private(folder: str) -> bool:
    """Whether `folder` is a folder of this user's that nobody else may enter."""
    import stat

    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o077


def remove(path: str, inode: int | None) -> None:
    """Remove a socket file (only if it is still the one with `inode`, when given)."""
    try:
        if inode is None or os.stat(path).st_ino == inode:
            os.unlink(path)
    except OSError:
        pass
