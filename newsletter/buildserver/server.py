"""The server's side: going on after a build as the project's server, and running the builds handed to it."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsletter.buildserver.detach import let_go, worker_forked
from newsletter.buildserver.client import (
    DECLINED, ERR, EXIT, OUT, REQUEST, STARTED, idle_seconds, interpreter, peer, private, receive, remove, send,
)
from newsletter.cache.freshness import one_program, program_stamp

if TYPE_CHECKING:
    import socket

    from newsletter.cache.warm import WarmCache

# A request with these variables unlike the server's runs in a process of its own: they shape Python itself.
_PROCESS_VARIABLES = ("PYTHON", "LD_", "VIRTUAL_ENV")


def serve_after(root: Path, path: str, warm: WarmCache) -> None:
    """Go on in the background as the project's server, once this process has built with `warm`.

    Only for a command run from a terminal (not a script, a scheduled job or CI). This process returns once
    its copy listens, and ends as the command does; its copy serves. Nothing happens where the copy could not
    run safely (another thread running, a socket folder others could open)."""
    import threading

    idle = idle_seconds()
    if idle <= 0 or sys.stdin is None or not sys.stdin.isatty():
        return
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
            sys.stderr.write(f"newsletter: the next builds of this project answer faster: a build server keeps it "
                             f"loaded (it stops after {_duration(idle)} without a build; 'newsletter build "
                             f"--no-server' stops it now)\n")
        return
    status = 1
    try:
        os.close(reading)
        os.setsid()  # out of the terminal's session: closing it or Ctrl-C there leaves the server be
        os.chdir(root)  # not the folder the command ran in, which may go
        listener, inode = _listen(path)
        os.write(writing, b"1")
        let_go(keep=listener.fileno())
        BuildServer(root, path, listener, inode, warm).run()
        status = 0
    finally:
        os._exit(status)


# How long the server waits for another command before it tidies up after a build (seconds).
_BEFORE_TIDYING = 0.25


def _tidy() -> None:
    """Between builds: collect what the last one left, and set what remains (the project, kept for the next build)
    aside from the collector, whose rounds would otherwise walk it all during the next build (30-50 ms at 1,000
    items; the rounds here take that much, after the command has its answer)."""
    import gc

    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _duration(seconds: float) -> str:
    minutes = seconds / 60
    if seconds >= 60 and minutes == int(minutes):
        return f"{int(minutes)} minute{'s' * (minutes != 1)}"
    return f"{seconds:g} second{'s' * (seconds != 1)}"


def _listen(path: str) -> tuple[socket.socket, int]:
    """A socket listening at `path`, put there in one step (a server already there sees its socket go, and
    stops), and the socket file's inode."""
    import socket

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    staged = f"{path}.{os.getpid()}"
    try:
        listener.bind(staged)
        os.chmod(staged, 0o600)
        listener.listen(64)
        inode = os.stat(staged).st_ino
        os.replace(staged, path)
    except OSError:
        listener.close()
        remove(staged, None)
        raise
    return listener, inode


class BuildServer:
    """Run the builds of one project that commands hand over, one at a time, until it is time to stop."""

    def __init__(self, root: Path, path: str, listener: socket.socket, inode: int, warm: WarmCache):
        import signal

        self.root = root
        self.path = path
        self.listener = listener
        self.warm = warm
        self.inode = inode
        self.program = program_stamp()
        self.idle = idle_seconds()
        self.current: socket.socket | None = None  # the command whose build runs now
        signal.signal(signal.SIGINT, self._interrupted)
        os.register_at_fork(after_in_child=worker_forked)  # the build's workers write nothing to the command

    def run(self) -> None:
        import time

        last = time.monotonic()
        untidy = True  # the last build's leavings: tidied once no command comes for a moment (one that does goes first)
        try:
            while self._still_wanted() and time.monotonic() - last < self.idle:
                self.listener.settimeout(_BEFORE_TIDYING if untidy else min(1.0, self.idle))
                try:
                    connection, _ = self.listener.accept()
                except TimeoutError:
                    if untidy:
                        _tidy()
                        untidy = False
                    continue
                with connection:
                    connection.settimeout(None)
                    serving = self._answer(connection)
                self.warm.settle()  # the command has its answer; what only the next build needs is done now
                if not serving:
                    return
                untidy = True
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

    def _interrupted(self, signal: int, frame: object) -> None:
        """Ctrl-C in a command whose build runs here, which it sends once it has hung up: stop that build, as
        Ctrl-C stops a build in the command's own process. A stray signal (its build ended) changes nothing."""
        if self.current is not None and _hung_up(self.current):
            raise KeyboardInterrupt

    def _answer(self, connection: socket.socket) -> bool:
        """Answer one command; whether to go on serving after it."""
        frame = receive(connection.makefile("rb"))
        if frame is None or frame[0] != REQUEST or not _same_user(connection):
            return True
        request = json.loads(frame[1])
        reason = self._declines(request)
        try:
            if reason is not None:
                send(connection, DECLINED, reason.encode())
                return reason == "no such folder"
            self.current = connection  # from here, Ctrl-C in the command stops its build
            if _hung_up(connection):
                return True  # interrupted while another build ran: it builds nothing
            send(connection, STARTED, str(os.getpid()).encode())
        except OSError:
            return True
        finally:
            self.current = None
        try:
            status, healthy = self._build(connection, request)
        except KeyboardInterrupt:  # Ctrl-C as the build ended: it stops all the same
            status, healthy = 130, False
        try:
            send(connection, EXIT, str(status).encode())
        except OSError:
            pass  # the command has gone; the build is done all the same
        return healthy

    def _declines(self, request: dict[str, Any]) -> str | None:
        """Why this server cannot run the request as the command's own process would, or None."""
        argv, env = request.get("argv"), request.get("env")
        if not (isinstance(argv, list) and argv[:1] == ["build"] and isinstance(env, dict)):
            return "not a build"
        if request.get("root") != os.fspath(self.root):
            return "another path to the project"  # a link to its folder, or the folder moved: built where asked
        if request.get("python") != sys.executable or program_stamp() != self.program:
            return "the program changed"
        if request.get("interpreter") != json.loads(json.dumps(interpreter())) or any(
                env.get(name) != os.environ.get(name) for name in {*env, *os.environ}
                if name.startswith(_PROCESS_VARIABLES)):
            return "another Python environment"
        if not os.path.isdir(str(request.get("cwd"))):
            return "no such folder"
        return None

    def _build(self, connection: socket.socket, request: dict[str, Any]) -> tuple[int, bool]:
        """Run the command's build here, its output going to the command: its exit status, and whether to go on
        serving after it (not after a bug, nor after Ctrl-C stopped it halfway)."""
        import time
        import traceback

        from newsletter.cli import main as command_line

        environment, streams = dict(os.environ), (sys.stdout, sys.stderr)
        out_tty, err_tty = (bool(flag) for flag in request.get("tty", (False, False)))
        umask = os.umask(int(request.get("umask", 0o022)))
        try:
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()
            self.idle = idle_seconds()
            os.chdir(request["cwd"])
            sys.stdout = io.TextIOWrapper(_Sender(connection, OUT, out_tty), encoding="utf-8", line_buffering=True)
            sys.stderr = io.TextIOWrapper(_Sender(connection, ERR, err_tty), encoding="utf-8", errors="backslashreplace",
                                          line_buffering=True)  # as Python's own stderr
            try:
                self.current = connection
                if _hung_up(connection):
                    raise KeyboardInterrupt  # Ctrl-C came while the build was being set up
                with one_program(self.program):  # the program `_declines` found unchanged
                    command_line(args=request["argv"], warm=self.warm)
            except SystemExit as ended:
                status = _exit_status(ended.code)
                return status, status != 130
            except KeyboardInterrupt:
                return 130, False
            except Exception:  # a bug: the command prints it as it would have; this server's state is in doubt
                traceback.print_exc()
                return 1, False
            finally:
                self.current = None
            return 0, True
        finally:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            sys.stdout, sys.stderr = streams
            os.umask(umask)
            os.environ.clear()
            os.environ.update(environment)
            time.tzset()
            try:
                os.chdir(self.root)
            except OSError:
                pass  # the project has gone: the server stops


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
    """Whether the command on the other end runs as this server's user (where the system says; elsewhere the
    socket's folder admits its owner alone)."""
    found = peer(connection)
    return found is None or found[1] == os.getuid()


def _hung_up(connection: socket.socket) -> bool:
    """Whether the command at the other end has closed its side."""
    import socket

    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
