"""`newsletter publish` over SFTP against a real OpenSSH server on 127.0.0.1.

The server (Debian's openssh-server) runs with a throwaway host key and client key in a temporary
folder, as the current user, with no PAM. The client finds everything the way a user's `ssh` would:
HOME points at a folder whose `.ssh/` holds the key, `known_hosts` and a `config` with a Host alias.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsletter.cli import cli
from newsletter.errors import PublishError
from newsletter.publish.address import parse_address
from newsletter.publish.record import RECORD
from newsletter.publish.run import publish_output

from .conftest import PUBLISHABLE_SETTINGS
from .test_publish import FOREIGN, StopAfter, folders_of, read_tree, replace_output, write_tree

SSHD = Path("/usr/sbin/sshd")
PRIVSEP = Path("/run/sshd")  # sshd started as root refuses to run without it
pytestmark = pytest.mark.skipif(not SSHD.exists(), reason="needs Debian's openssh-server: apt-get install openssh-server")
ALIAS = "newsletter-test-host"
BUILD = {
    "index.html": b"<h1>Archive</h1>",
    "feed.xml": b"<rss/>",
    "news/kick-off/index.html": b"<h1>Kick-off</h1>",
    "news/nantes/index.html": b"<h1>Nantes</h1>",
    "images/logo.png": bytes(range(256)) * 64,
    "manifest.json": b"{}",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def keygen(path: Path, passphrase: str = "") -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "", "-f", str(path)], check=True)


class Sshd:
    """An OpenSSH server on 127.0.0.1 that the tests start and stop (its sessions too)."""

    def __init__(self, folder: Path, authorized: list[Path]):
        self.folder, self.port = folder, free_port()
        keygen(folder / "host_key")
        (folder / "authorized_keys").write_text("".join(key.with_suffix(".pub").read_text() for key in authorized))
        self.config = folder / "sshd_config"
        self.config.write_text(f"""\
ListenAddress 127.0.0.1
Port {self.port}
HostKey {folder / 'host_key'}
AuthorizedKeysFile {folder / 'authorized_keys'}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
Subsystem sftp internal-sftp
""")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.folder / "sshd.log"
        log.write_bytes(b"")
        self.process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        deadline = time.monotonic() + 20
        while b"Server listening" not in log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"sshd did not start: {log.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server and every session it runs, as a server going down would."""
        if self.process is None:
            return
        for pid in [*self._descendants(self.process.pid), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.process = None

    def _descendants(self, pid: int) -> list[int]:
        try:
            children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []
        return [grandchild for child in children for grandchild in self._descendants(child)] + children


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home folder as a user's: .ssh/ with a key, known_hosts and a config naming the server."""
    if os.geteuid() == 0 and not PRIVSEP.is_dir():
        PRIVSEP.mkdir(mode=0o755)
    elif not PRIVSEP.is_dir():
        pytest.skip(f"sshd needs its privilege separation folder {PRIVSEP}")
    folder = tmp_path_factory.mktemp("home")
    ssh = folder / ".ssh"
    ssh.mkdir(mode=0o700)
    keygen(ssh / "id_ed25519")
    keygen(folder / "locked_key", passphrase="correct horse battery staple")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(folder))
        patch.delenv("SSH_AUTH_SOCK", raising=False)  # the user's own agent must not answer for the test key
        patch.delenv("NEWSLETTER_PUBLISH_PASSWORD", raising=False)
        yield folder


@pytest.fixture(scope="module")
def sshd(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    server = Sshd(tmp_path_factory.mktemp("sshd"), [home / ".ssh" / "id_ed25519", home / "locked_key"])
    server.start()
    host_key = (server.folder / "host_key.pub").read_text().split()
    (home / ".ssh" / "known_hosts").write_text(f"[127.0.0.1]:{server.port} {host_key[0]} {host_key[1]}\n")
    (home / ".ssh" / "config").write_text(
        f"Host {ALIAS}\n  HostName 127.0.0.1\n  Port {server.port}\n  User {getpass.getuser()}\n"
        f"  IdentityFile {home / '.ssh' / 'id_ed25519'}\n")
    yield server
    server.stop()


@pytest.fixture
def target(sshd: Sshd, tmp_path: Path) -> Path:
    folder = tmp_path / "www"
    folder.mkdir()
    return folder


def publish(out_dir: Path, folder: Path, **options) -> object:
    return publish_output(out_dir, parse_address(f"sftp://{ALIAS}{folder}/"), out_dir.parent / "cache", **options)


def test_a_publish_uploads_changes_only_and_leaves_other_files_alone(target: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "output"
    write_tree(out_dir, BUILD)
    write_tree(target, FOREIGN)
    first = publish(out_dir, target)
    assert sorted(first.uploaded) == sorted(BUILD) and first.size == sum(map(len, BUILD.values()))
    assert read_tree(target) == {**FOREIGN, **BUILD, RECORD: read_tree(target)[RECORD]}

    again = publish(out_dir, target)
    assert (again.uploaded, again.removed, again.unchanged) == ((), (), len(BUILD))

    edited = {**BUILD, "news/kick-off/index.html": b"<h1>Kick-off, edited</h1>", "manifest.json": b"{ }"}
    del edited["news/nantes/index.html"]
    replace_output(out_dir, edited)
    third = publish(out_dir, target)
    assert sorted(third.uploaded) == ["manifest.json", "news/kick-off/index.html"]
    assert third.removed == ("news/nantes/index.html",)
    held = read_tree(target)
    held.pop(RECORD)
    assert held == {**FOREIGN, **edited}
    assert "news/nantes" not in folders_of(target)  # emptied by the publish, so removed
    assert "news" in folders_of(target)  # it still holds a colleague's file


def test_a_dropped_connection_leaves_whole_files_and_the_next_publish_finishes(sshd: Sshd, target: Path,
                                                                                tmp_path: Path) -> None:
    out_dir = tmp_path / "output"
    write_tree(out_dir, BUILD)
    publish(out_dir, target)
    changed = {path: data + b" v2" for path, data in BUILD.items()}
    replace_output(out_dir, changed)

    class ServerGoesDown(StopAfter):
        def uploaded(self, path: str) -> None:
            self.count -= 1
            if self.count == 0:
                sshd.stop()

    try:
        with pytest.raises(PublishError, match="connection was lost.*run newsletter publish again to finish"):
            publish(out_dir, target, progress=ServerGoesDown(2))
    finally:
        sshd.start()
    half = read_tree(target)
    half.pop(RECORD)
    assert all(data in (BUILD[path], changed[path]) for path, data in half.items())
    assert half != changed  # it did break off
    assert sorted(half) == sorted(BUILD)  # no temporary file visible beside them... once finished below
    finished = publish(out_dir, target)
    assert finished.uploaded
    held = read_tree(target)
    held.pop(RECORD)
    assert held == changed


def test_an_unknown_host_key_is_refused_with_the_command_that_trusts_it(sshd: Sshd, home: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "output"
    write_tree(out_dir, BUILD)
    address = parse_address(f"sftp://127.0.0.1:{sshd.port}{tmp_path}/")
    known = home / ".ssh" / "known_hosts"
    saved = known.read_text()
    known.write_text("")
    try:
        with pytest.raises(PublishError) as refused:
            publish_output(out_dir, address, tmp_path / "cache")
    finally:
        known.write_text(saved)
    assert str(refused.value).endswith(f"run: ssh-keyscan -p {sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts")
    assert not (tmp_path / RECORD).exists()


def test_a_key_passphrase_comes_from_the_environment_and_is_never_shown(sshd: Sshd, home: Path, target: Path,
                                                                         tmp_path: Path, runner,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    config = home / ".ssh" / "config"
    saved = config.read_text()
    config.write_text(saved.replace(str(home / ".ssh" / "id_ed25519"), str(home / "locked_key")))
    out_dir = tmp_path / "output"
    write_tree(out_dir, BUILD)
    try:
        monkeypatch.setenv("NEWSLETTER_PUBLISH_PASSWORD", "wrong passphrase")
        with pytest.raises(PublishError) as refused:
            publish(out_dir, target)
        assert "wrong passphrase" not in str(refused.value) and "NEWSLETTER_PUBLISH_PASSWORD" in str(refused.value)
        monkeypatch.setenv("NEWSLETTER_PUBLISH_PASSWORD", "correct horse battery staple")
        assert sorted(publish(out_dir, target).uploaded) == sorted(BUILD)
    finally:
        config.write_text(saved)


def test_the_command_publishes_a_project_over_sftp(sshd: Sshd, target: Path, make_project, runner) -> None:
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS + f'\n[publish]\nto = "sftp://{ALIAS}{target}/"\n'})
    first = runner.invoke(cli, ["--project", str(root), "publish"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"Built, then published to sftp://{ALIAS}{target}/: ")
    assert first.stdout.count("\n") == 1  # piped: the summary line only, no progress bar
    assert read_tree(target).keys() - {RECORD} == read_tree(root / "output").keys()
    dry = runner.invoke(cli, ["--project", str(root), "publish", "--dry-run"])
    assert dry.stdout.startswith(f"Would publish to sftp://{ALIAS}{target}/: 0 uploaded (0 bytes), ")


def test_check_online_reads_what_another_computer_published(sshd: Sshd, target: Path, make_project, runner,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from newsletter.cache import CACHE_DIR
    from newsletter.check import check_project
    from newsletter.checks import online
    from newsletter.publish.record import LOCAL_COPY

    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS + f'\n[publish]\nto = "sftp://{ALIAS}{target}/"\n'})
    assert runner.invoke(cli, ["--project", str(root), "publish"]).exit_code == 0
    (root / CACHE_DIR / LOCAL_COPY).unlink()  # as on a colleague's computer, which never published
    item = root / "content/news/2024-01-10-first-item.md"
    item.write_text(item.read_text().replace("The first item", "The edited first item"))
    # The links are not what this test is about: no requests leave the machine.
    monkeypatch.setattr(online, "check_online", lambda *args: online.LinkReport((), 0, 0))
    assert "publish-stale" not in {finding.code for finding in check_project(root)}
    stale = [finding for finding in check_project(root, online=True) if finding.code == "publish-stale"]
    assert len(stale) == 1 and "holds an older build" in stale[0].message


def test_what_an_upload_cut_short_left_is_cleaned_up_by_the_next_publish(target: Path, tmp_path: Path) -> None:
    from newsletter.publish.record import Record
    from newsletter.publish.sftp import temp_name

    out_dir = tmp_path / "output"
    write_tree(out_dir, BUILD)
    # A publish killed in the middle of news/kick-off/index.html: the journal owns it, half of it lies beside it.
    leftover = Path(temp_name(str(target / "news/kick-off/index.html")))
    write_tree(target, {RECORD: Record({}, ("news/kick-off/index.html",)).to_bytes()})
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"<h1>Kick")
    publish(out_dir, target)
    assert not leftover.exists()
    held = read_tree(target)
    held.pop(RECORD)
    assert held == BUILD


def test_a_server_that_is_not_there_is_one_line(home: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "output"
    write_tree(out_dir, BUILD)
    with pytest.raises(PublishError) as refused:
        publish_output(out_dir, parse_address(f"sftp://127.0.0.1:{free_port()}/www/"), tmp_path / "cache")
    assert "cannot connect (Connection refused); check the host name and port" in str(refused.value)
