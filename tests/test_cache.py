"""The build cache: same bytes with or without it, damaged caches ignored, edits always seen."""

from __future__ import annotations

import copy
import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.cache import documents
from newsletter.content import prepare
from newsletter.content.models import NewsItem, ReportEntry
from newsletter.cache import CACHE_DIR
from newsletter.cache.documents import CACHE_FILE
from newsletter.errors import NewsletterError

from .conftest import EXAMPLE_AS_OF, tree_bytes

NANTES = "content/news/2023-12-12-general-meeting-nantes.md"


def build(root: Path, out: str, **options) -> object:
    return build_project(root, BuildOptions(out_dir=root / out, as_of=EXAMPLE_AS_OF, **options))


def test_output_is_the_same_with_and_without_the_cache(example_project: Path):
    cold = build(example_project, "cold", use_cache=False)
    assert not (example_project / CACHE_DIR).exists()
    build(example_project, "warm")  # fills the cache
    assert (example_project / CACHE_DIR / CACHE_FILE).is_file()
    warm = build(example_project, "warm2")
    assert tree_bytes(warm.out_dir) == tree_bytes(cold.out_dir)


def test_a_damaged_cache_is_ignored(example_project: Path):
    reference = tree_bytes(build(example_project, "ref", use_cache=False).out_dir)
    build(example_project, "fill")
    cache_file = example_project / CACHE_DIR / CACHE_FILE
    data = bytearray(cache_file.read_bytes())
    data[len(data) // 2] ^= 0xFF  # a flipped byte, as a torn write would leave
    cache_file.write_bytes(bytes(data))
    assert tree_bytes(build(example_project, "after-damage").out_dir) == reference
    cache_file.write_bytes(b"not a cache at all")
    assert tree_bytes(build(example_project, "after-garbage").out_dir) == reference


def test_a_cache_from_other_code_is_not_used(example_project: Path, monkeypatch):
    build(example_project, "fill")
    monkeypatch.setattr(documents, "engine_fingerprint", lambda: "another version of the program")
    calls = []
    real = prepare._prepare_or_error
    monkeypatch.setattr(prepare, "_prepare_or_error", lambda *a: calls.append(a) or real(*a))
    monkeypatch.setattr(prepare, "PARALLEL_THRESHOLD", 10_000)
    build(example_project, "other")
    assert len(calls) == len(list((example_project / "content").rglob("*.md")))


def test_an_edited_item_is_rebuilt_and_others_come_from_the_cache(example_project: Path, monkeypatch):
    build(example_project, "out")
    path = example_project / NANTES
    path.write_text(path.read_text().replace("two days", "two busy days"))
    calls = []
    real = prepare._prepare_or_error
    monkeypatch.setattr(prepare, "_prepare_or_error", lambda *a: calls.append(a[0]) or real(*a))
    result = build(example_project, "out")
    assert calls == [Path(NANTES)]
    assert not result.fresh
    assert "two busy days" in (result.out_dir / "news/general-meeting-nantes/index.html").read_text()


def test_a_rebuild_reads_again_only_the_content_files_that_changed(example_project: Path, monkeypatch):
    build(example_project, "out")
    path = example_project / NANTES
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    read: list[str] = []
    real_read = prepare.read_project_file
    monkeypatch.setattr(prepare, "read_project_file", lambda project, file: read.append(
        file.relative_to(example_project).as_posix()) or real_read(project, file))
    result = build(example_project, "out")
    assert read == [NANTES]  # the others are known by the digest the fingerprint took
    assert tree_bytes(result.out_dir) == tree_bytes(build(example_project, "fresh", use_cache=False).out_dir)


def test_a_rebuild_with_nothing_changed_writes_nothing(example_project: Path):
    first = build(example_project, "out")
    again = build(example_project, "out")
    assert again.fresh and again.report.written == ()
    assert len(again.report.unchanged) == len(first.report.manifest)


def test_a_deleted_output_file_is_written_again(example_project: Path):
    first = build(example_project, "out")
    (first.out_dir / "feed.xml").unlink()
    again = build(example_project, "out")
    assert not again.fresh
    assert again.report.written == ("feed.xml",)


def test_another_reference_day_is_another_build(example_project: Path):
    build(example_project, "out")
    later = build_project(example_project, BuildOptions(out_dir=example_project / "out", as_of=EXAMPLE_AS_OF.replace(year=2030)))
    assert not later.fresh


def test_parallel_preparation_gives_the_same_items(example_project: Path, monkeypatch):
    serial = build(example_project, "serial", use_cache=False)
    monkeypatch.setattr(prepare, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setenv("NEWSLETTER_JOBS", "2")
    parallel = build(example_project, "parallel", use_cache=False)
    assert serial.site.catalog == parallel.site.catalog
    assert tree_bytes(serial.out_dir) == tree_bytes(parallel.out_dir)


def test_an_error_found_in_a_worker_is_reported_with_its_line(example_project: Path, monkeypatch):
    (example_project / NANTES).write_text("---\ntitle: [unclosed\n---\nBody\n")
    monkeypatch.setattr(prepare, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setenv("NEWSLETTER_JOBS", "2")
    with pytest.raises(NewsletterError) as caught:
        build(example_project, "out", use_cache=False)
    assert str(caught.value).startswith(f"{NANTES}:3: front matter is not valid YAML")


@pytest.mark.parametrize("stem", ["kick-off", "a" * 81, "Kick Off", "wp6-fair-data", "x--y", "ünïcode-name"])
def test_the_fast_default_slug_agrees_with_slugify(stem: str):
    from newsletter.content.records import default_slug
    from newsletter.slugs import slugify

    assert default_slug(Path(f"2024-01-01-{stem}.md")) == slugify(stem)


def test_no_worker_processes_are_started_from_a_thread(example_project: Path, monkeypatch):
    import threading

    monkeypatch.setattr(prepare, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setenv("NEWSLETTER_JOBS", "2")

    def refuse(*args, **kwargs):
        raise AssertionError("a worker process was started from a thread")

    monkeypatch.setattr(os, "fork", refuse)
    failures = []
    thread = threading.Thread(target=lambda: _build_or_record(example_project, failures))
    thread.start()
    thread.join()
    assert failures == []


def _build_or_record(root: Path, failures: list) -> None:
    try:
        build(root, "threaded", use_cache=False)
    except Exception as exc:  # noqa: BLE001 - reported to the test's thread
        failures.append(exc)


def test_an_upgraded_library_means_a_full_build(example_project: Path, tmp_path: Path, monkeypatch):
    from newsletter.cache import freshness

    build(example_project, "out")
    # Another version of Markdown installed ahead of this one on the path, as an upgrade leaves it.
    upgraded = tmp_path / "site-packages"
    (upgraded / "Markdown-99.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(upgraded))
    freshness.code_fingerprint.cache_clear()  # a new process would take it afresh
    try:
        assert not build(example_project, "out").fresh
    finally:
        monkeypatch.undo()
        freshness.code_fingerprint.cache_clear()


def test_the_program_is_every_installed_library_at_its_version(tmp_path: Path, monkeypatch):
    from newsletter.cache import freshness

    site = tmp_path / "site-packages"
    (site / "MarkupSafe-2.1.0.dist-info").mkdir(parents=True)  # a library of a library (Jinja's)
    monkeypatch.syspath_prepend(str(site))

    def program() -> str:
        freshness.code_fingerprint.cache_clear()
        try:
            return freshness.code_fingerprint()
        finally:
            freshness.code_fingerprint.cache_clear()

    before = program()
    assert program() == before
    (site / "newsletter.egg-info").mkdir()  # the package's own metadata, as a checkout holds it: its files count
    assert program() == before
    (site / "MarkupSafe-2.1.0.dist-info").rename(site / "MarkupSafe-2.1.5.dist-info")  # upgraded
    upgraded = program()
    assert upgraded != before
    (site / "Some_Tool-1.0.egg-info").mkdir()  # one more, installed the older way
    added = program()
    assert added != upgraded
    later = tmp_path / "later"
    (later / "some_tool-0.9.dist-info").mkdir(parents=True)  # the same library further down the path: not imported
    monkeypatch.setattr(sys, "path", [*sys.path, str(later)])
    assert program() == added


def test_newsletter_jobs_one_turns_workers_off(example_project: Path, monkeypatch):
    monkeypatch.setattr(prepare, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setenv("NEWSLETTER_JOBS", "1")

    def refuse(*args, **kwargs):
        raise AssertionError("workers were started")

    monkeypatch.setattr(os, "fork", refuse)
    assert build(example_project, "serial", use_cache=False).site.catalog.items


def test_an_edited_item_renders_only_its_own_parts_again(example_project: Path, monkeypatch):
    from newsletter.channels.email import renderer as email_module
    from newsletter.channels.social import compose as social_compose
    from newsletter.channels.social import renderer as social_renderer

    reference = build(example_project, "ref", use_cache=False)
    build(example_project, "out")
    path = example_project / NANTES
    path.write_text(path.read_text().replace("summary: ", "summary: Edited. ", 1))
    emails, posts, records = [], [], []
    real_email, real_posts = email_module.render_email, social_compose.Composer.posts
    real_records = social_renderer._item_records
    monkeypatch.setattr(email_module, "render_email", lambda s, t, e, *memo: emails.append(e.slug) or real_email(s, t, e, *memo))
    monkeypatch.setattr(social_compose.Composer, "posts",
                        lambda self, item, *named: posts.append(item.slug) or real_posts(self, item, *named))
    monkeypatch.setattr(social_renderer, "_item_records",
                        lambda site, drafts, made: records.append({d.item.slug for d in drafts}) or real_records(site, drafts, made))
    result = build(example_project, "out")
    assert emails == ["issue-1"]
    assert posts == ["general-meeting-nantes"]
    assert records == [{"general-meeting-nantes"}]  # the other items' drafts.json records and CSV rows: remembered
    fresh = build(example_project, "fresh", use_cache=False)
    assert tree_bytes(result.out_dir) == tree_bytes(fresh.out_dir)
    assert tree_bytes(result.out_dir) != tree_bytes(reference.out_dir)


@pytest.mark.parametrize(("added", "recomposes"), [
    ("The consortium corrected a figure in this item.", False),  # posts read of the text only the partners it names
    ("{partner} hosted the session.", True),  # now it names one more: its mentions change
])
def test_an_edit_of_the_text_composes_posts_again_only_when_it_names_another_partner(
        example_project: Path, monkeypatch, added: str, recomposes: bool):
    from newsletter.channels.social import compose as social_compose
    from newsletter.settings.load import load_settings

    build(example_project, "out")
    # An item, and a partner it does not name yet.
    path, text, partner = next(
        (path, text, partner) for path in sorted((example_project / "content" / "news").glob("*.md"))
        for text in [path.read_text(encoding="utf-8")] for partner in load_settings(example_project).partners
        if partner.short not in text and partner.name not in text)
    path.write_text(text + "\n" + added.format(partner=partner.short) + "\n", encoding="utf-8")
    posts: list[str] = []
    real_posts = social_compose.Composer.posts
    monkeypatch.setattr(social_compose.Composer, "posts",
                        lambda self, item, *named: posts.append(item.source.name) or real_posts(self, item, *named))
    result = build(example_project, "out")
    assert posts == ([path.name] if recomposes else [])
    fresh = build(example_project, "fresh", use_cache=False)
    assert tree_bytes(result.out_dir) == tree_bytes(fresh.out_dir)


def test_an_edit_of_an_items_text_renders_no_email_again(example_project: Path, monkeypatch):
    from newsletter.channels.email import renderer as email_module

    build(example_project, "out")
    path = example_project / NANTES
    path.write_text(path.read_text(encoding="utf-8") + "\nThe minutes are [online](https://example.org/minutes).\n",
                    encoding="utf-8")
    emails: list[str] = []
    real_email = email_module.render_email
    monkeypatch.setattr(email_module, "render_email",
                        lambda s, t, e, *memo: emails.append(e.slug) or real_email(s, t, e, *memo))
    result = build(example_project, "out")
    assert emails == []
    assert any(path.startswith("news/") for path in result.report.written)  # the item's page has the text
    fresh = build(example_project, "fresh", use_cache=False)
    assert tree_bytes(result.out_dir) == tree_bytes(fresh.out_dir)


@pytest.mark.parametrize("note", ["# a note for the team\n", "\n\n"])
def test_a_comment_or_blank_line_in_the_settings_renders_nothing_again(example_project: Path, monkeypatch, note: str):
    """Every setting's line moves, and a key holds what the settings are, not where they are written."""
    from newsletter.channels.email import renderer as email_module
    from newsletter.channels.social import compose as social_compose

    build(example_project, "out")
    settings = example_project / "newsletter.toml"
    settings.write_text(note + settings.read_text(encoding="utf-8"), encoding="utf-8")
    rendered = []
    monkeypatch.setattr(email_module, "render_email", lambda s, t, e, *memo: rendered.append(e.slug))
    monkeypatch.setattr(social_compose.Composer, "posts", lambda self, item, *named: rendered.append(item.slug))
    result = build(example_project, "out")
    assert rendered == []
    assert result.report.written == ()


def test_own_email_templates_are_never_served_from_the_cache(example_project: Path, monkeypatch):
    from newsletter.channels.email import renderer as email_module

    override = example_project / "templates/email/footer.mjml"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% extends "default:email/footer.mjml" %}\n')
    emails = []
    real_email = email_module.render_email
    monkeypatch.setattr(email_module, "render_email", lambda s, t, e, *memo: emails.append(e.slug) or real_email(s, t, e, *memo))
    build(example_project, "first")
    rendered = len(emails)
    build(example_project, "second")
    assert rendered > 0 and len(emails) == 2 * rendered


def test_an_own_template_of_another_channel_keeps_the_email_cache(example_project: Path, monkeypatch):
    from newsletter.channels.email import renderer as email_module

    override = example_project / "templates/web/email/note.html"  # a folder named like a cached part
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("unused\n")
    build(example_project, "first")
    emails = []
    monkeypatch.setattr(email_module, "render_email", lambda s, t, e, *memo: emails.append(e.slug))
    build(example_project, "second")
    assert emails == []


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.dates(),
    lambda inner: st.lists(inner, max_size=3).map(tuple) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    | st.frozensets(st.text(max_size=3), max_size=3),
    max_leaves=8,
)


@given(_VALUES, _VALUES)
@settings(max_examples=50, deadline=None)
def test_render_keys_tell_values_apart_and_agree_on_equal_ones(first, second):
    from newsletter.cache.renders import input_digest

    assert input_digest("email", first) == input_digest("email", copy.deepcopy(first))
    assert input_digest("email", first) != input_digest("social", first)
    if first != second or type(first) is not type(second):
        assert input_digest("email", first) != input_digest("email", second)


_ITEMS = st.builds(NewsItem, **{**{field.name: ... for field in dataclasses.fields(NewsItem)},
                                 "source": st.builds(Path, st.text(max_size=4)),
                                 "social": st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2)})


@given(_ITEMS, _ITEMS, st.sampled_from([field.name for field in dataclasses.fields(NewsItem)]))
@settings(max_examples=150, deadline=None)
def test_render_keys_tell_records_apart_by_any_field(item, other, name):
    # Keys hold frozen records (an item, the settings): one field changed is another key; equal records, one key.
    from newsletter.cache.renders import input_digest

    changed = dataclasses.replace(item, **{name: getattr(other, name)})
    assert input_digest("page", (item,)) == input_digest("page", (copy.deepcopy(item),))
    assert (input_digest("page", (item,)) == input_digest("page", (changed,))) == (item == changed)


def test_render_keys_hold_records_that_json_cannot():
    from newsletter.cache.renders import input_digest

    huge = ReportEntry(audience_size=2**70)
    assert input_digest("k", (huge,)) == input_digest("k", (ReportEntry(audience_size=2**70),))
    assert input_digest("k", (huge,)) != input_digest("k", (ReportEntry(audience_size=2**70 + 1),))


def test_render_keys_are_the_same_in_every_process():
    code = ("from newsletter.cache.renders import input_digest; from newsletter.settings.social import SocialSettings;"
            "print(input_digest('k', (frozenset({'a', 'b', 'c', 'd'}), SocialSettings(hashtags=('x',)))))")
    digests = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1


def test_the_build_record_forgets_output_folders_that_are_gone(example_project: Path, tmp_path: Path):
    from newsletter.cache import CACHE_DIR
    from newsletter.cache.freshness import read_state

    kept, gone = tmp_path / "kept", tmp_path / "gone"
    for out_dir in (kept, gone):
        build_project(example_project, BuildOptions(out_dir=out_dir))
    assert {str(kept), str(gone)} <= read_state(example_project / CACHE_DIR).keys()
    shutil.rmtree(gone)
    build_project(example_project, BuildOptions(out_dir=tmp_path / "third"))
    recorded = read_state(example_project / CACHE_DIR).keys()
    assert {str(kept), str(tmp_path / "third")} <= recorded and str(gone) not in recorded


def test_the_inputs_are_listed_as_rglob_lists_them_and_an_unreadable_folder_is_skipped(tmp_path: Path, monkeypatch):
    from newsletter.cache import freshness

    for name in ("a.md", "b/c.md", "b/d e.md", "b-x/f.md", "b/__pycache__/g.pyc", "h/i/j.png", "private/k.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / "link").symlink_to(tmp_path / "h", target_is_directory=True)  # not followed, as rglob does not
    (tmp_path / "a-link.md").symlink_to(tmp_path / "a.md")
    expected = [str(p) for p in sorted(p for p in tmp_path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    assert freshness.file_names_below(tmp_path) == expected
    assert freshness.file_names_below(tmp_path / "missing") == freshness.file_names_below(tmp_path / "a.md") == []
    # A folder this user may not read (left by another user's container, say) is skipped, not a traceback.
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("private"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(freshness.os, "scandir", scandir)
    assert freshness.file_names_below(tmp_path) == [path for path in expected if "private" not in Path(path).parts]


def test_the_inputs_follow_links_to_folders_inside_the_project_once(tmp_path: Path):
    from newsletter.cache import freshness

    for name in ("project/content/a.md", "project/shared/b.md", "outside/c.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    root = tmp_path / "project"
    (root / "content/linked").symlink_to(root / "shared", target_is_directory=True)
    (root / "content/again").symlink_to(root / "shared", target_is_directory=True)  # the same folder: listed once
    (root / "content/loop").symlink_to(root / "content", target_is_directory=True)
    (root / "content/out").symlink_to(tmp_path / "outside", target_is_directory=True)
    listed = [Path(name).relative_to(root).as_posix() for name in freshness.file_names_below(root / "content", root)]
    assert listed in (["content/a.md", "content/again/b.md"], ["content/a.md", "content/linked/b.md"])
    assert freshness.file_names_below(root / "content") == [str(root / "content/a.md")]  # without a project: no links


def test_a_link_that_loops_hides_none_of_the_other_inputs(tmp_path: Path, monkeypatch):
    from newsletter.cache import freshness

    for name in ("a.md", "b.md", "z.png"):
        (tmp_path / name).write_text(name)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")  # following it fails with "too many levels of links"
    real_scandir = os.scandir

    class Listing:  # the loop listed first, as a folder's order may put it
        def __init__(self, path):
            with real_scandir(path) as found:
                self.entries = sorted(found, key=lambda entry: entry.name != "loop")

        def __enter__(self):
            return iter(self.entries)

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(freshness.os, "scandir", Listing)
    assert freshness.file_names_below(tmp_path) == [str(tmp_path / name) for name in ("a.md", "b.md", "z.png")]


def test_an_edit_through_a_linked_content_folder_is_built(example_project: Path):
    from newsletter.cache.replay import replayed

    news = example_project / "content" / "news"
    news.rename(example_project / "shared-news")
    news.symlink_to(example_project / "shared-news", target_is_directory=True)
    build(example_project, "output")
    edited = example_project / "shared-news" / Path(NANTES).name
    edited.write_text(edited.read_text(encoding="utf-8").replace('title: "', 'title: "Revised ', 1), encoding="utf-8")
    assert replayed(example_project, None, False, EXAMPLE_AS_OF) is None
    result = build(example_project, "output")
    assert not result.fresh
    assert any("Revised" in item.title for item in result.site.catalog.items)


def test_a_file_rewritten_with_its_size_and_time_kept_has_a_new_digest(tmp_path: Path):
    # Digests are remembered by a file's signature; a save that keeps size and mtime still shows.
    from newsletter.cache.freshness import file_digest

    path = tmp_path / "item.md"
    path.write_text("first\n")
    before, times = file_digest(path), os.stat(path)
    path.write_text("other\n")
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert file_digest(path) != before
    assert file_digest(path) == file_digest(path)
    assert file_digest(tmp_path) is None and file_digest(tmp_path / "gone.md") is None


@st.composite
def _builds(draw: st.DrawFn) -> list[tuple[set[str], set[str]]]:
    """Builds of one project: the first makes many entries, each later one drops a few and makes a few."""
    known = {f"k{index}" for index in range(draw(st.integers(8, 60)))}
    builds = [(set(), set(known))]
    for _ in range(draw(st.integers(1, 8))):
        dropped = draw(st.sets(st.sampled_from(sorted(known)), max_size=6)) if known else set()
        new = {f"n{len(known) + index}" for index in range(draw(st.integers(0, 6)))}
        builds.append((known - dropped, new))
        known = (known - dropped) | new
    return builds


@settings(max_examples=80, deadline=None)
@given(_builds())
def test_a_store_read_back_holds_what_the_last_build_used_and_stays_small(tmp_path_factory, builds):
    """Each build reads the store, uses some entries it finds, makes others, and saves; whatever file
    the save wrote, the next build finds every entry the last one used, and little else."""
    from newsletter.cache.store import MarshalStore

    path = tmp_path_factory.mktemp("store") / "values.marshal"
    for used, new in builds:
        store = MarshalStore(path, "engine")
        assert all(value == f"value of {key}" for key, value in store.entries.items())
        for key in sorted(used):
            assert store.get(key) is not None
        for key in sorted(new):
            store.put(key, f"value of {key}")
        wanted = dict(store.used)
        whole = len(MarshalStore(path, "engine")._whole) if path.exists() else 0
        store.save()
        again = MarshalStore(path, "engine")
        assert {key: again.entries.get(key) for key in wanted} == wanted
        if store.recent_path is not None and store.recent_path.exists():
            # Only a few recent entries, and few unused ones, stay beside an unchanged file.
            assert len(again._whole) == whole
            assert (len(again.entries) - len(again._whole)) * 4 < len(again._whole)
            assert (len(again._whole) - len(wanted.keys() & again._whole)) * 4 < len(again._whole)
        else:
            assert again.entries == wanted


def test_an_edit_writes_only_the_recent_entries_beside_the_memo(example_project: Path, monkeypatch):
    from newsletter.cache.renders import MEMO_FILE, RenderMemo

    build_project(example_project, BuildOptions(as_of=EXAMPLE_AS_OF))
    memo = example_project / CACHE_DIR / MEMO_FILE
    written = memo.read_bytes()
    item = example_project / "content/news/2023-12-12-general-meeting-nantes.md"
    item.write_text(item.read_text(encoding="utf-8") + "\nOne line more.\n", encoding="utf-8")
    cached = build_project(example_project, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert memo.read_bytes() == written
    assert 0 < memo.with_name("renders.recent.marshal").stat().st_size < len(written) / 2
    shutil.rmtree(cached.out_dir)  # built again from both files, it renders nothing
    made = []
    monkeypatch.setattr(RenderMemo, "put", lambda self, key, value: made.append(key))
    build_project(example_project, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert made == []
    monkeypatch.undo()
    cold = build_project(example_project, BuildOptions(as_of=EXAMPLE_AS_OF, use_cache=False, out_dir=cached.out_dir))
    again = build_project(example_project, BuildOptions(as_of=EXAMPLE_AS_OF, out_dir=example_project / "again"))
    assert tree_bytes(again.out_dir) == tree_bytes(cold.out_dir)
