"""Issue assembly: explicit item lists, date windows, grouping by type, neighbours."""

from __future__ import annotations

from newsletter.build import BuildOptions, load_site
from newsletter.content.models import ItemType

from .conftest import EXAMPLE_AS_OF


def item(title: str, day: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {day}\n{extra}---\n{title} body.\n"


def test_date_window_after_the_previous_issue(make_project):
    root = make_project({
        "content/news/2024-01-10-first-item.md": item("A", "2024-01-10"),
        "content/news/2024-01-31-b.md": item("B", "2024-01-31T23:30:00+01:00"),
        "content/news/2024-02-01-c.md": item("C", "2024-02-01", "type: event\n"),
        "content/news/2024-02-20-d.md": item("D", "2024-02-20", "draft: true\n"),
        "content/news/2024-03-05-e.md": item("E", "2024-03-05"),
        "content/issues/2024-02-28-issue-2.md": "---\ntitle: Two\ndate: 2024-02-28\n---\nSecond.\n",
        "content/issues/2024-03-31-issue-3.md": "---\ntitle: Three\ndate: 2024-03-31\n---\nThird.\n",
    })
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    windows = {edition.slug: [i.title for i in edition.items] for edition in site.editions}
    assert windows == {"issue-1": ["A", "B"], "issue-2": ["C"], "issue-3": ["E"]}
    first, second, third = site.editions
    assert (first.previous, first.next) == (None, second.issue)
    assert (third.previous, third.next) == (second.issue, None)


def test_explicit_items_keep_their_order_and_group_by_type(make_project):
    root = make_project({
        "content/news/2024-01-10-first-item.md": item("A", "2024-01-10"),
        "content/news/2024-01-11-b.md": item("B", "2024-01-11", "type: publication\n"),
        "content/news/2024-01-12-c.md": item("C", "2024-01-12"),
        "content/issues/2024-01-31-issue-1.md":
            "---\ntitle: One\ndate: 2024-01-31\nitems: [c, b, first-item]\n---\nHi.\n",
    })
    edition = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF)).editions[0]
    assert [i.slug for i in edition.items] == ["c", "b", "first-item"]
    assert [(kind, [i.slug for i in items]) for kind, items in edition.groups] == [
        (ItemType.NEWS, ["c", "first-item"]), (ItemType.PUBLICATION, ["b"])]


def test_an_issue_shows_items_dated_after_today(make_project):
    root = make_project({"content/issues/2024-01-31-issue-1.md": "---\ntitle: One\ndate: 2024-01-31\n---\nHi.\n"})
    site = load_site(root, BuildOptions(as_of=__import__("datetime").date(2024, 1, 5)))
    assert [i.slug for i in site.editions[0].items] == ["first-item"]
    assert site.published == ()


def test_example_issues_hold_every_published_item(example_copy):
    site = load_site(example_copy, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert len(site.editions) >= 3
    in_issues = {i.slug for edition in site.editions for i in edition.items}
    assert {i.slug for i in site.published} <= in_issues
    assert len(site.catalog.items) >= 8
    assert site.diagnostics == ()


def test_default_summary_and_preheader(make_project):
    root = make_project({
        "content/news/2024-01-10-first-item.md": "---\ntitle: A\ndate: 2024-01-10\n---\nFirst *para* here.\n\nSecond.\n",
        "content/issues/2024-01-31-issue-1.md": "---\ntitle: One\ndate: 2024-01-31\n---\nHello all. More text.\n",
    })
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert site.catalog.items[0].summary == "First para here."
    assert site.editions[0].issue.preheader == "Hello all."
    assert site.editions[0].issue.subject == "One"
