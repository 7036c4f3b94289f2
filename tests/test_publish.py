"""`newsletter publish` to a file:// target: the plan, the record, interruptions, the CLI and `publish-stale`.

The SFTP target, against a real OpenSSH server, is tested in test_publish_sftp.py; both targets share
everything here but the connection.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.check import check_project
from newsletter.cli import cli
from newsletter.errors import PublishError
from newsletter.publish.address import parse_address
from newsletter.publish.plan import LocalFile, local_files, make_plan
from newsletter.publish.record import RECORD, Record, parse_record
from newsletter.publish.run import publish_output, publish_project

from .conftest import MINIMAL_SETTINGS, PUBLISHABLE_SETTINGS

FOLDERS = ("news", "issues", "news/kick-off", "images")
NAMES = ("index.html", "feed.xml", "logo.png", "email.zip")
# Files that are not ours, among them one in a folder publishes fill and empty.
FOREIGN = {"robots.txt": b"User-agent: *\n", "news/notes.txt": b"a colleague's file\n"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def folders_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def replace_output(out_dir: Path, files: dict[str, bytes]) -> None:
    """Make `out_dir` hold exactly `files`, as a build would."""
    for path in read_tree(out_dir):
        (out_dir / path).unlink()
    write_tree(out_dir, files)


paths = st.builds(lambda folder, name: f"{folder}/{name}" if folder else name,
                  st.sampled_from(("", *FOLDERS)), st.sampled_from(NAMES))
builds = st.dictionaries(paths, st.binary(max_size=40), max_size=12)


class Stop(Exception):
    """Breaks a publish off, as a killed process or a dropped connection would."""


class StopAfter:
    """Progress that breaks the publish off after `count` uploaded files."""

    def __init__(self, count: int):
        self.count = count

    def start(self, files: int, size: int) -> None:
        pass

    def sent(self, size: int) -> None:
        pass

    def uploaded(self, path: str) -> None:
        self.count -= 1
        if self.count <= 0:
            raise Stop(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(builds, min_size=1, max_size=4), st.lists(st.integers(0, 6), min_size=4, max_size=4))
def test_a_target_holds_each_build_exactly_and_nothing_else_is_touched(sequence: list[dict[str, bytes]],
                                                                      stops: list[int]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        out_dir, site, cache = Path(temp, "output"), Path(temp, "site"), Path(temp, "cache")
        out_dir.mkdir(), site.mkdir()
        write_tree(site, FOREIGN)
        address = parse_address(site.as_uri() + "/")
        built: dict[str, set[bytes]] = {}  # every content each path had in a build so far
        for number, (files, stop) in enumerate(zip(sequence, stops), 1):
            replace_output(out_dir, files)
            for path, data in files.items():
                built.setdefault(path, set()).add(data)
            if stop and number < len(sequence):
                # Broken off: no file is half written, and a later publish (of a later build) puts it right.
                try:
                    publish_output(out_dir, address, cache, progress=StopAfter(stop))
                except Stop:
                    pass
                held = read_tree(site)
                assert all(data in built[path] for path, data in held.items() if path not in FOREIGN and path != RECORD)
                assert [path for path in held if path.rsplit("/", 1)[-1].startswith(".newsletter-")] in ([], [RECORD])
                continue
            report = publish_output(out_dir, address, cache)
            held = read_tree(site)
            # An empty output on an empty target changes nothing, not even the record.
            assert json.loads(held.pop(RECORD, b'{"files": {}}'))["files"] == {
                path: sha(data) for path, data in files.items()}
            assert held == {**FOREIGN, **files}
            # Every folder left holds something: the ones a publish emptied are gone.
            assert all(any(p.startswith(f"{folder}/") for p in held) for folder in folders_of(site))
            again = publish_output(out_dir, address, cache)
            assert (again.uploaded, again.removed) == ((), ())
            assert set(report.uploaded) <= set(files)


@given(st.dictionaries(paths, st.sampled_from(["a", "b"]), max_size=8),
       st.dictionaries(paths, st.sampled_from(["a", "b"]), max_size=8),
       st.lists(paths, max_size=3))
def test_the_plan_uploads_what_the_record_cannot_vouch_for_and_removes_only_what_it_owns(
        local: dict[str, str], published: dict[str, str], pending: list[str]) -> None:
    files = [LocalFile(path, sha(digest.encode()), 1) for path, digest in sorted(local.items())]
    record = Record({path: sha(digest.encode()) for path, digest in published.items()}, tuple(pending))
    plan = make_plan(files, record)
    assert set(plan.upload) | set(plan.unchanged) == set(files) and not set(plan.upload) & set(plan.unchanged)
    assert {f.path for f in plan.upload} == {path for path in local
                                              if path in pending or published.get(path) != local[path]}
    assert set(plan.remove) == (set(published) | set(pending)) - set(local)


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b'{"format": 1, "files": []}', b'{"format": 9, "files": {}}'])
def test_a_damaged_record_owns_nothing(data: bytes) -> None:
    assert parse_record(data).owned() == set() and parse_record(data).damaged


def test_a_record_never_leads_outside_the_target() -> None:
    digest = "0" * 64
    record = parse_record(json.dumps({"format": 1, "files": {"../etc/passwd": digest, "/etc/passwd": digest,
                                                             "ok.html": digest, RECORD: digest},
                                      "pending": ["../x", "a/../../b", "fine.xml"]}).encode())
    assert record.files == {"ok.html": digest} and record.pending == ("fine.xml",)


def test_a_damaged_record_uploads_everything_and_removes_nothing(tmp_path: Path) -> None:
    out_dir, site = tmp_path / "output", tmp_path / "site"
    write_tree(out_dir, {"index.html": b"new"})
    write_tree(site, {"old.html": b"old", RECORD: b"not json"})
    report = publish_output(out_dir, parse_address(site.as_uri()), tmp_path / "cache")
    assert report.uploaded == ("index.html",) and report.damaged_record
    assert "cannot be read" in report.describe()[0]
    assert (site / "old.html").read_bytes() == b"old"


def test_links_and_temporary_files_in_output_are_not_published(tmp_path: Path) -> None:
    out_dir = tmp_path / "output"
    write_tree(out_dir, {"index.html": b"x", ".newsletter-123-abc.tmp": b"half", ".newsletter-journal.json": b"[]"})
    (tmp_path / "secret").write_text("not for the web")
    (out_dir / "link.txt").symlink_to(tmp_path / "secret")
    assert [file.path for file in local_files(out_dir)] == ["index.html"]


def test_the_funders_report_is_never_published_and_an_earlier_copy_is_removed(tmp_path: Path) -> None:
    out_dir, site = tmp_path / "output", tmp_path / "site"
    # An item whose slug is "report" has a page like any other; only output/report/ is the funder's.
    ours = {"index.html": b"x", "news/report/index.html": b"an item called report"}
    write_tree(out_dir, {**ours, "report/index.html": b"figures", "report/charts/emails.svg": b"<svg/>"})
    # An earlier version of the tool uploaded the report; the record says so.
    write_tree(site, {"report/activities.csv": b"old", RECORD: Record({"report/activities.csv": sha(b"old")}).to_bytes()})
    report = publish_output(out_dir, parse_address(site.as_uri()), tmp_path / "cache")
    assert report.removed == ("report/activities.csv",)
    held = read_tree(site)
    assert held.keys() - {RECORD} == ours.keys() and not (site / "report").exists()
    assert json.loads(held[RECORD])["files"].keys() == ours.keys()


def test_a_build_with_errors_publishes_nothing_unless_forced(make_project, runner, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    # example.org is a host kept for examples: check fails on it as a placeholder, and so does publish.
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS})
    errors = [finding for finding in check_project(root) if finding.severity.value == "error"]
    assert errors
    refused = runner.invoke(cli, ["--project", str(root), "publish", "--to", site.as_uri() + "/"])
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"error: {errors[0].where}: nothing was published: {errors[0].message}")
    assert "--force" in refused.stderr
    assert list(site.iterdir()) == []
    forced = runner.invoke(cli, ["--project", str(root), "publish", "--to", site.as_uri() + "/", "--force"])
    assert forced.exit_code == 0, forced.output
    assert read_tree(site).keys() - {RECORD} == read_tree(root / "output").keys()


def test_a_dry_run_lists_and_changes_nothing(tmp_path: Path) -> None:
    out_dir, site = tmp_path / "output", tmp_path / "site"
    write_tree(out_dir, {"index.html": b"x", "news/a/index.html": b"y"})
    site.mkdir()
    report = publish_output(out_dir, parse_address(site.as_uri()), tmp_path / "cache", dry_run=True)
    assert report.describe()[:2] == ["upload index.html", "upload news/a/index.html"]
    assert report.describe()[-1].startswith("Would publish to file://")
    assert list(site.iterdir()) == []


@pytest.mark.parametrize(("url", "problem"), [
    ("https://example.eu/", "must start with sftp:// or file://"),
    ("sftp://user:secret@host/www/", "may not hold a password"),
    ("sftp:///www/", "names no host"),
    ("sftp://host:99999/www/", "port"),
    ("file://server/share/", "folder on this computer"),
    ("sftp://host/www/?x=1", "query"),
])
def test_a_bad_address_is_one_line_at_its_setting(make_project, runner, url: str, problem: str) -> None:
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS + f'\n[publish]\nto = "{url}"\n'})
    result = runner.invoke(cli, ["--project", str(root), "publish"])
    assert result.exit_code == 1
    line = PUBLISHABLE_SETTINGS.count("\n") + 3
    assert result.stderr.startswith(f"error: newsletter.toml:{line}: 'publish.to' must be an address like")
    assert problem in result.stderr and "Traceback" not in result.stderr and "secret" not in result.stderr


def test_without_a_target_publish_says_where_to_write_one(make_project, runner) -> None:
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS})
    result = runner.invoke(cli, ["--project", str(root), "publish"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: newsletter.toml: there is nowhere to publish to; add [publish] to")
    assert not (root / "output").exists()


def test_a_missing_target_folder_is_refused_in_one_line(make_project, runner, tmp_path: Path) -> None:
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS})
    missing = (tmp_path / "not-mounted").as_uri() + "/"
    result = runner.invoke(cli, ["--project", str(root), "publish", "--to", missing])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "does not exist; create it (or mount the share) first" in result.stderr
    assert not (tmp_path / "not-mounted").exists()


def test_publish_builds_when_content_changed_and_check_warns_until_published(make_project, runner,
                                                                               tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS + f'\n[publish]\nto = "{site.as_uri()}/"\n'})
    first = runner.invoke(cli, ["--project", str(root), "publish"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"Built, then published to {site.as_uri()}/: ")
    assert read_tree(site).keys() - {RECORD} == read_tree(root / "output").keys()
    assert "publish-stale" not in {finding.code for finding in check_project(root)}

    again = publish_project(root)
    assert (again.built, again.uploaded, again.removed) == (False, (), ())

    item = root / "content/news/2024-01-10-first-item.md"
    item.write_text(item.read_text().replace("The first item", "The edited first item"))
    stale = [finding for finding in check_project(root) if finding.code == "publish-stale"]
    assert len(stale) == 1 and "holds an older build" in stale[0].message
    edited = publish_project(root)
    assert edited.built and edited.removed == ()
    assert "news/first-item/index.html" in edited.uploaded and "manifest.json" in edited.uploaded
    assert edited.unchanged and not [path for path in edited.uploaded if path.startswith("static/")]
    assert "publish-stale" not in {finding.code for finding in check_project(root)}


def test_a_publish_broken_off_is_reported_by_check(tmp_path: Path) -> None:
    from newsletter.publish.stale import _local_record

    site = tmp_path / "site"
    write_tree(site, {RECORD: Record({}, ("index.html",)).to_bytes()})
    record = _local_record(tmp_path, parse_address(site.as_uri()))
    assert record is not None and record.pending == ("index.html",)


def test_errors_of_the_target_are_publish_errors(tmp_path: Path) -> None:
    out_dir = tmp_path / "output"
    write_tree(out_dir, {"index.html": b"x"})
    with pytest.raises(PublishError, match="does not exist"):
        publish_output(out_dir, parse_address((tmp_path / "nowhere").as_uri()), tmp_path / "cache")
    assert os.listdir(out_dir) == ["index.html"]
