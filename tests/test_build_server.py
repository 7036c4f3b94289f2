"""The build server: real `newsletter build` processes, the server a rebuild leaves, and what it answers.

Each test compares a project built through the server with a copy built the usual way, each build in
a process of its own, and stops every server it started."""

from __future__ import annotations

import importlib
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsletter.buildserver.client import WAITING, peer, socket_path

from .conftest import EXAMPLE_AS_OF, REPO, copy_example, tree_bytes

ITEM = "content/news/2024-11-20-open-dataset-zenodo.md"
NOTICE = "a build server keeps it loaded"
WAIT = 10.0  # seconds a server may take to stop (it looks every second); a limit, not a measurement

LINUX = hasattr(os, "fork") and hasattr(socket, "SO_PEERCRED") and Path("/proc/self").is_dir()
pytestmark = pytest.mark.skipif(not LINUX, reason="these tests read servers' processes as Linux shows them (/proc)")


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


# Runs the console script as `newsletter ARGS` would, and writes down whether this process built or was served.
PROBE = """
import atexit, runpy, sys
report, sys.argv = sys.argv[1], ["newsletter", *sys.argv[2:]]
atexit.register(lambda: open(report, "w").write("here" if "newsletter.build" in sys.modules else "served"))
runpy.run_module("newsletter", run_name="__main__", alter_sys=True)
"""


def newsletter(project: Path, *args: str, env: dict[str, str] | None = None,
               terminal: bool = True) -> tuple[subprocess.CompletedProcess[str], bool]:
    """Run `newsletter ARGS` in `project`, from a terminal (its input is one) unless told otherwise; also
    whether the build server answered it (the process did not load the build pipeline)."""
    report = project.parent / f"{project.name}.probe"
    report.unlink(missing_ok=True)
    parent, child = pty.openpty()
    try:
        run = subprocess.run([sys.executable, "-c", PROBE, str(report), *args], cwd=project, capture_output=True,
                             text=True, env=env, timeout=120, stdin=child if terminal else subprocess.DEVNULL)
    finally:
        os.close(parent)
        os.close(child)
    return run, report.read_text() == "served"


def served_build(project: Path, *args: str, env: dict[str, str] | None = None,
                 terminal: bool = True) -> tuple[subprocess.CompletedProcess[str], bool]:
    return newsletter(project, "build", "--as-of", EXAMPLE_AS_OF.isoformat(), *args, env=env, terminal=terminal)


def build(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return served_build(project, *args, env=env)[0]


def alone(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return build(project, *args, env={**os.environ, "NEWSLETTER_SERVER": "off"})


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
        found = peer(probe)
    return found[0] if found else None


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


def start_server(served: Path, own: Path | None = None, change: Callable[..., None] | None = None) -> int:
    """Build `served` twice, the second time after an edit, so that it goes on as a server; its process id.
    `own`, if given, is edited and built alike, each time in a process of its own."""
    change = change or edit
    for text in ("", "An edit."):
        change(served, *([own] if own else []), text=text)
        build(served)
        if own is not None:
            alone(own)
    pid = server_pid(served)
    assert pid is not None
    return pid


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
    start_server(served, own)
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
    assert "it stops after 1 second without a build" in run.stderr
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
    pid = start_server(served)
    edit(own, text="")
    edit(own, text="An edit.")
    monkeypatch.setenv("PYTHONHASHSEED", "7")  # shapes the interpreter: a server started without it cannot run this
    edit(served, own, text="An edit under another seed.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert stopped(pid)  # it declined and stopped; the command built itself and goes on as the new server
    assert NOTICE in run.stderr
    assert server_pid(served) not in {None, pid}
    alone(own)
    assert tree_bytes(served / "output") == tree_bytes(own / "output")


def test_a_new_version_of_the_program_is_not_served_by_the_old(runtime: Path, projects: tuple[Path, Path],
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server runs a copy of the package; a change to one of its files (an upgrade) is built by the new code."""
    served, _ = projects
    package = tmp_path / "program"
    shutil.copytree(REPO / "newsletter", package / "newsletter", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("PYTHONPATH", str(package))
    pid = start_server(served)
    summary = package / "newsletter" / "summary.py"
    old = "in a browser, or run 'newsletter preview'"
    assert old in summary.read_text(encoding="utf-8")
    summary.write_text(summary.read_text(encoding="utf-8").replace(old, "in a browser (upgraded)"), encoding="utf-8")
    edit(served, text="After the upgrade.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert "in a browser (upgraded)" in run.stdout
    assert stopped(pid)
    edit(served, text="Served by the new program.")
    run, by_server = served_build(served)
    assert by_server and "in a browser (upgraded)" in run.stdout


def test_a_killed_server_leaves_nothing_in_the_way(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    pid = start_server(served)
    os.kill(pid, signal.SIGKILL)
    assert stopped(pid)
    edit(served, text="After the kill.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert server_pid(served) not in {None, pid}  # the stale socket went; this build serves now


def test_builds_at_the_same_time_wait_their_turn(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, own = projects
    start_server(served, own)
    edit(served, own, text="Two builds at once.")
    command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat()]
    running = [subprocess.Popen(command, cwd=served, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    answers = [process.communicate(timeout=120) for process in running]
    assert [process.returncode for process in running] == [0, 0, 0], answers
    own_answer = alone(own)
    assert tree_bytes(served / "output") == tree_bytes(own / "output")
    # One of them built the edit; the others, after it, found nothing changed (and may have waited, saying so).
    said = [stdout.replace(str(served), "ROOT") for stdout, _ in answers]
    assert own_answer.stdout.replace(str(own), "ROOT") in said
    assert all("(0 written" in text for text in said if text != own_answer.stdout.replace(str(own), "ROOT"))
    assert all(stderr in ("", WAITING) for _, stderr in answers), answers


def test_a_server_stops_when_its_project_goes(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    pid = start_server(served)
    shutil.rmtree(served)
    assert stopped(pid)
    assert not list(runtime.rglob("*.sock"))


def test_a_project_moved_is_built_where_it_now_is_not_by_the_server_of_its_old_path(runtime: Path,
                                                                                   projects: tuple[Path, Path]) -> None:
    """The server's socket is named by the project folder's identity, which a move keeps: it serves only its path.

    (A server whose project has gone stops within a second; here another project took the old path.)"""
    served, own = projects
    pid = start_server(served, own)
    moved = served.with_name("moved")
    served.rename(moved)
    copy_example(served)  # another project where it was: the old server goes on serving that path
    edit(moved, own, text="Edited where it now is.")
    run, by_server = served_build(moved)
    assert run.returncode == 0 and not by_server, run.stderr
    assert str(served) not in run.stdout  # the summary names the files where they are
    assert stopped(pid)
    alone(own)
    assert tree_bytes(moved / "output") == tree_bytes(own / "output")


def test_a_socket_folder_others_may_open_is_not_used(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    pid = start_server(served)
    folder = runtime / f"newsletter-{os.getuid()}"
    folder.chmod(0o755)
    edit(served, text="With the folder open to others.")
    run, by_server = served_build(served)
    assert run.returncode == 0 and not by_server
    assert NOTICE not in run.stderr  # nor does it start a server there
    assert server_pid(served) == pid


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of 300 generated items (bench/generate.py): big enough for worker processes, and for a build
    that takes a while."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        generate = importlib.import_module("generate")
    finally:
        sys.path.remove(str(REPO / "bench"))
    folder = tmp_path_factory.mktemp("archive")
    generate.generate(folder, 300, 1)
    return folder / "newsletter"


def big_projects(archive: Path, tmp_path: Path) -> tuple[Path, Path]:
    served, own = tmp_path / "served", tmp_path / "alone"
    for root in (served, own):
        shutil.copytree(archive, root)
    start_server(served, own, change=edit_generated)
    return served.resolve(), own.resolve()


def edit_generated(*roots: Path, text: str) -> None:
    for root in roots:
        item = sorted((root / "content" / "news").glob("*.md"))[150]
        item.write_text(item.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks


def test_a_big_project_builds_in_workers_forked_from_the_server(runtime: Path, archive: Path, tmp_path: Path) -> None:
    served, own = big_projects(archive, tmp_path)
    for args in ((), ("--no-cache",)):
        edit_generated(served, own, text=f"Edited with {args}.")
        answer, by_server = served_build(served, *args)
        assert by_server
        same_answer(answer, alone(own, *args), served, own)


def test_ctrl_c_stops_the_served_build_as_it_stops_its_own(runtime: Path, archive: Path, tmp_path: Path) -> None:
    served, own = big_projects(archive, tmp_path)
    pid = server_pid(served)
    assert pid is not None
    before = tree_bytes(served / "output")
    edit_generated(served, text="An edit that is never built.")
    command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat(), "--no-cache"]
    ticks = cpu_ticks(pid)
    client = subprocess.Popen(command, cwd=served, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + WAIT
    while cpu_ticks(pid) < ticks + 10 and time.monotonic() < deadline:  # the server is building it
        time.sleep(0.01)
    client.send_signal(signal.SIGINT)
    out, err = client.communicate(timeout=60)
    assert client.returncode == 130
    assert err.endswith("interrupted; output/ was left as it was\n") and not out
    assert stopped(pid)  # a server whose build stopped halfway stops too
    assert tree_bytes(served / "output") == before
    run, by_server = served_build(served)  # the next one builds in its own process
    assert run.returncode == 0 and not by_server
    edit_generated(own, text="An edit that is never built.")
    alone(own)
    assert tree_bytes(served / "output") == tree_bytes(own / "output")


def test_ctrl_c_while_waiting_for_another_build_builds_nothing(runtime: Path, archive: Path, tmp_path: Path) -> None:
    served, _ = big_projects(archive, tmp_path)
    pid = server_pid(served)
    command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat()]
    first = subprocess.Popen([*command, "--no-cache"], cwd=served, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "NEWSLETTER_JOBS": "1"})  # in one process: seconds
    ticks = cpu_ticks(pid)  # type: ignore[arg-type]
    while cpu_ticks(pid) < ticks + 5:  # type: ignore[arg-type]
        time.sleep(0.01)
    waiting = subprocess.Popen([*command, "--out", "never"], cwd=served, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert waiting.stderr is not None
    assert waiting.stderr.readline() == WAITING
    waiting.send_signal(signal.SIGINT)
    assert waiting.wait(timeout=60) == 130
    assert first.wait(timeout=60) == 0
    assert not (served / "never").exists()
    assert server_pid(served) == pid  # still serving
    answer, by_server = served_build(served)
    assert by_server and answer.returncode == 0


def test_ctrl_c_in_a_rebuild_of_its_own_starts_no_server(runtime: Path, archive: Path, tmp_path: Path) -> None:
    served = tmp_path / "project"
    shutil.copytree(archive, served)
    build(served)
    for item in (served / "content" / "news").glob("*.md"):  # a rebuild of every item, in one process: seconds
        item.write_text(item.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    parent, child = pty.openpty()
    try:
        command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat()]
        process = subprocess.Popen(command, cwd=served, stdin=child, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, env={**os.environ, "NEWSLETTER_JOBS": "1"})
        while cpu_ticks(process.pid) < 50:  # well into the build
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        os.close(parent)
        os.close(child)
    assert process.returncode in {130, -signal.SIGINT} and NOTICE not in err
    assert server_pid(served.resolve()) is None


def test_a_command_that_goes_away_leaves_the_server_serving(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, own = projects
    pid = start_server(served, own)
    edit(served, own, text="Built for nobody.")
    command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat()]
    gone = subprocess.Popen(command, cwd=served, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gone.kill()  # whenever it dies: before, during or after the server's build
    gone.wait()
    edit(served, own, text="Built for somebody.")
    answer, by_server = served_build(served)
    assert by_server and server_pid(served) == pid
    same_answer(answer, alone(own), served, own)


def test_the_folder_a_rebuild_ran_in_may_go(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, own = projects
    inside = served / "notes"
    inside.mkdir()
    build(served)
    edit(served, text="An edit.")
    build(inside)  # the server starts from here
    pid = server_pid(served)
    assert pid is not None
    inside.rmdir()
    edit(served, text="Another edit.")
    answer, by_server = served_build(served)
    assert by_server and answer.returncode == 0
    assert server_pid(served) == pid


def test_a_script_or_a_scheduled_job_starts_no_server(runtime: Path, projects: tuple[Path, Path]) -> None:
    served, _ = projects
    for text in ("", "An edit.", "Another edit."):
        edit(served, text=text)
        run, by_server = served_build(served, terminal=False)
        assert run.returncode == 0 and not by_server and NOTICE not in run.stderr
    assert server_pid(served) is None


def test_the_server_keeps_nothing_its_command_was_given(runtime: Path, projects: tuple[Path, Path]) -> None:
    """A pipe (or a lock) the caller handed the command is let go of when the command ends, not kept by the server."""
    served, _ = projects
    build(served)
    edit(served, text="An edit.")
    reading, writing = os.pipe()
    parent, child = pty.openpty()
    try:
        command = [sys.executable, "-m", "newsletter", "build", "--as-of", EXAMPLE_AS_OF.isoformat()]
        process = subprocess.run(command, cwd=served, stdin=child, capture_output=True, text=True, pass_fds=(writing,),
                                 timeout=120)
    finally:
        os.close(parent)
        os.close(child)
        os.close(writing)
    assert NOTICE in process.stderr and server_pid(served) is not None
    ready, _, _ = select.select([reading], [], [], WAIT)
    assert ready and os.read(reading, 1) == b""  # the end of the pipe: nobody holds it open
    os.close(reading)
