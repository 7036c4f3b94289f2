"""The preview over a real socket: loopback only, refuses traversal, rebuilds on change, cleans up on Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from newsletter.preview.server import PreviewServer

from .conftest import copy_example

AS_OF = date(2024, 12, 31)
ZENODO = "content/news/2024-11-20-open-dataset-zenodo.md"  # an item of issue-3
WAIT = 15.0  # seconds to wait for a rebuild before giving up; a generous bound, not a measurement



def request(address: tuple[str, int], path: str) -> tuple[int, bytes]:
    """Send `path` exactly as written (no client-side normalisation) and return status and body."""
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def reload_state(address: tuple[str, int]) -> dict[str, str | None]:
    status, body = request(address, "/__preview/reload")
    assert status == 200
    return json.loads(body)  # type: ignore[no-any-return]


def wait_for_new_version(address: tuple[str, int], version: str | None) -> dict[str, str | None]:
    """Poll like the review page does until the server has built again."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        state = reload_state(address)
        if state["version"] != version:
            return state
        time.sleep(0.05)
    raise AssertionError(f"no rebuild within {WAIT} s")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


@pytest.fixture
def server(project: Path) -> Iterator[PreviewServer]:
    with PreviewServer(project, port=0, as_of=AS_OF) as running:
        yield running.start()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    """One server for the tests that only send requests: none of them edits the project."""
    project = copy_example(tmp_path_factory.mktemp("shared") / "project")
    with PreviewServer(project, port=0, as_of=AS_OF) as running:
        yield running.start()


def test_server_listens_on_the_loopback_address_only(shared_server: PreviewServer) -> None:
    host, port = shared_server.address
    assert host == "127.0.0.1" and port > 0
    assert shared_server.httpd.socket.family == socket.AF_INET
    assert shared_server.httpd.socket.getsockname()[0] == "127.0.0.1"


def non_loopback_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    candidates = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            candidates.append(probe.getsockname()[0])
        except OSError:
            pass
    try:
        candidates += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError:
        pass
    return next((address for address in candidates if not address.startswith(("127.", "0."))), None)


def test_server_cannot_be_reached_on_other_interfaces(shared_server: PreviewServer) -> None:
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError):
        socket.create_connection((address, shared_server.address[1]), timeout=2).close()


@pytest.mark.parametrize("path", [
    "/../newsletter.toml",
    "/%2e%2e/newsletter.toml",
    "/issues/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/..%5c..%5cnewsletter.toml",
    "/__preview/frame/dark/%2e%2e/%2e%2e/newsletter.toml",
])
def test_traversal_over_http_is_refused(shared_server: PreviewServer, path: str) -> None:
    status, body = request(shared_server.address, path)
    assert status == 403
    assert b"[project]" not in body


@pytest.mark.parametrize("path", ["//etc/passwd", "/%252e%252e/newsletter.toml", "/etc/passwd"])
def test_absolute_and_double_encoded_paths_find_nothing(shared_server: PreviewServer, path: str) -> None:
    status, body = request(shared_server.address, path)
    assert status in (403, 404)
    assert b"root:" not in body and b"[project]" not in body


def test_editing_an_item_rebuilds_and_the_page_shows_it(server: PreviewServer, project: Path) -> None:
    before = reload_state(server.address)
    item = project / ZENODO
    item.write_text(item.read_text(encoding="utf-8").replace(
        'title: "First open data set:', 'title: "Our very first open data set:'), encoding="utf-8")
    after = wait_for_new_version(server.address, before["version"])
    assert after["error"] is None
    status, body = request(server.address, "/issues/issue-3/index.html")
    assert status == 200 and "Our very first open data set:" in body.decode("utf-8")


def test_settings_and_a_new_templates_folder_are_watched(server: PreviewServer, project: Path) -> None:
    version = reload_state(server.address)["version"]
    settings = project / "newsletter.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'name = "OPINCHARGE"', 'name = "OPINCHARGE preview"', 1), encoding="utf-8")
    wait_for_new_version(server.address, version)
    assert b"OPINCHARGE preview" in request(server.address, "/")[1]

    # templates/ did not exist when the server started: its creation is seen, and later edits in it too.
    override = project / "templates" / "web" / "issue.html"
    override.parent.mkdir(parents=True)
    override.write_text(template_titled("Overridden"), encoding="utf-8")
    assert shows_title(server, "Overridden", within=WAIT)
    # The folder's own watcher starts just after it appears, so an edit may come before it: write again,
    # waiting longer each time (a rebuild on a loaded machine takes seconds), until an edit is seen through it.
    for attempt in range(8):
        override.write_text(template_titled(f"Edited {attempt}"), encoding="utf-8")
        if shows_title(server, f"Edited {attempt}", within=min(WAIT, 0.5 * 2 ** attempt)):
            break
    else:
        raise AssertionError("edits in the new templates/ folder were not seen")


def template_titled(title: str) -> str:
    return "{% extends 'default:web/issue.html' %}\n{% block title %}" + title + "{% endblock %}\n"


def shows_title(server: PreviewServer, title: str, within: float) -> bool:
    """Whether the issue page gets that title within `within` seconds."""
    deadline = time.monotonic() + within
    while f"<title>{title}</title>".encode() not in request(server.address, "/issues/issue-3/index.html")[1]:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_broken_file_keeps_the_server_up_and_fixing_it_recovers(server: PreviewServer, project: Path) -> None:
    version = reload_state(server.address)["version"]
    item = project / ZENODO
    good = item.read_text(encoding="utf-8")
    item.write_text(good.replace("---\n", "---\ntitle: [unclosed\n", 1), encoding="utf-8")
    state = wait_for_new_version(server.address, version)
    assert state["error"] is not None and str(state["error"]).startswith(f"{ZENODO}:")
    assert request(server.address, "/__preview/issues/issue-3/")[0] == 200
    item.write_text(good, encoding="utf-8")
    assert wait_for_new_version(server.address, state["version"])["error"] is None


def test_command_serves_until_ctrl_c_and_removes_its_temporary_folder(project: Path, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    command = [sys.executable, "-m", "newsletter", "--project", str(project), "preview", "--no-open", "--port", "0",
               "--as-of", "2024-12-31"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)})
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("Preview at "):
                break
        url = lines[-1].split()[2]
        assert url.startswith("http://127.0.0.1:"), lines
        host, port = url.removeprefix("http://").rstrip("/").split(":")
        status, body = request((host, int(port)), "/__preview/issues/issue-3/")
        assert status == 200 and b"OPINCHARGE Newsletter #3" in body
        assert [path.name.startswith("newsletter-preview-") for path in temp.iterdir()] == [True]
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=20)[1]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, rest
    assert "preview stopped" in rest and "Traceback" not in rest
    assert list(temp.iterdir()) == []


def test_a_port_in_use_is_one_line_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "newsletter", "--project", str(project), "preview",
                                 "--no-open", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: port {port} is already in use; "
                                     "stop the other server or choose another port with --port N")
