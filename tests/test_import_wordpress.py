"""Import WordPress exports and feeds: golden files, safety rules, and the real theme test exports."""

from __future__ import annotations

import html
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from newsletter.content.markdown import MarkdownRenderer
from newsletter.errors import ExportFormatError, SettingsError
from newsletter.importers.wordpress.autop import add_paragraphs
from newsletter.importers.wordpress.gutenberg import drop_site_rendered_blocks
from newsletter.importers.html_to_markdown import html_to_markdown
from newsletter.importers.news_files import FRONT_MATTER_KEYS, Outcome
from newsletter.importers.wordpress.shortcodes import expand_shortcodes, parse_attributes
from newsletter.importers.wordpress.importer import format_report, import_wordpress
from newsletter.importers.wordpress.html import prepare_content

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "wordpress"
GOLDEN = HERE / "golden" / "wordpress"
WXR = FIXTURES / "opincharge.wordpress.xml"
RSS = FIXTURES / "opincharge-feed.rss"
# shared/ sits beside the clone (in a worktree, further up): take the nearest one.
SHARED = next(
    (folder / "shared" / "fixtures" / "wordpress" for folder in HERE.parents if (folder / "shared" / "fixtures").is_dir()),
    HERE.parents[1] / "shared" / "fixtures" / "wordpress",
)
# Set NEWSLETTER_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
UPDATE_GOLDEN = os.environ.get("NEWSLETTER_UPDATE_GOLDEN") == "1"


@pytest.fixture
def news_dir(tmp_path: Path) -> Path:
    return tmp_path / "content" / "news"


def read_front_matter(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    front, _, body = text[4:].partition("\n---\n")
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data, body


def check_front_matter(path: Path) -> dict[str, object]:
    """Hold a written item to the SPEC's news item front matter table."""
    data, _ = read_front_matter(path)
    assert set(data) <= set(FRONT_MATTER_KEYS), path
    assert list(data) == [key for key in FRONT_MATTER_KEYS if key in data], "keys out of SPEC order"
    assert isinstance(data["title"], str) and data["title"].strip()
    assert isinstance(data["date"], datetime) and data["date"].utcoffset() is not None
    assert isinstance(data["slug"], str) and path.name == f"{data['date']:%Y-%m-%d}-{data['slug']}.md"
    assert all(isinstance(tag, str) and tag for tag in data.get("tags", []))  # type: ignore[union-attr]
    if "image" in data:
        assert isinstance(data["image_alt"], str) and data["image_alt"].strip()
    if "url" in data:
        assert str(data["url"]).startswith(("https://", "http://"))
    assert data.get("draft", True) is True
    return data


def compare_with_golden(produced: Path, golden: Path) -> None:
    files = sorted(path.name for path in produced.glob("*.md"))
    if UPDATE_GOLDEN:
        shutil.rmtree(golden, ignore_errors=True)
        golden.mkdir(parents=True)
        for name in files:
            shutil.copyfile(produced / name, golden / name)
    assert files == sorted(path.name for path in golden.glob("*.md"))
    for name in files:
        assert (produced / name).read_text(encoding="utf-8") == (golden / name).read_text(encoding="utf-8"), name


def test_wxr_import_matches_reviewed_files(news_dir: Path) -> None:
    report = import_wordpress(WXR, news_dir, timezone="Europe/Brussels")
    compare_with_golden(news_dir, GOLDEN / "wxr")
    assert report.kind == "wxr"
    assert len(report.written) == 8
    assert [(post.title, post.reason) for post in report.skipped] == [("Auto Draft", "an empty auto-draft")]
    assert dict(report.ignored) == {"attachment": 5, "nav_menu_item": 1, "page": 1}
    for path in news_dir.glob("*.md"):
        check_front_matter(path)


def test_wxr_import_reports_what_it_could_not_carry_over(news_dir: Path) -> None:
    report = import_wordpress(WXR, news_dir, timezone="Europe/Brussels")
    codes = {post.title: sorted({warning.code for warning in post.warnings}) for post in report.posts}
    assert codes["Kick-off in Luxembourg & first results"] == ["dropped-element", "missing-alt", "unknown-shortcode"]
    assert codes["Εργαστήριο στην Αθήνα: summer school on battery interfaces"] == ["dynamic-block", "empty-gallery", "slug-changed"]
    assert codes["Review meeting with the project officer"] == ["password-protected"]
    kickoff = next(post for post in report.posts if post.title.startswith("Kick-off"))
    unknown = next(warning for warning in kickoff.warnings if warning.code == "unknown-shortcode")
    assert "[contact-form-7]" in unknown.message
    assert unknown.where is not None and unknown.where.path == WXR
    assert WXR.read_text(encoding="utf-8").splitlines()[unknown.where.line - 1].strip() == "<item>"


def test_rss_import_matches_reviewed_files(news_dir: Path) -> None:
    report = import_wordpress(RSS, news_dir, timezone="Europe/Brussels")
    compare_with_golden(news_dir, GOLDEN / "rss")
    assert report.kind == "rss"
    assert len(report.written) == 3
    codes = {post.title: [warning.code for warning in post.warnings] for post in report.posts}
    assert codes["Newsletter #1"] == ["summary-only"]
    for path in news_dir.glob("*.md"):
        check_front_matter(path)


def test_rss_dates_take_the_project_time_zone(news_dir: Path) -> None:
    import_wordpress(RSS, news_dir, timezone="Europe/Brussels")
    data = check_front_matter(news_dir / "2024-05-31-data-challenge.md")
    # pubDate is 30 May 22:45 UTC: already 31 May in Brussels, and the file name follows.
    assert data["date"] == datetime.fromisoformat("2024-05-31T00:45:00+02:00")
    import_wordpress(RSS, news_dir.parent / "utc", timezone="UTC")
    assert (news_dir.parent / "utc" / "2024-05-30-data-challenge.md").is_file()


@pytest.mark.parametrize("export", [WXR, RSS], ids=["wxr", "rss"])
def test_importing_twice_writes_nothing_the_second_time(export: Path, news_dir: Path) -> None:
    import_wordpress(export, news_dir, timezone="Europe/Brussels")
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in news_dir.iterdir()}
    again = import_wordpress(export, news_dir, timezone="Europe/Brussels")
    assert again.written == ()
    assert len(again.unchanged) == len(before)
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in news_dir.iterdir()} == before


def test_changed_file_is_kept_unless_forced(news_dir: Path) -> None:
    import_wordpress(RSS, news_dir)
    edited = news_dir / "2024-05-30-data-challenge.md"
    edited.write_text("---\ntitle: Edited by hand\ndate: 2024-05-30\n---\n", encoding="utf-8")
    report = import_wordpress(RSS, news_dir)
    skipped = [post for post in report.skipped if post.path == edited]
    assert skipped and "--force" in (skipped[0].reason or "")
    assert edited.read_text(encoding="utf-8").startswith("---\ntitle: Edited by hand")
    forced = import_wordpress(RSS, news_dir, force=True)
    assert [post.outcome for post in forced.posts if post.path == edited] == [Outcome.OVERWRITTEN]
    assert "Open call" in edited.read_text(encoding="utf-8")


def test_dry_run_lists_files_and_writes_nothing(news_dir: Path) -> None:
    report = import_wordpress(WXR, news_dir, dry_run=True, copy_local_images=True)
    assert not news_dir.parent.exists()
    assert len(report.written) == 8 and report.images
    text = format_report(report, news_dir.parent.parent)
    assert "would write     content/news/2024-01-16-kick-off-in-luxembourg.md" in text
    assert "would write     content/images/2024/03/lab-tour.png" in text
    assert text.endswith("(dry run: nothing written)")


def test_skip_drafts_leaves_out_unpublished_posts(news_dir: Path) -> None:
    report = import_wordpress(WXR, news_dir, include_drafts=False)
    reasons = sorted(post.reason or "" for post in report.skipped)
    assert reasons == [
        "an empty auto-draft",
        "draft; drafts are skipped",
        "password-protected; drafts are skipped",
        "private; drafts are skipped",
        "trash; drafts are skipped",
    ]
    for path in news_dir.glob("*.md"):
        assert "draft" not in check_front_matter(path)


def test_unpublished_posts_become_drafts_without_a_public_url(news_dir: Path) -> None:
    import_wordpress(WXR, news_dir, timezone="Europe/Brussels")
    draft = check_front_matter(news_dir / "2024-05-02-call-for-phd-candidates.md")
    # No GMT date in the export for a draft: its local time is read in the project's zone.
    assert draft["date"] == datetime.fromisoformat("2024-05-02T16:20:00+02:00")
    assert draft["draft"] is True and "url" not in draft
    trashed = check_front_matter(news_dir / "2023-12-01-old-announcement.md")
    assert trashed["slug"] == "old-announcement" and trashed["draft"] is True
    scheduled = check_front_matter(news_dir / "2027-09-01-final-conference.md")
    assert "draft" not in scheduled and scheduled["url"] == "https://opincharge.example.eu/2027/09/final-conference/"


def test_copy_local_images_copies_files_beside_the_export(tmp_path: Path, news_dir: Path) -> None:
    report = import_wordpress(WXR, news_dir, copy_local_images=True)
    copied = tmp_path / "content" / "images" / "2024" / "03" / "lab-tour.png"
    assert copied.read_bytes() == (FIXTURES / "uploads" / "2024" / "03" / "lab-tour.png").read_bytes()
    assert [(image.path, image.outcome) for image in report.images] == [(copied, Outcome.WRITTEN)]
    data, body = read_front_matter(news_dir / "2024-03-13-lab-tour.md")
    assert data["image"] == "images/2024/03/lab-tour.png"
    assert "![](images/2024/03/lab-tour.png)" in body
    missing = [warning for post in report.posts for warning in post.warnings if warning.code == "local-image-missing"]
    assert any("kickoff-luxembourg.jpg" in warning.message for warning in missing)
    again = import_wordpress(WXR, news_dir, copy_local_images=True)
    assert [image.outcome for image in again.images] == [Outcome.UNCHANGED]


def test_remote_images_stay_absolute_by_default(news_dir: Path) -> None:
    report = import_wordpress(WXR, news_dir)
    assert report.images == ()
    data, body = read_front_matter(news_dir / "2024-03-13-lab-tour.md")
    assert data["image"] == "https://opincharge.example.eu/wp-content/uploads/2024/03/lab-tour.png"
    assert "](https://opincharge.example.eu/wp-content/uploads/2024/03/lab-tour.png)" in body


def test_slug_used_by_another_item_is_not_overwritten(news_dir: Path) -> None:
    news_dir.mkdir(parents=True)
    other = news_dir / "2023-01-01-lab-tour.md"
    other.write_text("---\ntitle: An older lab tour\ndate: 2023-01-01\n---\n", encoding="utf-8")
    report = import_wordpress(WXR, news_dir)
    skipped = [post for post in report.skipped if post.title == "Lab tour at IMN Nantes"]
    assert skipped[0].reason == "slug 'lab-tour' is already used by 2023-01-01-lab-tour.md"
    assert not (news_dir / "2024-03-13-lab-tour.md").exists()


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda text: text[: len(text) * 2 // 3], id="truncated"),
        pytest.param(lambda text: text.replace("</wp:post_name>", "</wp:post_nam>", 3), id="mismatched-tag"),
    ],
)
def test_malformed_export_is_one_line_error_and_writes_nothing(tmp_path: Path, news_dir: Path, cut) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "export.xml"
    broken.write_text(cut(WXR.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ExportFormatError) as caught:
        import_wordpress(broken, news_dir)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{broken.as_posix()}:{caught.value.where.line}: the file is not well-formed XML")  # type: ignore[union-attr]
    assert caught.value.where is not None and caught.value.where.line and caught.value.where.line > 1
    assert not news_dir.parent.exists()


def test_other_documents_are_refused(tmp_path: Path, news_dir: Path) -> None:
    atom = tmp_path / "feed.atom"
    atom.write_text('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n', encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"feed.atom:2: this is not a WordPress export or RSS feed"):
        import_wordpress(atom, news_dir)
    with pytest.raises(ExportFormatError, match="cannot read the file"):
        import_wordpress(tmp_path / "missing.xml", news_dir)


@pytest.mark.parametrize("name", ["Europe/Bruxelles", "Europe/" + "x" * 300, "Europe/\0Paris", "../etc/passwd"])
def test_unknown_time_zone_is_a_settings_error(news_dir: Path, name: str) -> None:
    with pytest.raises(SettingsError, match="unknown time zone"):
        import_wordpress(WXR, news_dir, timezone=name)


def test_report_lists_each_post_with_its_warnings(news_dir: Path) -> None:
    text = format_report(import_wordpress(WXR, news_dir), news_dir.parent.parent)
    lines = text.splitlines()
    assert lines[0] == "written         content/news/2024-01-16-kick-off-in-luxembourg.md"
    assert "kept [contact-form-7] as text: not a shortcode the importer knows [unknown-shortcode]" in lines[1]
    assert any(line.startswith('skipped         "Auto Draft" (') and line.endswith("an empty auto-draft") for line in lines)
    assert lines[-1].startswith("opincharge.wordpress.xml: 9 posts, 8 written, 0 unchanged, 1 skipped, ")


def _count_posts(export: Path) -> int:
    namespaces = {"http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.2/"}
    root = etree.parse(str(export)).getroot()
    return sum(
        1
        for item in root.iter("item")
        for child in item
        if isinstance(child.tag, str)
        and etree.QName(child).localname == "post_type"
        and etree.QName(child).namespace in namespaces
        and child.text == "post"
    )


@pytest.mark.parametrize("name", ["themeunittestdata.wordpress.xml", "64-block-test-data.xml"])
def test_real_wordpress_exports_import_every_post(name: str, make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from newsletter.build import BuildOptions, build_project

    export = SHARED / name
    if not export.is_file():
        pytest.skip(f"shared fixture {export} is not checked out next to the repository")
    root = make_project({"content/news/2024-01-10-first-item.md": None})
    news_dir = root / "content" / "news"
    report = import_wordpress(export, news_dir, timezone="Europe/Brussels")
    assert len(report.posts) == _count_posts(export)
    assert report.skipped == ()
    assert len(list(news_dir.glob("*.md"))) == len(report.written) == len(report.posts)
    for path in news_dir.glob("*.md"):
        check_front_matter(path)
    assert import_wordpress(export, news_dir, timezone="Europe/Brussels").written == ()
    built = build_project(root, BuildOptions(out_dir=tmp_path / "out", drafts=True, as_of=date(2031, 1, 1)))
    assert len(built.site.catalog.items) == len(report.posts)


# Conversion rules, one small input each.
@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        pytest.param("One\ntwo\n\nThree", "One\\\ntwo\n\nThree\n", id="classic-paragraphs"),
        pytest.param("<p>• a</p>\n<p>• <em>b</em></p>", "- a\n- *b*\n", id="bullet-paragraphs"),
        pytest.param("Goals:\n• a\n• b", "Goals:\n\n- a\n- b\n", id="bullet-lines"),
        pytest.param("<ul><li>• a</li></ul>", "- a\n", id="bullet-in-list-item"),
        pytest.param("<p>Tom &amp;amp; Jerry&nbsp;&#8220;quoted&#8221;</p>", "Tom & Jerry “quoted”\n", id="entities"),
        pytest.param("<p>&nbsp;</p><p>x</p><script>alert(1)</script>", "x\n", id="empty-and-script"),
        pytest.param("<p># 1. not a heading - or list</p>", "\\# 1. not a heading - or list\n", id="escaping"),
        pytest.param("<table><tr><td>a|b</td><td>c<br>d</td></tr></table>", "| a\\|b | c d |\n| --- | --- |\n", id="table"),
        pytest.param('[caption id="x" width="300"]<img src="a.jpg" alt=""> A <em>cap</em>[/caption]',
                     "![A cap](a.jpg)\n\n_A *cap*_\n", id="caption"),
        pytest.param("[embed]https://youtu.be/x[/embed]", "<https://youtu.be/x>\n", id="embed"),
        pytest.param("<p>https://vimeo.com/1</p>", "<https://vimeo.com/1>\n", id="bare-url"),
        pytest.param('<iframe src="https://www.youtube.com/embed/ab_C?rel=0"></iframe>',
                     "<https://www.youtube.com/watch?v=ab_C>\n", id="iframe"),
        pytest.param("[[gallery]] [unknown a=1]", "\\[gallery\\] \\[unknown a=1\\]\n", id="literal-shortcodes"),
        pytest.param('<pre class="wp-block-verse">A\nB</pre>', "A\\\nB\n", id="verse"),
    ],
)
def test_conversion_rules(html: str, markdown: str) -> None:
    prepared = prepare_content(html, attachments={}, post_id=None, site_url="https://example.eu", resolve_image=str)
    assert html_to_markdown(prepared.soup) == markdown


# Text that starts a line and is block markup to Python-Markdown ("#tag" is a heading there, with no
# space), also after a line break (which the import writes as a backslash ending the line).
line_starts = st.lists(st.sampled_from(["#", "##", "#tag", "#1", ">", "-", "+", "*", "1.", "2)", "word", "a<br>#b"]), min_size=1,
                       max_size=4).map(" ".join)
BLOCK_WRAPPERS = {"p": "<p>{}</p>", "li": "<ul><li>{}</li></ul>", "dt": "<dl><dt>{}</dt><dd>Meaning</dd></dl>",
                  "dd": "<dl><dt>Term</dt><dd>{}</dd></dl>", "blockquote": "<blockquote>{}</blockquote>"}


@settings(max_examples=200, deadline=None)
@given(block=st.sampled_from(sorted(BLOCK_WRAPPERS)), text=line_starts)
def test_imported_text_that_looks_like_markup_stays_text(block: str, text: str) -> None:
    assume(block != "dt" or "<br>" not in text)  # a definition term is one line in Markdown
    source = BLOCK_WRAPPERS[block].format(html.escape(text).replace("&lt;br&gt;", "<br>"))
    prepared = prepare_content(source, attachments={}, post_id=None, site_url="https://example.eu", resolve_image=str)
    rendered = BeautifulSoup(MarkdownRenderer().render(html_to_markdown(prepared.soup)), "html.parser")
    expected = BeautifulSoup(source, "html.parser")
    def kinds(tree: BeautifulSoup) -> list[str]:  # a paragraph inside a quote is the same text
        return [tag.name for tag in tree.find_all(True) if tag.name != "p"]

    assert kinds(rendered) == kinds(expected), rendered
    assert " ".join(rendered.get_text(" ").split()) == " ".join(expected.get_text(" ").split())


def test_autop_leaves_preformatted_text_alone() -> None:
    soup = BeautifulSoup("<pre>a\n\nb</pre>\ntext\n\n<ul>\n<li>x</li>\n</ul>", "html.parser")
    add_paragraphs(soup)
    assert str(soup) == "<pre>a\n\nb</pre><p>text</p><ul>\n<li>x</li>\n</ul>"


def test_site_rendered_blocks_are_dropped_with_their_content() -> None:
    text = (
        "<!-- wp:paragraph --><p>kept</p><!-- /wp:paragraph -->"
        "<!-- wp:query {\"queryId\":1} --><div><!-- wp:query --><p>inner</p><!-- /wp:query --><p>x</p></div>"
        "<!-- /wp:query --><!-- wp:archives /--><p>after</p>"
    )
    result = drop_site_rendered_blocks(text)
    assert result.html == "<p>kept</p><p>after</p>"
    assert result.dropped == ("query", "archives")


def test_shortcode_attributes_follow_wordpress() -> None:
    assert parse_attributes(' ids="1,2" columns=3 link=\'file\' https://x.eu/a.mp3') == (
        {"ids": "1,2", "columns": "3", "link": "file"},
        ("https://x.eu/a.mp3",),
    )
    assert expand_shortcodes('[audio mp3="https://x.eu/a.mp3"][/audio]', {}, None).html.strip() == (
        '<p><a href="https://x.eu/a.mp3">https://x.eu/a.mp3</a></p>'
    )


def test_imported_project_builds(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from newsletter.build import BuildOptions, build_project

    root = make_project()
    news = root / "content" / "news"
    wxr = import_wordpress(WXR, news, copy_local_images=True, timezone="Europe/Brussels")
    rss = import_wordpress(RSS, news, timezone="Europe/Brussels")
    assert wxr.skipped[0].reason == "an empty auto-draft" and rss.skipped == ()
    result = build_project(root, BuildOptions(out_dir=tmp_path / "out", drafts=True, as_of=date(2030, 1, 1)))
    slugs = {item.slug for item in result.site.catalog.items}
    written = [post.path for post in wxr.written + rss.written if post.path]
    imported = {str(read_front_matter(path)[0]["slug"]) for path in written}
    assert len(imported) == 11 and imported <= slugs
    page = (result.out_dir / "news" / "kick-off-in-luxembourg" / "index.html").read_text(encoding="utf-8")
    assert "<table>" in page and "Twenty people from nine partner institutions" in page
    assert (result.out_dir / "images" / "2024" / "03" / "lab-tour.png").is_file()


def test_cli_imports_into_the_project(make_project, runner) -> None:  # type: ignore[no-untyped-def]
    from newsletter.cli import cli

    root = make_project()
    dry = runner.invoke(cli, ["--project", str(root), "import", "wordpress", str(RSS), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would write" in dry.stdout and not (root / "content" / "news" / "2024-05-31-data-challenge.md").exists()
    done = runner.invoke(cli, ["--project", str(root), "import", "wordpress", str(RSS), "--skip-drafts"])
    assert done.exit_code == 0
    data, _ = read_front_matter(root / "content" / "news" / "2024-05-31-data-challenge.md")
    assert data["date"] == datetime.fromisoformat("2024-05-31T00:45:00+02:00")  # the project's time zone
    again = runner.invoke(cli, ["--project", str(root), "import", "wordpress", str(RSS)])
    assert "0 written, 3 unchanged" in again.stdout


def test_cli_reports_a_broken_export_on_one_line(make_project, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from newsletter.cli import cli

    root = make_project()
    broken = tmp_path / "broken.xml"
    broken.write_text(RSS.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    result = runner.invoke(cli, ["--project", str(root), "import", "wordpress", str(broken)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {broken.as_posix()}:")
    assert sorted(path.name for path in (root / "content" / "news").iterdir()) == ["2024-01-10-first-item.md"]
