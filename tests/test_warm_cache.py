"""Builds that keep their caches in memory (the preview): the same bytes as a cold build after any edits."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, BuildResult, build_project
from newsletter.cache import CACHE_DIR
from newsletter.cache.store import MarshalStore
from newsletter.cache.warm import WarmCache
from newsletter.errors import NewsletterError

from .conftest import EXAMPLE_AS_OF, REPO, copy_example, tree_bytes

NANTES = "content/news/2023-12-12-general-meeting-nantes.md"
DONOSTIA = "content/news/2024-10-17-general-meeting-donostia.md"
NANTES_IMAGE = "content/images/nantes-meeting.png"
INDEX_TEMPLATE = "templates/web/index.html"
EDITS = ["body", "title", "template", "new item", "settings", "image", "date", "tag"]
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)


def build(root: Path, out: str, warm: WarmCache | None = None, **options) -> BuildResult:
    return build_project(root, BuildOptions(out_dir=root / out, as_of=EXAMPLE_AS_OF, **options), warm=warm)


def edit(root: Path, kind: str, text: str) -> None:
    """One save, as a writer or a designer makes it: it always changes the project."""
    def inputs() -> list[dict[str, bytes]]:
        return [tree_bytes(root / "content"), tree_bytes(root / "templates"),
                {"": (root / "newsletter.toml").read_bytes()}]

    before = inputs()
    _edit(root, kind, text)
    assert inputs() != before, f"the edit '{kind}' changed nothing"


def _edit(root: Path, kind: str, text: str) -> None:
    if kind == "body":
        path = root / NANTES
        path.write_text(path.read_text() + f"\n{text}\n")
    elif kind == "title":
        path = root / DONOSTIA
        path.write_text(path.read_text().replace("\ntitle: ", f"\ntitle: {_yaml_word(text)} ", 1))
    elif kind == "template":
        path = root / INDEX_TEMPLATE
        # Inside the block the override fills: what a child template writes elsewhere is not shown.
        path.write_text(path.read_text().replace("{% endblock %}", f"<!-- {len(text)} -->{{% endblock %}}", 1))
    elif kind == "new item":
        path = root / "content/news/2024-08-01-added-while-previewing.md"
        body = path.read_text() if path.exists() else f"---\ntitle: Added {_yaml_word(text)}\ndate: 2024-08-01\n---\n"
        path.write_text(f"{body}{text}\n")
    elif kind == "settings":
        path = root / "newsletter.toml"
        path.write_text(path.read_text().replace('tagline = { en = "', f'tagline = {{ en = "{len(text)} ', 1))
    elif kind == "image":  # the same file, another size: the page's link preview states it
        from PIL import Image

        with Image.open(root / NANTES_IMAGE) as image:
            width = image.width
        Image.new("RGB", (width + len(text), 300), "navy").save(root / NANTES_IMAGE)
    elif kind == "date":  # into the future of the build's day and back: unpublished, then published again
        path = root / DONOSTIA
        text = path.read_text()
        later = text.replace("\ndate: 2024-10-17\n", "\ndate: 2025-03-01\n", 1)
        path.write_text(later if later != text else text.replace("\ndate: 2025-03-01\n", "\ndate: 2024-10-17\n", 1))
    elif kind == "tag":
        path = root / DONOSTIA
        path.write_text(path.read_text().replace("\ntags: [", f"\ntags: [{_yaml_word(text)}, ", 1))


def _yaml_word(text: str) -> str:
    """Text as one plain YAML word: letters and digits only."""
    return "".join(c for c in text if c.isalnum()) or "x"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(edits=[("template", "a designer's change"), ("body", "and a writer's")], own_templates=True)
# The theme's own pages are remembered (a project's templates may read anything, so theirs are not).
@example(edits=[("date", "x"), ("tag", "Solid state"), ("image", "wider")], own_templates=False)
@example(edits=[("body", "a line"), ("date", "x"), ("title", "New")], own_templates=False)
@given(st.lists(st.tuples(st.sampled_from(EDITS), _TEXT), min_size=1, max_size=3), st.booleans())
def test_warm_builds_write_what_a_cold_build_writes(tmp_path_factory: pytest.TempPathFactory,
                                                    edits: list[tuple[str, str]], own_templates: bool):
    root = copy_example(tmp_path_factory.mktemp("warm") / "example")
    if own_templates:
        shutil.copytree(REPO / "templates", root / "templates")
    else:
        edits = [(kind, text) for kind, text in edits if kind != "template"]
    warm = WarmCache()
    build(root, "preview", warm)
    for step, (kind, text) in enumerate(edits):
        edit(root, kind, text)
        kept = build(root, "preview", warm)
        cold = build(root, f"cold-{step}", use_cache=False)
        assert tree_bytes(kept.out_dir) == tree_bytes(cold.out_dir), (kind, text)


def test_a_save_renders_only_its_parts_from_memory(example_project: Path, monkeypatch):
    from newsletter import share_card
    from newsletter.channels.email import renderer as email_module

    warm = WarmCache()
    build(example_project, "preview", warm)
    shutil.rmtree(example_project / CACHE_DIR)  # what is kept, is kept in memory
    path = example_project / NANTES
    path.write_text(path.read_text().replace("summary: ", "summary: Edited. ", 1))
    emails, compiled, cards = [], [], []
    real_email, real_compile, real_card = email_module.render_email, jinja2.Environment.compile, share_card.make_card
    monkeypatch.setattr(email_module, "render_email", lambda s, t, e, *memo: emails.append(e.slug) or real_email(s, t, e, *memo))
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: compiled.append(a) or real_compile(self, *a, **k))
    monkeypatch.setattr(share_card, "make_card", lambda site: cards.append(site) or real_card(site))
    result = build(example_project, "preview", warm)
    assert emails == ["issue-1"]
    assert compiled == []  # the templates loaded by the first build
    assert cards == []  # the share card, drawn for the settings, also where the project has its own page templates
    assert tree_bytes(result.out_dir) == tree_bytes(build(example_project, "cold", use_cache=False).out_dir)


def test_a_failed_build_keeps_what_was_remembered(example_project: Path, monkeypatch):
    from newsletter.channels.email import renderer as email_module

    warm = WarmCache()
    build(example_project, "preview", warm)
    path = example_project / NANTES
    good = path.read_text()
    path.write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(NewsletterError):
        build(example_project, "preview", warm)
    path.write_text(good.replace("summary: ", "summary: Fixed. ", 1))
    shutil.rmtree(example_project / CACHE_DIR)
    emails = []
    real_email = email_module.render_email
    monkeypatch.setattr(email_module, "render_email", lambda s, t, e, *memo: emails.append(e.slug) or real_email(s, t, e, *memo))
    result = build(example_project, "preview", warm)
    assert emails == ["issue-1"]
    assert tree_bytes(result.out_dir) == tree_bytes(build(example_project, "cold", use_cache=False).out_dir)


@given(st.dictionaries(st.text(max_size=4), st.integers(), max_size=6), st.data(), st.booleans())
def test_a_store_carries_what_a_finished_build_used_and_all_after_a_broken_one(
        entries: dict[str, int], data: st.DataObject, finished: bool):
    store = MarshalStore(None, "engine")
    store.entries = dict(entries)
    used = data.draw(st.sets(st.sampled_from(sorted(entries))) if entries else st.just(set()))
    new = data.draw(st.dictionaries(st.text(min_size=5, max_size=6), st.integers(), max_size=2))
    for key in used:
        store.get(key)
    for key, value in new.items():
        store.put(key, value)
    if finished:
        store.save()
    store.carry_over()
    kept = {key: entries[key] for key in used} | new
    assert store.entries == (kept if finished else entries | new)
    assert store.used == {} and not store.finished


def test_the_memo_and_the_record_wait_for_settle_and_then_serve_a_build_on_its_own(example_project: Path,
                                                                                   monkeypatch):
    from newsletter.cache.renders import MEMO_FILE
    from newsletter.cache.replay import replayable

    warm = WarmCache()
    build(example_project, "preview", warm)
    memo = example_project / CACHE_DIR / MEMO_FILE
    out = (example_project / "preview").resolve()
    assert not memo.exists()  # the preview answers first
    assert replayable(example_project, out, False, EXAMPLE_AS_OF) is None
    warm.settle()
    assert memo.is_file()
    assert replayable(example_project, out, False, EXAMPLE_AS_OF) is not None
    # A build in a process of its own renders nothing the preview rendered.
    shutil.rmtree(out)
    rendered = []
    store = MarshalStore.put
    monkeypatch.setattr(MarshalStore, "put", lambda self, key, value: rendered.append(key) or store(self, key, value))
    again = build(example_project, "preview")
    assert again.report.written and rendered == []


def test_what_a_warm_build_takes_again_stays_remembered(example_project: Path, monkeypatch):
    """The parts a warm build takes whole (each item's social drafts) keep the memo entries they were made of:
    for a build on its own, and for a warm build of another day."""
    from newsletter.channels.social import renderer as social

    warm = WarmCache()
    build(example_project, "preview", warm)
    edit(example_project, "body", "One more line.")
    build(example_project, "preview", warm)
    warm.settle()
    rendered, composers = [], []
    store, composer = MarshalStore.put, social._composer
    monkeypatch.setattr(MarshalStore, "put", lambda self, key, value: rendered.append(key) or store(self, key, value))
    monkeypatch.setattr(social, "_composer", lambda *given: composers.append(given) or composer(*given))
    again = build(example_project, "on-its-own")
    assert again.report.written and rendered == []
    next_day = BuildOptions(out_dir=example_project / "preview", as_of=EXAMPLE_AS_OF + timedelta(days=1))
    build_project(example_project, next_day, warm=warm)
    assert rendered and composers == []  # the drafts' records are the day's, their posts are not


def _records(result: BuildResult) -> dict[str, object]:
    return {item.slug: item for item in (*result.site.catalog.items, *result.site.catalog.issues)}


def test_a_warm_build_keeps_the_records_an_edit_leaves_alone_with_their_warnings(example_project: Path):
    path = example_project / NANTES
    path.write_text(path.read_text().replace("\ntype: news\n", "\ntype: news\nlocaton: Nantes\n", 1))  # a typo'd key
    warm = WarmCache()
    first = _records(build(example_project, "preview", warm))
    edit(example_project, "body", "One more line.")
    second = build(example_project, "preview", warm)
    after = _records(second)
    changed = {slug for slug in first if after[slug] is not first[slug]}
    assert changed == {"general-meeting-nantes"}  # the edited file; every other record is the same object
    assert after["general-meeting-nantes"].body_markdown.endswith("One more line.\n")
    # The kept records' warnings are reported again: the same as a build of its own finds.
    cold = build(example_project, "cold", use_cache=False)
    assert second.diagnostics == cold.diagnostics and any("locaton" in d.message for d in second.diagnostics)
    for kind in ("settings", "image"):  # what every record is checked against: all are loaded again
        before = _records(build(example_project, "preview", warm))
        edit(example_project, kind, "changed")
        again = _records(build(example_project, "preview", warm))
        assert not any(again[slug] is before[slug] for slug in before), kind


def test_kept_objects_last_one_build_unless_the_next_uses_them():
    from newsletter.cache.kept import Kept

    kept, made = Kept(), []

    def make(name: str) -> Callable[[], object]:
        return lambda: made.append(name) or [name]

    first = kept.get("a", make("a")), kept.get("b", make("b"))
    assert kept.get("a", make("a")) is first[0] and made == ["a", "b"]  # made once in a build
    kept.carry_over()
    assert kept.get("a", make("a")) is first[0] and made == ["a", "b"]  # taken again by the next build
    kept.carry_over()  # that build did not use "b": it is let go
    assert kept.get("b", make("b")) is not first[1] and made == ["a", "b", "b"]
    kept.carry_over()
    kept.carry_over()  # a build that used nothing (it broke off first) lets nothing go
    assert kept.get("b", make("b")) is not None and made == ["a", "b", "b"]


def test_a_warm_build_renders_in_workers_only_when_much_is_to_be_rendered(example_project: Path, monkeypatch):
    from newsletter import build as build_module

    asked: list[bool] = []
    real = build_module.render_site
    monkeypatch.setattr(build_module, "render_site", lambda *a, **k: asked.append(k["parallel"]) or real(*a, **k))
    warm = WarmCache()
    build(example_project, "preview", warm)  # nothing remembered yet
    edit(example_project, "body", "a line")  # one file: its parts, and the lists that show it
    build(example_project, "preview", warm)
    edit(example_project, "settings", "x")  # in every part's key
    build(example_project, "preview", warm)
    build(example_project, "preview", warm, drafts=True)  # other items, other lists
    edit(example_project, "template", "x")  # another engine: every part of that template
    build(example_project, "preview", warm, drafts=True)
    edit(example_project, "title", "Retitled")
    build(example_project, "preview", warm, drafts=True)
    assert asked == [True, False, True, True, True, False]


def test_warm_builds_for_other_days_and_drafts_write_what_cold_builds_write(example_project: Path):
    # What is past and what is published follows the day (and --drafts): parts kept for one day are not another's.
    warm = WarmCache()
    for step, (day, drafts) in enumerate([(EXAMPLE_AS_OF, False), (date(2024, 6, 1), False), (EXAMPLE_AS_OF, True),
                                          (date(2025, 6, 1), False), (EXAMPLE_AS_OF, False)]):
        options = BuildOptions(out_dir=example_project / "preview", as_of=day, drafts=drafts)
        kept = build_project(example_project, options, warm=warm)
        cold = build_project(example_project,
                             replace(options, out_dir=example_project / f"cold-{step}", use_cache=False))
        assert tree_bytes(kept.out_dir) == tree_bytes(cold.out_dir), (day, drafts)


def test_a_warm_build_follows_what_other_files_change_in_an_items_links_and_tag_names(example_project: Path):
    """An item left alone still shows what its links lead to and what the site calls its tags, as they are now."""
    news = example_project / "content" / "news"
    (news / "2024-08-01-looking-back.md").write_text(
        "---\ntitle: Looking back\ndate: 2024-08-01\ntags: [consortium]\n---\n"
        "As [the meeting in Nantes](2023-12-12-general-meeting-nantes.md) decided.\n")
    spelled = [path for path in news.glob("*.md") if "[Consortium," in path.read_text()]
    assert len(spelled) > 1

    def moved_nantes() -> None:  # the link's target gets no page: the link goes
        path = example_project / NANTES
        path.write_text(path.read_text().replace("\ndate: 2023-12-12", "\ndate: 2025-12-12", 1))

    def respelled() -> None:  # most items now write the tag otherwise: so does every list of it
        for path in spelled:
            path.write_text(path.read_text().replace("[Consortium,", "[CONSORTIUM,", 1))

    warm = WarmCache()
    build(example_project, "preview", warm)
    for step, change in enumerate([moved_nantes, respelled]):
        before = tree_bytes(example_project / "content")
        change()
        assert tree_bytes(example_project / "content") != before
        kept = build(example_project, "preview", warm)
        assert tree_bytes(kept.out_dir) == tree_bytes(build(example_project, f"cold-{step}", use_cache=False).out_dir)


def test_warm_builds_of_one_issue_or_without_the_cache_write_what_cold_builds_write(example_project: Path):
    """Between a long-running process's full builds, one of an issue alone, or one ignoring the cache, changes
    nothing of what it keeps: each folder ends as the same builds, each in a process of its own, leave it."""
    warm = WarmCache()
    steps = [("body", "A first line.", {}), ("title", "Renamed", {"issue": "issue-1"}),
             ("body", "A second line.", {"use_cache": False}), ("tag", "Solid state", {}),
             ("body", "A third line.", {"issue": "issue-2"}), ("body", "A last line.", {})]
    build(example_project, "preview", warm)
    build(example_project, "cold", use_cache=False)
    for kind, text, options in steps:
        edit(example_project, kind, text)
        kept = build(example_project, "preview", warm, **options)
        cold = build(example_project, "cold", **{**options, "use_cache": False})
        assert tree_bytes(kept.out_dir) == tree_bytes(cold.out_dir), (kind, options)
