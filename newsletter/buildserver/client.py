"""The command's side of the build server: whether one may serve this build, handing it over, stopping it."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    import socket
    from pathlib import Path

IDLE_SECONDS = 600.0
OFF = {"off", "0", "no", "false"}
# A frame: one byte saying what it is, four giving the length of what follows. The server says STARTED (with
# its process id) when it starts the command's build, then sends its output, then EXIT with the status.
REQUEST, STARTED, OUT, ERR, EXIT, DECLINED = b"R", b"S", b"1", b"2", b"X", b"D"
WAITING = "newsletter: waiting for the build of this project that is running to finish\n"
STOPPED = "newsletter: the build server stopped during the build; building here\n"


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
    """Where the build server of the project at `root` listens: named by the folder's identity on this machine (its
    device and inode numbers; a server serves only the path it was started for). None where the folder cannot be
    looked at, or a socket's path would be too long."""
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    try:
        folder = os.stat(root)
    except OSError:
        return None
    path = os.path.join(base, f"newsletter-{os.getuid()}", f"{folder.st_dev:x}-{folder.st_ino:x}.sock")
    room = 104 if sys.platform == "darwin" else 108  # the bytes of sockaddr_un's path, its final NUL included
    return path if len(os.fsencode(path)) < room else None


def interpreter() -> list[Any]:
    """How this Python was started (-O, -I, -W, -X ...): a server runs only commands started as it was."""
    return [list(sys.flags), sys.warnoptions, sorted(sys._xoptions.items())]


def forwarded(served: tuple[Path, str], argv: list[str]) -> int | None:
    """Run `newsletter ARGV` on the project's build server: its exit status, or None to build in this process."""
    path = served[1]
    if not private(os.path.dirname(path)):
        return None
    import json
    import socket

    try:
        inode = os.stat(path).st_ino
    except OSError:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with connection:
        try:
            connection.connect(path)
        except ConnectionRefusedError:
            remove(path, inode)  # left by a server that was killed
            return None
        except OSError:
            return None
        server = (peer(connection) or (None, None))[0] or None
        umask = os.umask(0o022)
        os.umask(umask)
        request = {"argv": argv, "root": os.fspath(served[0]), "cwd": os.getcwd(), "env": _environment(),
                   "python": sys.executable,
                   "interpreter": interpreter(), "umask": umask, "tty": [sys.stdout.isatty(), sys.stderr.isatty()]}
        try:
            send(connection, REQUEST, json.dumps(request).encode())
        except OSError:
            return None
        return _relay(connection, server)


def peer(connection: socket.socket) -> tuple[int, int] | None:
    """The process id and user id of the other end, as the system names them to this process (where it says:
    Linux), or None."""
    import socket
    import struct

    if not hasattr(socket, "SO_PEERCRED"):
        return None
    pid, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                           struct.calcsize("3i")))
    return pid, uid


def _environment() -> dict[str, str]:
    """This process's environment, with the terminal's size where the command's own process would measure it."""
    environment = dict(os.environ)
    if sys.stdout.isatty():
        size = os.get_terminal_size(sys.stdout.fileno())
        environment.setdefault("COLUMNS", str(size.columns))
        environment.setdefault("LINES", str(size.lines))
    return environment


def _relay(connection: socket.socket, server: int | None) -> int | None:
    """Print what the server says, as it says it; its exit status, or None if it declined or stopped.

    Ctrl-C here stops the build there as it would stop one in this process (unless the server had not started
    it yet, and so never does). Printing may fail as it would in a build of this process's own (a closed pipe):
    the command says so, and builds nothing again."""
    from newsletter.errors import INTERRUPTED, refused_line

    import select

    incoming = connection.makefile("rb")
    streams = {OUT: sys.stdout, ERR: sys.stderr}
    started = False
    try:
        if not select.select([connection], [], [], 1.0)[0]:
            sys.stderr.write(WAITING)  # another command's build comes first
        while True:
            try:
                frame = receive(incoming)
            except OSError:
                frame = None
            if frame is None:
                if started:
                    sys.stderr.write(STOPPED)
                return None
            kind, payload = frame
            if kind == STARTED:
                started, server = True, server or int(payload)
            elif kind in streams:
                try:
                    streams[kind].write(payload.decode("utf-8"))
                    streams[kind].flush()
                except OSError as exc:
                    sys.stderr.write(refused_line(exc) + "\n")
                    return 1
            elif kind == EXIT:
                return int(payload)
            elif kind == DECLINED:
                return None
    except KeyboardInterrupt:
        import socket

        try:  # first: the server stops a build only for a command that has gone (a queued one, never starts it)
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if server is not None:
            import signal

            try:
                os.kill(server, signal.SIGINT)
            except OSError:
                pass
        sys.stderr.write(INTERRUPTED + "\n")
        return 130


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
    if not head or len(head) < 5:
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
