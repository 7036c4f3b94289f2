"""`newsletter check` on social posts: each rule's code, severity and the file and line it names."""

from __future__ import annotations

import re
from pathlib import Path

from newsletter.check import check_project
from newsletter.diagnostics import Diagnostic, Severity

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, MakeProject

ITEM_FILE = "content/news/2024-01-10-first-item.md"
PNG = (REPO / "content" / "images" / "summer-school.png").read_bytes()
SOCIAL_CODES = {"social-too-long", "social-thread-not-supported", "long-hashtag", "threads-one-tag",
                "social-override-unused", "long-alt-text", "social-image-too-large"}


def by_code(root: Path, code: str) -> list[Diagnostic]:
    return [finding for finding in check_project(root, EXAMPLE_AS_OF) if finding.code == code]


def item(front: str = "", title: str = "First item") -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-10\nsummary: The first item.\n{front}---\nBody.\n"


def test_the_example_has_no_social_findings():
    assert {finding.code for finding in check_project(REPO, EXAMPLE_AS_OF)} & SOCIAL_CODES == set()


def test_a_linkedin_override_over_the_limit_is_an_error_at_its_line(make_project: MakeProject):
    text = "Long words. " * 300
    root = make_project({ITEM_FILE: item(f"social:\n  x: Short.\n  linkedin: {text}\n")})
    [finding] = by_code(root, "social-thread-not-supported")
    assert finding.severity is Severity.ERROR
    assert str(finding.where) == f"{ITEM_FILE}:7"
    assert "3599 characters, over LinkedIn's limit of 3000, and LinkedIn has no threads" in finding.message
    assert by_code(root, "social-too-long") == []


def test_a_long_override_where_threads_exist_is_no_finding(make_project: MakeProject):
    root = make_project({ITEM_FILE: item(f"social:\n  mastodon: {'Many words. ' * 100}\n")})
    findings = check_project(root, EXAMPLE_AS_OF)
    assert {finding.code for finding in findings} & SOCIAL_CODES == set()


def test_an_override_that_cannot_become_a_thread_is_an_error(make_project: MakeProject):
    url = "https://example.org/" + "a" * 400
    root = make_project({ITEM_FILE: item(f"social:\n  bluesky: See {url}\n")})
    [finding] = by_code(root, "social-too-long")
    assert str(finding.where) == f"{ITEM_FILE}:6"
    assert "'social.bluesky' cannot become a thread" in finding.message and "Bluesky" in finding.message


def test_a_generated_post_that_cannot_fit_is_an_error(make_project: MakeProject):
    settings = MINIMAL_SETTINGS + "\n[social]\nlimits = { mastodon = 30 }\n"
    root = make_project({"newsletter.toml": settings})
    [finding] = by_code(root, "social-too-long")
    assert finding.severity is Severity.ERROR and str(finding.where) == f"{ITEM_FILE}:2"  # the title to shorten
    assert "Mastodon post is" in finding.message and "over its limit of 30" in finding.message


def test_long_hashtags_name_the_tag_line_or_the_settings(make_project: MakeProject):
    long_tag = " ".join(["word"] * 20)  # #WordWord... of 80 letters
    settings = MINIMAL_SETTINGS + f'\n[social]\nhashtags = ["{"Project" * 10}"]\n'
    root = make_project({"newsletter.toml": settings, ITEM_FILE: item(f"tags: [Short, {long_tag}]\n")})
    findings = by_code(root, "long-hashtag")
    assert all(f.severity is Severity.WARNING for f in findings)
    # Every platform of the project (it has no accounts, so all five); Threads shows only the first hashtag.
    assert sorted((str(f.where), f.message) for f in findings) == [
        (f"{ITEM_FILE}:5", "tag becoming #" + "Word" * 20 + " is 80 graphemes long; Bluesky links hashtags of up to 64"),
        ("newsletter.toml:15", "#" + "Project" * 10 + " from [social] hashtags is 70 characters long; "
                            "Threads links hashtags of up to 50"),
        ("newsletter.toml:15", "#" + "Project" * 10 + " from [social] hashtags is 70 graphemes long; "
                            "Bluesky links hashtags of up to 64"),
    ]


def test_hashtags_in_overrides_are_checked_too(make_project: MakeProject):
    root = make_project({ITEM_FILE: item(f"social:\n  bluesky: 'Read #{'A' * 65} now'\n  x: '#{'B' * 90}'\n")})
    [finding] = by_code(root, "long-hashtag")
    assert str(finding.where) == f"{ITEM_FILE}:6" and "in 'social.bluesky' is 65 graphemes long" in finding.message


def test_a_threads_override_with_several_hashtags_is_a_warning(make_project: MakeProject):
    root = make_project({ITEM_FILE: item("social:\n  threads: 'News #one #two'\n")})
    [finding] = by_code(root, "threads-one-tag")
    assert finding.severity is Severity.WARNING and str(finding.where) == f"{ITEM_FILE}:6"


def test_an_override_for_a_platform_without_account_is_unused(make_project: MakeProject):
    settings = MINIMAL_SETTINGS + '\n[social]\naccounts = { x = "@project" }\n'
    root = make_project({"newsletter.toml": settings, ITEM_FILE: item("social:\n  mastodon: Hello.\n  x: Hi.\n")})
    [finding] = by_code(root, "social-override-unused")
    assert str(finding.where) == f"{ITEM_FILE}:6" and "no Mastodon account" in finding.message


def test_alt_text_longer_than_a_platform_takes(make_project: MakeProject):
    alt = "A long description. " * 60
    root = make_project({"content/images/photo.png": PNG,
                         ITEM_FILE: item(f"image: images/photo.png\nimage_alt: {alt.strip()}\n")})
    [finding] = by_code(root, "long-alt-text")
    assert str(finding.where) == f"{ITEM_FILE}:6"
    assert "1,199 characters, more than X (1,000) takes" in finding.message


def test_an_image_too_large_for_bluesky(make_project: MakeProject):
    large = PNG + b"\0" * (1_000_001 - len(PNG))
    root = make_project({"content/images/photo.png": large,
                         ITEM_FILE: item("image: images/photo.png\nimage_alt: A photo.\n")})
    [finding] = by_code(root, "social-image-too-large")
    assert finding.severity is Severity.WARNING and str(finding.where) == f"{ITEM_FILE}:5"
    assert "1,000,001 bytes, more than Bluesky (1,000,000 bytes) takes" in finding.message


def test_items_not_published_yet_are_checked_in_their_issue(make_project: MakeProject):
    future = "---\ntitle: Later\ndate: 2024-02-20\nsummary: Soon.\nsocial:\n  linkedin: " + "word " * 700 + "\n---\nB.\n"
    issue = "---\ntitle: Issue two\nnumber: 2\ndate: 2024-02-28\n---\nSecond issue.\n"
    root = make_project({"content/news/2024-02-20-later.md": future, "content/issues/2024-02-28-issue-2.md": issue})
    findings = [f for f in check_project(root, EXAMPLE_AS_OF) if f.code == "social-thread-not-supported"]
    assert [str(f.where) for f in findings] == ["content/news/2024-02-20-later.md:6"]


def test_every_social_check_code_is_in_the_readme():
    source = (REPO / "newsletter" / "checks" / "social.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'(?:warning|error)\("([a-z-]+)"', source))
    assert codes == SOCIAL_CODES
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"| `{code}` |" in readme for code in codes)
