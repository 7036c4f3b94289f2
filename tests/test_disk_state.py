"""State left on disk (manifest, journal, caches) is data to check, never a path to follow or code to trust."""

from __future__ import annotations

import json
import marshal
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.cli import cli
from newsletter.confine import relative_path
from newsletter.cache import CACHE_DIR
from newsletter.cache.documents import CACHE_FILE, DocumentCache
from newsletter.errors import OutputError
from newsletter.checks.online import check_links
from newsletter.checks.links import Link
from newsletter.errors import SourceLocation
from newsletter.cache.renders import MEMO_FILE, RenderMemo
from newsletter.cache.store import MarshalStore
from newsletter.manifest import JOURNAL, MANIFEST
from newsletter.write import write_outputs

from .conftest import PUBLISHABLE_SETTINGS

from .conftest import tree_bytes

AS_OF = BuildOptions(as_of=date(2024, 12, 31))
ITEM = "content/news/2024-01-10-first-item.md"
# Paths a manifest could name to reach outside output/, or that name a folder of it.
HOSTILE_PATHS = [
    "../victim.txt", f"../{ITEM}", "../newsletter.toml", "news/../../victim.txt", "..", ".", "", "/",
    "news", "news/first-item", "issues", "images/../../victim.txt", "./index.html", "a//b", "news/\x00x",
    "..\\victim.txt", "C:/victim.txt", "c:victim.txt", "x" * 300, "news/" + "y" * 256,
]
hostile_path = st.one_of(st.sampled_from(HOSTILE_PATHS), st.text(max_size=40),
                         st.lists(st.sampled_from(["..", ".", "news", "x", "", "/"]), max_size=5).map("/".join))
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture
def built(make_project, tmp_path: Path):
    """A built project with a file beside it and one in content/ that a bad manifest could name."""
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS})
    (tmp_path / "victim.txt").write_text("precious")
    (tmp_path / "abs-victim.txt").write_text("precious")
    result = build_project(root, AS_OF)
    return root, result


def manifest_of(out_dir: Path) -> dict:
    return json.loads((out_dir / MANIFEST).read_text())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(hostile_path, min_size=1, max_size=6))
def test_a_manifest_naming_paths_outside_output_or_folders_is_never_followed(built, watch_tree, paths):
    root, result = built
    out = result.out_dir
    manifest = manifest_of(out)
    absolute = str(root.parent / "abs-victim.txt")
    for path in [*paths, absolute]:
        manifest["files"].append({"path": path, "kind": "web-page", "sha256": "0" * 64, "size": 1})
    (out / MANIFEST).write_text(json.dumps(manifest))
    before = tree_bytes(out)
    watch = watch_tree(root)

    report = write_outputs(out, result.outputs)
    again = write_outputs(out, result.outputs)  # an entry naming a folder never breaks a later build

    watch.assert_unchanged()
    assert {path for path in tree_bytes(out) if path != MANIFEST} == {p for p in before if p != MANIFEST}
    assert all(relative_path(entry["path"]) for entry in manifest_of(out)["files"])
    assert [w.code for w in report.warnings] == ["damaged-manifest"]
    assert again.warnings == ()


def test_a_bad_manifest_entry_is_named_in_one_warning_and_the_build_goes_on(built, runner):
    root, result = built
    manifest = manifest_of(result.out_dir)
    manifest["files"].append({"path": f"../{ITEM}", "kind": "web-page", "sha256": "0" * 64, "size": 1})
    (result.out_dir / MANIFEST).write_text(json.dumps(manifest))
    outcome = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert outcome.exit_code == 0, outcome.output
    assert f"warning: the manifest names '../{ITEM}', not a file inside output/" in outcome.output
    assert (root / ITEM).is_file()


@pytest.mark.parametrize("damage", [
    b"", b"{not json", b"[]", b'{"files": 3}', b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe",
], ids=["empty", "not-json", "a-list", "files-not-a-list", "nested-deeply", "not-utf8"])
def test_a_damaged_manifest_is_ignored_with_a_warning(built, damage: bytes):
    root, result = built
    (result.out_dir / MANIFEST).write_bytes(damage)
    again = build_project(root, BuildOptions(as_of=date(2024, 12, 31), use_cache=False))
    assert [w.code for w in again.diagnostics] == ["damaged-manifest"]
    assert again.report.written == ()  # every file was still the same: nothing to refuse
    assert manifest_of(result.out_dir)["files"]


def test_a_manifest_that_is_a_link_is_not_read(built, tmp_path: Path):
    root, result = built
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"files": [{"path": "../victim.txt", "kind": "x", "sha256": "0" * 64,
                                                "size": 1}]}))
    (result.out_dir / MANIFEST).unlink()
    (result.out_dir / MANIFEST).symlink_to(elsewhere)
    build_project(root, BuildOptions(as_of=date(2024, 12, 31), use_cache=False))
    assert (tmp_path / "victim.txt").read_text() == "precious"
    assert not (result.out_dir / MANIFEST).is_symlink()
    assert json.loads(elsewhere.read_text())["files"][0]["path"] == "../victim.txt"


def test_without_the_manifest_the_refusal_names_the_file_once_and_the_manifest(built, runner):
    root, result = built
    (result.out_dir / MANIFEST).unlink()
    (root / ITEM).write_text((root / ITEM).read_text().replace("Body of", "New body of"))
    outcome = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert outcome.exit_code == 1
    line = outcome.stderr.strip()
    assert "\n" not in line
    page = str(result.out_dir / "news/first-item/index.html")
    assert line.count(page) == 1
    assert line == (f"error: {page}: the file exists but was not written by newsletter (there is no "
                    f"output/{MANIFEST} listing what the last build wrote); move it away, or build into "
                    "another folder with --out")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(journal=json_value, paths=st.lists(hostile_path, max_size=5))
def test_a_journal_of_a_killed_build_is_followed_only_inside_output(built, watch_tree, journal, paths):
    root, result = built
    out = result.out_dir
    (out / JOURNAL).write_text(json.dumps({"adding": paths} if paths else journal))
    watch = watch_tree(root)
    report = write_outputs(out, result.outputs)
    watch.assert_unchanged()
    assert not (out / JOURNAL).exists()
    assert set(report.unchanged) == {output.path.as_posix() for output in result.outputs}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=json_value, bad_path=hostile_path)
def test_a_crafted_build_state_never_breaks_a_build(built, watch_tree, state, bad_path):
    root, result = built
    state_file = root / CACHE_DIR / "build-state.json"
    recorded = json.loads(state_file.read_text())
    recorded[str(result.out_dir)]["files"][bad_path] = [1, 2]
    for crafted in (recorded, state):
        state_file.write_text(json.dumps(crafted))
        watch = watch_tree(root)
        again = build_project(root, AS_OF)
        watch.assert_unchanged()
        assert tree_bytes(again.out_dir) == tree_bytes(result.out_dir)


def signed_store(path: Path, engine: str, entries: dict) -> None:
    """Write a cache file as this machine would sign it, holding `entries`."""
    store = MarshalStore(path, engine)
    store.entries = {}
    for key, value in entries.items():
        store.put(key, value)
    store.save()


marshal_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.binary(max_size=10),
    lambda inner: st.lists(inner, max_size=6).map(tuple) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=marshal_value)
def test_cache_entries_of_the_wrong_shape_are_rendered_afresh(built, garbage):
    root, result = built
    expected = tree_bytes(result.out_dir)
    cache = root / CACHE_DIR
    documents = DocumentCache(cache)
    memo = RenderMemo(root, cache)
    signed_store(cache / CACHE_FILE, documents.engine, {key: garbage for key in documents.entries})
    signed_store(cache / MEMO_FILE, memo.engine, {key: garbage for key in memo.entries})
    out = root / "again"
    again = build_project(root, BuildOptions(as_of=date(2024, 12, 31), out_dir=out))
    assert tree_bytes(again.out_dir) == expected


def test_a_cache_file_made_elsewhere_is_ignored_even_with_a_valid_checksum(built):
    import hashlib

    root, result = built
    cache = root / CACHE_DIR
    documents = DocumentCache(cache)
    assert documents.entries
    evil = "<script>alert(1)</script>"
    crafted = {key: (path, meta, body, fm, line, evil) for key, (path, meta, body, fm, line, _html)
               in documents.entries.items()}
    payload = marshal.dumps((documents.engine, crafted))
    (cache / CACHE_FILE).write_bytes(hashlib.sha256(payload).digest() + payload)
    assert DocumentCache(cache).entries == {}
    again = build_project(root, BuildOptions(as_of=date(2024, 12, 31), out_dir=root / "again"))
    assert b"<script>" not in (again.out_dir / "news/first-item/index.html").read_bytes()


def test_a_recent_entries_file_made_elsewhere_is_ignored_beside_a_good_store(built):
    import hashlib

    root, _result = built
    cache = root / CACHE_DIR
    documents = DocumentCache(cache)
    kept = dict(documents.entries)
    evil = "<script>alert(1)</script>"
    crafted = {key: (path, meta, body, fm, line, evil) for key, (path, meta, body, fm, line, _html) in kept.items()}
    payload = marshal.dumps((documents.engine, crafted))
    assert documents.recent_path is not None
    documents.recent_path.write_bytes(hashlib.sha256(payload).digest() + payload)  # a checksum, not our signature
    assert DocumentCache(cache).entries == kept
    again = build_project(root, BuildOptions(as_of=date(2024, 12, 31), out_dir=root / "again"))
    assert b"<script>" not in (again.out_dir / "news/first-item/index.html").read_bytes()


def test_a_copied_cache_folder_is_not_trusted(built, tmp_path: Path):
    import shutil

    root, _result = built
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert DocumentCache(root / CACHE_DIR).entries
    assert DocumentCache(copy / CACHE_DIR).entries == {}


@pytest.fixture
def answering_url():
    """A page on 127.0.0.1 that answers 200 OK."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Fine(BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Fine)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/page"
    server.shutdown()
    server.server_close()
    thread.join()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entry=json_value, fields=st.dictionaries(
    st.sampled_from(["checked", "final_url", "status", "permanent", "problem", "detail"]), json_value))
def test_a_crafted_link_cache_is_ignored_entry_by_entry(tmp_path: Path, answering_url: str, entry, fields):
    cache = tmp_path / "links.json"
    cache.write_text(json.dumps({"version": 1, "links": {answering_url: {"checked": 1e18, **fields}, "x": entry}}))
    report = check_links([Link(answering_url, SourceLocation(Path("content/news/a.md"), 3))], cache_path=cache)
    assert report.diagnostics == ()


def test_a_build_that_broke_off_is_never_taken_as_fresh(built):
    root, result = built
    out = result.out_dir
    (out / JOURNAL).write_text(json.dumps({"adding": []}))
    stale = out / f".newsletter-{2**22 + 7}-abcdefgh.tmp"  # a pid no system hands out
    stale.write_text("half")
    again = build_project(root, AS_OF)
    assert not again.fresh
    assert not stale.exists() and not (out / JOURNAL).exists()


def test_two_outputs_may_not_claim_the_manifest_or_the_journal(tmp_path: Path):
    from pathlib import PurePosixPath

    from newsletter.outputs import Output

    for name in (MANIFEST, JOURNAL):
        with pytest.raises(OutputError):
            write_outputs(tmp_path, [Output(PurePosixPath(name), "x", b"1")])
    assert os.listdir(tmp_path) == []


def test_a_folder_of_output_replaced_by_a_link_out_is_never_written_through(built, tmp_path: Path, watch_tree):
    root, result = built
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    news = result.out_dir / "news"
    for path in sorted(news.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    news.rmdir()
    news.symlink_to(elsewhere)
    watch = watch_tree(root)
    with pytest.raises(OutputError, match="'news/first-item' leads outside output/ through a symbolic link"):
        build_project(root, BuildOptions(as_of=date(2024, 12, 31), use_cache=False))
    watch.assert_unchanged()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("count", [1, 40])  # staged one by one, and in threads
def test_a_link_or_file_at_a_temporary_name_is_passed_over_never_written_through(tmp_path: Path, monkeypatch,
                                                                                    count: int):
    """A file a killed build left, or a link planted where the next temporary name will be, stays as it is."""
    import itertools
    from pathlib import PurePosixPath

    import newsletter.atomic as atomic
    from newsletter.outputs import Output

    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    (out / "a").mkdir(parents=True)
    monkeypatch.setattr(atomic, "_numbers", itertools.count(7))
    planted = [out / "a" / f"{atomic.TEMP_PREFIX}{os.getpid()}-{number}{atomic.TEMP_SUFFIX}" for number in range(7, 12)]
    planted[0].symlink_to(victim)
    planted[1].write_bytes(b"left")
    outputs = [Output(PurePosixPath(f"a/page-{index}.html"), "test", f"page {index}".encode()) for index in range(count)]
    write_outputs(out, outputs)
    assert victim.read_bytes() == b"keep me"
    assert os.readlink(planted[0]) == str(victim) and planted[1].read_bytes() == b"left"
    assert {path.name: path.read_bytes() for path in (out / "a").glob("page-*")} == {
        f"page-{index}.html": f"page {index}".encode() for index in range(count)}


@given(paths=st.lists(st.one_of(hostile_path, st.sampled_from(["index.html", "news/a/index.html", MANIFEST, JOURNAL])),
                      max_size=5, unique=True))
def test_a_process_reads_back_its_own_manifest_as_any_other_process_does(tmp_path_factory, paths):
    from newsletter import manifest

    out = tmp_path_factory.mktemp("manifest")
    manifest.write_manifest(out, [manifest.ManifestEntry(path, "web-page", "0" * 64, 1) for path in paths])
    parsed: list[bytes] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest, "json_state", lambda data: parsed.append(data) or json.loads(data))
        kept = manifest.load_manifest(out)
        kept[0].clear()  # what a caller does with the entries it was given is its own
        again = manifest.load_manifest(out)
        patch.setattr(manifest, "_known", (None, {}))  # another process
        assert again == manifest.load_manifest(out)
    # Read back without parsing it (only the other process does), unless it names what reading it refuses: then
    # each reading parses it, and warns.
    assert len(parsed) == (3 if again[1] else 1)
    # The next build lists the paths it read (checked already) and new ones: only the new ones are checked.
    listed = [*again[0].values(), *(manifest.ManifestEntry(path, "web-page", "1" * 64, 2) for path in paths)]
    manifest.write_manifest(out, listed, checked=again[0].keys())
    read_back = manifest.load_manifest(out)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest, "_known", (None, {}))  # another process
        assert read_back == manifest.load_manifest(out)
