"""The build server: real `newsletter build` processes, the server a rebuild leaves, and what it answers.

Each test compares a project built through the server with a copy built the usual way, each build in
a process of its own, and stops every server it started."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsletter.buildserver.client import socket_path
from newsletter.buildserver.server import BuildServer

from .conftest import EXAMPLE_AS_OF, copy_example, tree_bytes

ITEM = "content/news/2024-11-20-open-dataset-zenodo.md"
NOTICE = "a build server keeps it loaded"
WAIT = 10.0  # seconds a server may take to stop (it looks every second); a limit, not a measurement

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="build servers need fork (not on Windows)")


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder of its own for the servers' sockets, short enough for a socket's path; every server started
    in it is stopped at the end."""
    folder = Path(tempfile.mkdtemp(prefix="nl-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.delenv("NEWSLETTER_SERVER", raising=False)
    monkeypatch.delenv("NEWSLETTER_SERVER_IDLE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    try:
        yield folder
    finally:
        for path in folder.rglob("*.sock"):
            pid = server_pid_at(str(path))
            path.unlink(missing_ok=True)
            if pid is not None and not stopped(pid):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def projects(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the example: one builds through the server, the other in its own process every time."""
    return copy_example(tmp_path / "served").resolve(), copy_example(tmp_path / "alone").resolve()


def newsletter(project: Path, *args: str, env: dict[str, str] | None = None,
               python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *python, "-m", "newsletter", *args], cwd=project, capture_output=True,
                          text=True, env=env, timeout=120)


def build(project: Path, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return newsletter(project, "build", "--as-of", EXAMPLE_AS_OF.isoformat(), *args, **options)  # type: ignore[arg-type]


def alone(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return build(project, *args, env={**os.environ, "NEWSLETTER_SERVER": "off"})


def served_build(project: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], bool]:
    """Run `newsletter build`; also whether the process itself loaded the pipeline (it did not when served)."""
    run = build(project, *args, python=("-X", "importtime"))
    loaded = any(line.rstrip().endswith("| newsletter.build") for line in run.stderr.splitlines())
    without = "".join(line + "\n" for line in run.stderr.splitlines() if not line.startswith("import time:"))
    return subprocess.CompletedProcess(run.args, run.returncode, run.stdout, without), not loaded


def edit(*roots: Path, text: str) -> None:
    for root in roots:
        item = root / ITEM
        item.write_text(item.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def server_pid(project: Path) -> int | None:
    path = socket_path(project)
    assert path is not None
    return server_pid_at(path)


def server_pid_at(path: str) -> int | None:
    """The process listening on the socket at `path`, as the system names it; None when none listens."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return None
        credentials = probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", credentials)[0])


def stopped(pid: int, wait: float = WAIT) -> bool:
    """Whether the process `pid` has ended (or ends within `wait` seconds)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").is_file() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return True  # ended, waiting for its parent (the test process's init) to collect it
        time.sleep(0.05)
    return False


def same_answer(served: subprocess.CompletedProcess[str], own: subprocess.CompletedProcess[str],
                served_root: Path, own_root: Path) -> None:
    assert served.returncode == own.returncode
    assert served.stdout.replace(str(served_root), "ROOT") == own.stdout.replace(str(own_root), "ROOT")
    assert served.stderr.replace(str(served_root), "ROOT") == own.stderr.replace(str(own_root), "ROOT")
    assert tree_bytes(served_root / "output") == tree_bytes(own_root / "output")


def test_a_rebuild_goes_on_as_a_server_that_gives_what_a_build_of_its_own_gives(
        runtime: Path, projects: tuple[Path, Path]) -> None:
    served, own = projects
    first = build(served)
    assert first.returncode == 0, first.stderr
    assert NOTICE not in first.stderr and server_pid(served) is None  # a first build is made once
    same_answer(first, alone(own), served, own)

    edit(served, own, text="A first edit.")
    rebuilt, by_server = served_build(served)
    assert not by_server and NOTICE in rebuilt.stderr
    pid = server_pid(served)
    assert pid is not None and pid != os.getpid()
    own_rebuild = alone(own)
    assert "".join(line for line in rebuilt.stderr.splitlines(True) if NOTICE not in line) == own_rebuild.stderr
    assert tree_bytes(served / "output") == tree_bytes(own / "output")

    for round, text in enumerate(("A second edit.", "A third edit, with “quotes” and ümlauts.")):
        edit(served, own, text=text)
        answer, by_server = served_build(served)
        assert by_server, f"round {round}: the command built itself"
        same_answer(answer, alone(own), served, own)
        assert "(0 written" not in answer.stdout  # the edit is in output/
        assert server_pid(served) == pid  # the same server, all along

    # Nothing changed: the server answers with the replayed summary, as the command's own process would.
    unchanged, by_server = served_build(served)
    assert by_server
    same_answer(unchanged, alone(own), served, own)
    assert "(0 written" in unchanged.stdout


def test_errors_and_options_come_back_as_the_command_prints_them(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, own = projects
    for text in ("", "Warming up."):
        edit(served, own, text=text)
        build(served)
        alone(own)
    assert server_pid(served) is not None
    for root in projects:
        item = root / ITEM
        item.write_text(item.read_text(encoding="utf-8").replace("date: 2024-11-20T09:30:00+01:00", "date: 2024-13-45"),
                        encoding="utf-8")
    broken, by_server = served_build(served)
    assert by_server
    assert broken.returncode == 1
    assert f"{ITEM}:3: " in broken.stderr
    same_answer(broken, alone(own), served, own)

    for args in (("--issue", "issue-2"), ("--no-cache",), ("--drafts",), ("--out", "elsewhere"), ("--as-of", "2031-x")):
        for root in projects:
            item = root / ITEM
            item.write_text(item.read_text(encoding="utf-8").replace("date: 2024-13-45", "date: 2024-11-20"),
                            encoding="utf-8")
        answer, by_server = served_build(served, *args)
        assert by_server, args
        same_answer(answer, alone(own, *args), served, own)
        if args[0] == "--out":
            assert tree_bytes(served / "elsewhere") == tree_bytes(own / "elsewhere")
    assert server_pid(served) is not None


def test_no_server_builds_in_its_own_process_and_stops_the_server(runtime: Path,
                                                                   projects: tuple[Path, Path]) -> None:
    served, _ = projects
    build(served)
    edit(served, text="An edit.")
    build(served)
    pid = server_pid(served)
    assert pid is not None
    edit(served, text="Another edit.")
    run, by_server = served_build(served, "--no-server")
    assert run.returncode == 0 and not by_server
    assert NOTICE not in run.stderr
    assert stopped(pid)
    assert server_pid(served) is None and not list(runtime.rglob("*.sock"))


def test_a_server_stops_after_its_idle_time(runtime: Path, projects: tuple[Path, Path],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    served, _ = projects
    monkeypatch.setenv("NEWSLETTER_SERVER_IDLE", "1")
    build(served)
    edit(served, text="An edit.")
    run = build(served)
    assert "it stops after 1 seconds without a build" in run.stderr
    pid = server_pid(served)
    assert pid is not None
    assert stopped(pid)
    assert not list(runtime.rglob("*.sock"))


@pytest.mark.parametrize("variable", [("NEWSLETTER_SERVER", "off"), ("NEWSLETTER_SERVER", "0"), ("CI", "true")])
def test_turned_off_or_on_ci_no_server_starts(runtime: Path, projects: tuple[Path, Path],
                                              monkeypatch: pytest.MonkeyPatch, variable: tuple[str, str]) -> None:
    served, _ = projects
    monkeypatch.setenv(*variable)
    for text in ("", "An edit.", "Another edit."):
        edit(served, text=text)
        run, by_server = served_build(served)
        assert run.returncode == 0 and not by_server
        assert NOTICE not in run.stderr
    assert not list(runtime.rglob("*.sock"))


def test_another_python_environment_is_declined_and_builds_itself(runtime: Path, projects: tuple[Path, Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    served, own = projects
    for text in ("", "An edit."):
        edit(served, own, text=text)
        build(served)
    pid = server_pid(served)
    assert pid is not None
    monkeypatch.setenv("PYTHONHASHSEED", "7")  # shapes the interpreter: a server started without it cannot run this
    edit(served, own, text="An edit under another seed.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert stopped(pid)  # it declined and stopped; the command built itself and goes on as the new server
    assert NOTICE in run.stderr
    assert server_pid(served) not in {None, pid}
    alone(own)
    assert tree_bytes(served / "output") == tree_bytes(own / "output")


def test_a_request_from_another_program_is_declined(tmp_path: Path) -> None:
    server = object.__new__(BuildServer)
    server.program = b"the program as the server loaded it"
    request = {"argv": ["build"], "env": dict(os.environ), "cwd": str(tmp_path), "python": sys.executable}
    assert server._declines(request) == "the program changed"  # the files on disk are another program's
    assert server._declines({**request, "argv": ["publish"]}) == "not a build"


def test_a_killed_server_leaves_nothing_in_the_way(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    for text in ("", "An edit."):
        edit(served, text=text)
        build(served)
    pid = server_pid(served)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert stopped(pid)
    edit(served, text="After the kill.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert server_pid(served) not in {None, pid}  # the stale socket went; this build serves now


def test_builds_at_the_same_time_wait_their_turn(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, own = projects
    for text in ("", "An edit."):
        edit(served, own, text=text)
        build(served)
    assert server_pid(served) is not None
    edit(served, own, text="Two builds at once.")
    command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat()]
    running = [subprocess.Popen(command, cwd=served, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    answers = [process.communicate(timeout=120) for process in running]
    assert [process.returncode for process in running] == [0, 0, 0], answers
    alone(own)
    assert tree_bytes(served / "output") == tree_bytes(own / "output")


def test_a_server_stops_when_its_project_goes(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    for text in ("", "An edit."):
        edit(served, text=text)
        build(served)
    pid = server_pid(served)
    assert pid is not None
    shutil.rmtree(served)
    assert stopped(pid)
    assert not list(runtime.rglob("*.sock"))


def test_a_socket_folder_others_may_open_is_not_used(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    for text in ("", "An edit."):
        edit(served, text=text)
        build(served)
    pid = server_pid(served)
    assert pid is not None
    folder = runtime / f"newsletter-{os.getuid()}"
    folder.chmod(0o755)
    edit(served, text="With the folder open to others.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert NOTICE not in run.stderr  # nor does it start a server there
    assert server_pid(served) == pid
