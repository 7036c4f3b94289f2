"""The pipeline end to end: determinism, atomic writes, the manifest, stale files, partial builds."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from newsletter import build as build_module
from newsletter import write as write_module
from newsletter.build import BuildOptions, BuildResult, build_project
from newsletter.errors import OutputError, RenderError
from newsletter.outputs import COPIED_KINDS, Output
from newsletter.write import write_outputs

from .conftest import EXAMPLE_AS_OF, PUBLISHABLE_SETTINGS, tree_bytes

AS_OF = BuildOptions(as_of=EXAMPLE_AS_OF)


@pytest.fixture(scope="module")
def built_example(example_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The example built once for the tests that only read its output."""
    return build_project(example_copy, BuildOptions(out_dir=tmp_path_factory.mktemp("built"), as_of=EXAMPLE_AS_OF))


def test_two_builds_are_byte_identical(example_project: Path, tmp_path: Path):
    first = build_project(example_project, BuildOptions(out_dir=tmp_path / "one", as_of=EXAMPLE_AS_OF))
    second = build_project(example_project, BuildOptions(out_dir=tmp_path / "two", as_of=EXAMPLE_AS_OF))
    assert tree_bytes(first.out_dir) == tree_bytes(second.out_dir)
    assert len(first.report.written) > 40


def test_rebuild_writes_nothing_when_nothing_changed(example_project: Path):
    build_project(example_project, AS_OF)
    again = build_project(example_project, AS_OF)
    assert again.report.written == ()
    assert again.report.removed == ()


def test_manifest_lists_every_file_with_kind_and_sha256(built_example: BuildResult):
    result = built_example
    manifest = json.loads((result.out_dir / "manifest.json").read_text())
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {path for path in tree_bytes(result.out_dir) if path != "manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        data = (result.out_dir / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert entry["kind"]
    assert [entry["path"] for entry in manifest["files"]] == sorted(listed)


def test_example_has_the_web_archive(built_example: BuildResult):
    result = built_example
    out = result.out_dir
    index = (out / "index.html").read_text()
    for edition in result.site.editions:
        assert f'href="issues/{edition.slug}/index.html"' in index
        page = (out / "issues" / edition.slug / "index.html").read_text()
        assert "Funded by the European Union" in page
        assert '<html lang="en"' in page
        for item in edition.items:
            assert item.title.replace("'", "&#39;") in page or item.title in page
    for item in result.site.published:
        assert (out / "news" / item.slug / "index.html").is_file()
    assert (out / "static" / "eu-emblem.svg").is_file()
    assert (out / "images" / "logo.png").is_file()


def test_relative_links_between_pages_resolve(built_example: BuildResult):
    out = built_example.out_dir
    checked = 0
    for page in out.rglob("*.html"):
        if page.name == "email.html":
            continue  # absolute URLs and merge tags only; tests/test_email.py checks them
        for _element, attribute, href, _pos in lxml.html.fromstring(page.read_bytes()).iterlinks():
            path = unquote(urlsplit(href).path)
            if attribute not in ("href", "src") or urlsplit(href).scheme or not path:
                continue
            checked += 1
            assert (page.parent / path).resolve().is_file(), f"{page.relative_to(out)} links to missing {href}"
    assert checked > 100


def test_failure_mid_render_leaves_output_as_it_was(example_project: Path, monkeypatch):
    result = build_project(example_project, AS_OF)
    before = tree_bytes(result.out_dir)
    (example_project / "content/news/2023-06-14-kick-off-meeting-luxembourg.md").write_text(
        "---\ntitle: Changed title\ndate: 2023-06-14\n---\nChanged body.\n"
    )

    class Failing:
        name = "failing"

        def render(self, site, templates, memo=None):
            yield Output(PurePosixPath("partial.txt"), "test", b"half")
            raise RenderError("injected failure")

    original = build_module.renderers
    monkeypatch.setattr(build_module, "renderers", lambda: (*original(), Failing()))
    with pytest.raises(RenderError):
        build_project(example_project, AS_OF)
    assert tree_bytes(result.out_dir) == before


@pytest.mark.parametrize("count", [2, 200])  # staged one by one, and side by side in threads
def test_failure_while_writing_leaves_output_as_it_was(tmp_path: Path, monkeypatch, count: int):
    out = tmp_path / "out"
    write_outputs(out, [Output(PurePosixPath("a/one.txt"), "test", b"1")])
    before = tree_bytes(out)
    real_stage = write_module.stage_file
    failing = f"b{count // 2}.txt"

    def flaky_stage(target, data, *rest):
        if target.name == failing:
            raise OSError(28, "No space left on device")
        return real_stage(target, data, *rest)

    monkeypatch.setattr(write_module, "stage_file", flaky_stage)
    outputs = [Output(PurePosixPath("a/one.txt"), "test", b"changed"),
               *(Output(PurePosixPath(f"f{n % 7}/b{n}.txt"), "test", b"2") for n in range(1, count))]
    with pytest.raises(OutputError, match="No space left on device"):
        write_outputs(out, outputs)
    assert tree_bytes(out) == before  # no file changed, none left behind


def test_two_outputs_claiming_one_path_are_refused(tmp_path: Path):
    outputs = [Output(PurePosixPath("x/index.html"), "a", b"1"), Output(PurePosixPath("x/index.html"), "b", b"2")]
    with pytest.raises(OutputError, match="two outputs claim 'x/index.html'"):
        write_outputs(tmp_path, outputs)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("file, inside", [("a/b", "a/b/c.html"), ("x", "x/y/z/w.html"), ("t/u/v", "t/u/v/w/x")])
def test_an_output_that_is_another_outputs_folder_is_refused(tmp_path: Path, file: str, inside: str):
    for paths in ([file, inside], [inside, file]):
        outputs = [Output(PurePosixPath(path), "a", b"1") for path in paths]
        with pytest.raises(OutputError, match=f"'{file}' is both a file and a folder"):
            write_outputs(tmp_path, outputs)
    assert list(tmp_path.iterdir()) == []


def test_outputs_that_only_share_a_prefix_are_written(tmp_path: Path):
    paths = ["a/b.html", "a/bc/d.html", "ab/c"]
    write_outputs(tmp_path, [Output(PurePosixPath(path), "a", b"1") for path in paths])
    assert all((tmp_path / path).read_bytes() == b"1" for path in paths)


def test_stale_files_of_ours_are_removed_and_others_kept(example_project: Path):
    result = build_project(example_project, AS_OF)
    out = result.out_dir
    mine = out / "notes.txt"
    mine.write_text("my own file")
    (example_project / "content/news/2023-09-26-partner-spotlight-dfki.md").unlink()
    again = build_project(example_project, AS_OF)
    assert "news/partner-spotlight-dfki/index.html" in again.report.removed
    assert not (out / "news" / "partner-spotlight-dfki").exists()
    assert mine.read_text() == "my own file"


def test_a_file_we_did_not_write_is_never_overwritten(make_project):
    root = make_project()
    foreign = root / "output" / "index.html"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("hand made")
    with pytest.raises(OutputError, match="exists but was not written by newsletter"):
        build_project(root, AS_OF)
    assert foreign.read_text() == "hand made"


RENDER_ALL = BuildOptions(as_of=EXAMPLE_AS_OF, use_cache=False)  # renders and writes, never replays


def _later_tick() -> None:
    """Wait out the file system's clock tick, so the next file written has a later ctime."""
    time.sleep(0.05)


def _same_size_edit(path: Path) -> bytes:
    data = path.read_bytes()
    edited = data.replace(b"<title>", b"<TITLE>", 1)
    assert edited != data
    path.write_bytes(edited)
    return edited


def test_an_output_changed_by_hand_is_written_again_even_at_its_size(example_project: Path):
    first = build_project(example_project, RENDER_ALL)
    page = first.out_dir / "index.html"
    wanted = page.read_bytes()
    _later_tick()
    _same_size_edit(page)
    again = build_project(example_project, RENDER_ALL)
    assert again.report.written == ("index.html",)
    assert page.read_bytes() == wanted


def test_files_older_than_the_manifest_are_not_read_again(example_project: Path, monkeypatch):
    build_project(example_project, RENDER_ALL)
    _later_tick()
    build_project(example_project, RENDER_ALL)  # a manifest written after every file
    read: list[Path] = []
    real = write_module._bytes
    monkeypatch.setattr(write_module, "_bytes", lambda target: read.append(target) or real(target))
    again = build_project(example_project, RENDER_ALL)
    assert again.report.written == ()
    assert read == []


def test_an_output_replaced_by_a_link_to_an_older_file_is_written_again(example_project: Path, tmp_path: Path):
    first = build_project(example_project, RENDER_ALL)
    page = first.out_dir / "index.html"
    wanted = page.read_bytes()
    outside = tmp_path / "older.html"
    outside.write_bytes(wanted.replace(b"<title>", b"<TITLE>", 1))  # the page's size, other bytes
    _later_tick()
    build_project(example_project, RENDER_ALL)  # a manifest newer than the file outside
    page.unlink()
    page.symlink_to(outside)
    build_project(example_project, RENDER_ALL)
    assert not page.is_symlink() and page.read_bytes() == wanted


def test_a_partial_build_lists_a_kept_file_as_it_finds_it(example_project: Path):
    full = build_project(example_project, RENDER_ALL)
    slug = full.site.editions[0].slug
    page = full.out_dir / "index.html"
    wanted = page.read_bytes()
    _later_tick()
    edited = _same_size_edit(page)
    build_project(example_project, replace(RENDER_ALL, issue=slug))
    listed = {entry["path"]: entry for entry in json.loads((full.out_dir / "manifest.json").read_text())["files"]}
    assert listed["index.html"]["sha256"] == hashlib.sha256(edited).hexdigest()
    _later_tick()
    build_project(example_project, RENDER_ALL)
    assert page.read_bytes() == wanted


def test_issue_option_builds_only_that_issue_and_keeps_the_rest(example_project: Path):
    full = build_project(example_project, AS_OF)
    slug = full.site.editions[0].slug
    partial = build_project(example_project, BuildOptions(issue=slug, as_of=EXAMPLE_AS_OF))
    assert partial.outputs and all(o.path.as_posix().startswith(f"issues/{slug}/") for o in partial.outputs)
    manifest = json.loads((full.out_dir / "manifest.json").read_text())
    assert len(manifest["files"]) == len(full.report.manifest)
    assert (full.out_dir / "index.html").is_file()


def test_drafts_and_future_items_stay_out_unless_asked(make_project):
    root = make_project({
        "content/news/2024-01-12-secret.md": "---\ntitle: Secret\ndate: 2024-01-12\ndraft: true\n---\nDraft.\n",
        "content/news/2024-03-01-later.md": "---\ntitle: Later\ndate: 2024-03-01\n---\nLater.\n",
    })
    result = build_project(root, BuildOptions(as_of=date(2024, 2, 1)))
    assert [item.slug for item in result.site.published] == ["first-item"]
    assert [item.slug for item in result.site.editions[0].items] == ["first-item"]
    assert not (result.out_dir / "news" / "secret").exists()
    assert not (result.out_dir / "news" / "later").exists()

    with_drafts = build_project(root, BuildOptions(as_of=date(2024, 3, 1), drafts=True, out_dir=root / "o2"))
    assert [item.slug for item in with_drafts.site.published] == ["later", "secret", "first-item"]
    assert (with_drafts.out_dir / "news" / "secret" / "index.html").is_file()


def test_raw_html_in_markdown_is_sanitised_on_item_pages(make_project):
    root = make_project({
        "content/news/2024-01-10-first-item.md": """\
            ---
            title: "<script>alert(1)</script> Title"
            date: 2024-01-10
            ---
            Hello <script>alert(2)</script><a href="https://example.org" onclick="steal()">link</a>
            <img src="javascript:alert(3)" alt="x">
            """,
    })
    result = build_project(root, AS_OF)
    page = (result.out_dir / "news/first-item/index.html").read_text()
    assert "<script>" not in page
    assert "onclick" not in page
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Title" in page


def test_build_does_not_depend_on_the_clock(make_project):
    """Two builds years apart on the wall clock (time.time, datetime.now and date.today all moved) give the same bytes."""
    root = make_project()
    options = {"as_of": date(2024, 6, 1)}
    with time_machine.travel(datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc), tick=False):
        first = tree_bytes(build_project(root, BuildOptions(**options, out_dir=root / "a")).out_dir)
    with time_machine.travel(datetime(2041, 7, 8, 22, 59, 58, tzinfo=timezone.utc), tick=False):
        second = tree_bytes(build_project(root, BuildOptions(**options, out_dir=root / "b")).out_dir)
    assert first == second


def test_a_tag_without_letters_gets_no_link_and_a_warning(make_project):
    root = make_project({
        "newsletter.toml": PUBLISHABLE_SETTINGS,
        "content/news/2024-01-10-first-item.md": "---\ntitle: A\ndate: 2024-01-10\ntags: [\"🔋\", Energy]\n---\nBody\n",
    })
    result = build_project(root, AS_OF)
    page = (result.out_dir / "news/first-item/index.html").read_text()
    assert "tags//" not in page
    assert 'href="../../tags/energy/index.html"' in page
    assert [d.code for d in result.diagnostics] == ["unusable-tag"]


@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b/c.txt"]), st.binary(max_size=8),
                         st.sampled_from(["web-page", "image"])), min_size=1, max_size=6))
def test_digests_kept_from_the_last_build_serve_only_the_same_bytes(tmp_path_factory: pytest.TempPathFactory,
                                                                    writes: list[tuple[str, bytes, str]]):
    out = tmp_path_factory.mktemp("kept-digests") / "output"
    last: dict[str, tuple[bytes, str]] = {}
    for path, data, kind in writes:
        # Bytes of the same length, and an equal copy that is another object: digests follow the bytes alone.
        report = write_outputs(out, [Output(PurePosixPath(path), kind, bytes(bytearray(data)))], last=last)
        listed = {entry.path: entry.sha256 for entry in report.manifest}
        assert listed == {path: hashlib.sha256(data).hexdigest()}
        # A copied image is read anew by each build: what the last build read is not held.
        assert last == ({} if kind in COPIED_KINDS else {path: (data, listed[path])})
