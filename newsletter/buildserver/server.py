"""The server's side: going on after a build as the project's server, and running the builds handed to it."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsletter.buildserver.client import DECLINED, ERR, EXIT, OUT, REQUEST, idle_seconds, private, receive, remove, send

if TYPE_CHECKING:
    import socket

    from newsletter.cache.warm import WarmCache

# A request with these variables unlike the server's runs in a process of its own: they shape Python itself.
_PROCESS_VARIABLES = ("PYTHON", "LD_", "VIRTUAL_ENV")


def serve_after(root: Path, path: str, warm: WarmCache) -> None:
    """Go on in the background as the project's server, once this process has built with `warm`.

    This process returns once its copy listens, and ends as the command does; its copy serves. Nothing happens
    where the copy could not run safely (another thread running, a socket folder others could open)."""
    import threading

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return
    if threading.active_count() > 1 or not private(folder):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    reading, writing = os.pipe()
    if os.fork():
        os.close(writing)
        with open(reading, "rb") as ready:  # the server says when it listens; nothing if it could not
            listening = ready.read(1) == b"1"
        if listening:
            idle = idle_seconds()
            after = f"{idle / 60:g} minutes" if idle >= 60 else f"{idle:g} seconds"
            sys.stderr.write(f"newsletter: the next builds of this project answer faster: a build server keeps it "
                             f"loaded (it stops after {after} without a build; 'newsletter build --no-server' stops "
                             f"it now)\n")
        return
    status = 1
    try:
        os.close(reading)
        os.setsid()  # out of the terminal's session: closing it or Ctrl-C there leaves the server be
        listener = _listen(path)
        os.write(writing, b"1")
        os.close(writing)
        null = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(null, descriptor)  # whoever reads the command's output sees it end with the command
        BuildServer(root, path, listener, warm).run()
        status = 0
    finally:
        os._exit(status)


def _listen(path: str) -> socket.socket:
    """A socket listening at `path`, put there in one step: a server already there sees its socket go, and stops."""
    import socket

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    staged = f"{path}.{os.getpid()}"
    try:
        listener.bind(staged)
        os.chmod(staged, 0o600)
        listener.listen(8)
        os.replace(staged, path)
    except OSError:
        listener.close()
        remove(staged, None)
        raise
    return listener


class BuildServer:
    """Run the builds of one project that commands hand over, one at a time, until it is time to stop."""

    def __init__(self, root: Path, path: str, listener: socket.socket, warm: WarmCache):
        from newsletter.cache.freshness import program_stamp

        self.root = root
        self.path = path
        self.listener = listener
        self.warm = warm
        self.inode = os.stat(path).st_ino
        self.program = program_stamp()
        self.idle = idle_seconds()

    def run(self) -> None:
        import time

        self.listener.settimeout(min(1.0, self.idle) or 0.05)
        last = time.monotonic()
        try:
            while self._still_wanted() and time.monotonic() - last < self.idle:
                try:
                    connection, _ = self.listener.accept()
                except TimeoutError:
                    continue
                with connection:
                    connection.settimeout(None)
                    serving = self._answer(connection)
                self.warm.settle()  # the command has its answer; what only the next build needs is done now
                if not serving:
                    return
                last = time.monotonic()
        finally:
            self.listener.close()
            remove(self.path, self.inode)

    def _still_wanted(self) -> bool:
        """Whether the socket is still this server's and the project still there."""
        from newsletter.settings import SETTINGS_FILE

        try:
            return os.stat(self.path).st_ino == self.inode and (self.root / SETTINGS_FILE).is_file()
        except OSError:
            return False

    def _answer(self, connection: socket.socket) -> bool:
        """Answer one command; whether to go on serving after it."""
        frame = receive(connection.makefile("rb"))
        if frame is None or frame[0] != REQUEST or not _same_user(connection):
            return True
        request = json.loads(frame[1])
        reason = self._declines(request)
        if reason is not None:
            send(connection, DECLINED, reason.encode())
            return False
        status, healthy = self._build(connection, request)
        send(connection, EXIT, str(status).encode())
        return healthy

    def _declines(self, request: dict[str, Any]) -> str | None:
        """Why this server cannot run the request as the command's own process would, or None."""
        from newsletter.cache.freshness import program_stamp

        argv, env = request.get("argv"), request.get("env")
        if not (isinstance(argv, list) and argv[:1] == ["build"] and isinstance(env, dict)):
            return "not a build"
        if request.get("python") != sys.executable or program_stamp() != self.program:
            return "the program changed"
        if any(env.get(name) != os.environ.get(name) for name in {*env, *os.environ}
               if name.startswith(_PROCESS_VARIABLES)):
            return "another Python environment"
        if not os.path.isdir(str(request.get("cwd"))):
            return "no such folder"
        return None

    def _build(self, connection: socket.socket, request: dict[str, Any]) -> tuple[int, bool]:
        """Run the command's build here, its output going to the command: its exit status, and whether all went well."""
        import time
        import traceback

        from newsletter.cli import main as command_line

        environment, folder, streams = dict(os.environ), os.getcwd(), (sys.stdout, sys.stderr)
        out_tty, err_tty = (bool(flag) for flag in request.get("tty", (False, False)))
        try:
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()
            os.chdir(request["cwd"])
            sys.stdout = io.TextIOWrapper(_Sender(connection, OUT, out_tty), encoding="utf-8", line_buffering=True)
            sys.stderr = io.TextIOWrapper(_Sender(connection, ERR, err_tty), encoding="utf-8", line_buffering=True)
            try:
                command_line(args=request["argv"], warm=self.warm)
            except SystemExit as ended:
                return _exit_status(ended.code), True
            except Exception:  # a bug: the command prints it as it would have; this server's state is in doubt
                traceback.print_exc()
                return 1, False
            return 0, True
        finally:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            sys.stdout, sys.stderr = streams
            os.chdir(folder)
            os.environ.clear()
            os.environ.update(environment)
            time.tzset()


class _Sender(io.RawIOBase):
    """The bytes a build writes to one of its streams, sent to the command as frames."""

    def __init__(self, connection: socket.socket, kind: bytes, tty: bool):
        super().__init__()
        self.connection, self.kind, self.tty = connection, kind, tty
        self.gone = False

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.tty

    def write(self, data: Any) -> int:
        if not self.gone:
            try:
                send(self.connection, self.kind, bytes(data))
            except OSError:
                self.gone = True  # the command was interrupted: the build goes on to its end all the same
        return len(data)


def _exit_status(code: object) -> int:
    """The status `sys.exit(code)` gives a process."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _same_user(connection: socket.socket) -> bool:
    """Whether the command on the other end runs as this server's user (where the system says)."""
    import socket
    import struct

    if not hasattr(socket, "SO_PEERCRED"):
        return True  # the socket's folder admits its owner alone
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return bool(struct.unpack("3i", credentials)[1] == os.getuid())
