"""The email channel: email.html, email.txt and email.eml for every issue, parsed with real parsers."""

from __future__ import annotations

import html
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import lxml.html
import pytest

from newsletter.assemble import Edition
from newsletter.build import BuildOptions, build_project, load_site, project_templates
from newsletter.site import Site
from newsletter.errors import RenderError, SettingsError
from newsletter.channels.email.renderer import render_email
from newsletter.channels.email.context import ESP_PRESETS
from newsletter.htmltree import elements, image_sources

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, copy_example

PNG = (REPO / "content" / "images" / "summer-school.png").read_bytes()  # 600 x 300


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once for this module; returns its output folder."""
    root = tmp_path_factory.mktemp("example")
    copy_example(root)
    return build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF)).out_dir


@pytest.fixture(scope="module")
def example_editions(example_copy: Path) -> tuple[Site, tuple[Edition, ...]]:
    """The example's site and editions, loaded once for this module."""
    site = load_site(example_copy, BuildOptions(as_of=EXAMPLE_AS_OF))
    return site, site.editions


def parse_eml(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def text_of(document: str) -> str:
    """The document's text with entities decoded, tags dropped, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", document)).split())


def test_every_issue_has_the_three_files(example: Path, example_editions):
    site, editions = example_editions
    assert len(editions) == 3
    for edition in editions:
        folder = example / "issues" / edition.slug
        for name in ("email.html", "email.txt", "email.eml"):
            assert (folder / name).stat().st_size > 1000, name


def test_the_email_the_pages_listing_items_and_the_social_files_show_no_items_text(example: Path, tmp_path: Path):
    """Each item is a card (title, summary, image, dates, links) or a line, never its text: the memo keys of the
    emails, of the issue and tag pages and of the social files leave the text out (posts read of it only the
    partners it names, and this text names none), so a default theme that showed it would be served stale files."""
    root = copy_example(tmp_path / "example")
    for path in (root / "content" / "news").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(f"{text}\nA closing paragraph with [a link](https://example.org/more) and an image:\n\n"
                        f"![A chart](../images/summer-school.png)\n", encoding="utf-8")
    out = build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF, use_cache=False)).out_dir

    def listing(folder: Path) -> dict[str, bytes]:
        return {path.relative_to(folder).as_posix(): path.read_bytes()
                for pattern in ("issues/*/email*", "issues/*/index.html", "issues/*/social*", "tags/*/index.html",
                                "index.html", "social/*")
                for path in sorted(folder.glob(pattern))}

    assert {path.split("/")[0] for path in listing(example)} == {"issues", "tags", "index.html", "social"}
    assert listing(out) == listing(example)


def test_eml_is_multipart_alternative_with_headers_from_settings(example: Path, example_editions):
    site, editions = example_editions
    for edition in editions:
        message = parse_eml(example / "issues" / edition.slug / "email.eml")
        assert message.get_content_type() == "multipart/alternative"
        plain, related = message.get_payload()
        assert plain.get_content_type() == "text/plain"
        assert related.get_content_type() == "multipart/related"
        assert related.get_payload()[0].get_content_type() == "text/html"
        assert message["Subject"] == edition.issue.subject
        assert message["From"] == "OPINCHARGE News <news@opincharge.eu>"
        assert message["Reply-To"] == "communication@opincharge.eu"
        assert message["Message-ID"] == f"<{edition.slug}.{edition.issue.date:%Y%m%d}@opincharge.eu>"
        sent = message["Date"].datetime
        assert (sent.date(), sent.hour, sent.minute) == (edition.issue.date, 9, 0)
        assert sent.utcoffset() == site.settings.project.tz.utcoffset(sent.replace(tzinfo=None))


def test_both_parts_hold_every_item_title(example: Path, example_editions):
    site, editions = example_editions
    for edition in editions:
        message = parse_eml(example / "issues" / edition.slug / "email.eml")
        text = message.get_body(("plain",)).get_content()
        document = text_of(message.get_body(("html",)).get_content())
        for item in edition.items:
            assert " ".join(item.title.split()) in " ".join(text.split()), item.slug
            assert item.title in document, item.slug


def test_eml_images_resolve_to_attached_parts(example: Path, example_editions):
    site, editions = example_editions
    for edition in editions:
        message = parse_eml(example / "issues" / edition.slug / "email.eml")
        document = message.get_body(("html",)).get_content()
        attached = {
            part["Content-ID"].strip("<>"): part
            for part in message.walk()
            if part["Content-ID"]
        }
        sources = image_sources(document)
        assert sources, "the email shows images"
        for src in sources:
            # Every image of the example is the project's own, so each is attached.
            assert src.startswith("cid:"), src
            part = attached[src.removeprefix("cid:")]
            assert part.get_content_type() == "image/png"
            assert part.get_content_disposition() == "inline"
            assert part.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(attached) == len(sources)


def test_email_html_keeps_absolute_image_urls(example: Path):
    document = (example / "issues" / "issue-3" / "email.html").read_text()
    sources = image_sources(document)
    assert "https://opincharge.eu/newsletter/issues/issue-3/images/static/eu-emblem-150w.png" in sources
    assert "https://opincharge.eu/newsletter/issues/issue-3/images/logo-400w.png" in sources
    assert not any(src.startswith("cid:") for src in sources)
    for src in sources:  # each made for the email and published beside it
        assert (example / src.removeprefix("https://opincharge.eu/newsletter/")).is_file(), src


def test_eml_bytes_are_deterministic_and_read_back_as_the_same_message(example: Path):
    site = load_site(example.parent, BuildOptions(as_of=EXAMPLE_AS_OF))
    templates = project_templates(example.parent)
    edition = site.editions[0]
    again = render_email(site, templates, edition)
    assert again.eml == (example / "issues" / edition.slug / "email.eml").read_bytes()
    message = BytesParser(policy=policy.SMTP).parsebytes(again.eml)
    assert message.as_bytes(policy=policy.SMTP) == again.eml
    assert b"\r\n" in again.eml and b"\n" not in again.eml.replace(b"\r\n", b"")
    boundaries = re.findall(rb'boundary="([^"]+)"', again.eml)
    assert len(boundaries) == 2 and all(b.startswith(b"=_") for b in boundaries)


def test_html_inbox_details(example: Path, example_editions):
    site, editions = example_editions
    for edition in editions:
        data = (example / "issues" / edition.slug / "email.html").read_bytes()
        assert len(data) < 102 * 1024
        document = data.decode("utf-8")
        assert document.startswith("<!DOCTYPE html><html lang=\"en\" dir=\"ltr\"")
        assert '<meta name="color-scheme" content="light dark">' in document
        assert '<meta name="supported-color-schemes" content="light dark">' in document
        assert "prefers-color-scheme: dark" in document
        assert "max-width:600px" in document
        assert "<script" not in document.lower()
        found = elements(document)
        for tag, attrs in found:
            assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
            if tag == "table":
                assert attrs.get("role") == "presentation", attrs
            if tag == "img":
                assert (attrs.get("alt") or "").strip(), attrs
                assert attrs.get("width"), attrs
            for name in ("href", "src"):
                url = attrs.get(name)
                if url is not None:
                    assert url.startswith(("https://", "mailto:")) or url in ("*|UNSUB|*", "*|ARCHIVE|*"), url


def test_hidden_preheader_is_the_issue_preheader_with_filler(example: Path, example_editions):
    site, editions = example_editions
    edition = editions[2]
    document = (example / "issues" / edition.slug / "email.html").read_text()
    hidden = re.search(r'<div style="display:none;[^"]*">(.*?)</div>', document, re.S)
    assert hidden is not None
    assert hidden.group(1).startswith(html.escape(edition.issue.preheader, quote=False))
    assert hidden.group(1).count("\u034f\u200c&nbsp;") >= 50


def test_local_images_carry_their_scaled_size(example: Path):
    document = (example / "issues" / "issue-3" / "email.html").read_text()
    images = {attrs["src"]: attrs for tag, attrs in elements(document) if tag == "img"}
    issue = "https://opincharge.eu/newsletter/issues/issue-3/images/"
    card = images[f"{issue}summer-school-600w.png"]  # 600 x 300: never scaled up
    assert (card["width"], card["height"]) == ("552", "276")  # fitted to the column
    assert card["alt"].startswith("A calendar")
    logo = images[f"{issue}partners/list-200w.png"]
    # 200 x 80 on a white tile with a 4% margin, for clients that force dark mode.
    assert (logo["width"], logo["height"], logo["alt"]) == ("100", "45", "Luxembourg Institute of Science and Technology")
    emblem = images[f"{issue}static/eu-emblem-150w.png"]
    assert (emblem["width"], emblem["height"]) == ("75", "50")


def test_inline_styles_are_written_onto_the_elements(example: Path):
    document = (example / "issues" / "issue-2" / "email.html").read_text()
    found = elements(document)
    headings = [attrs for tag, attrs in found if tag == "h2" and attrs.get("class") == "nl-group"]
    assert headings and all("text-transform: uppercase" in (attrs.get("style") or "") for attrs in headings)
    editorial_links = [attrs for tag, attrs in found if tag == "a" and "battery2030" in (attrs.get("href") or "")]
    assert editorial_links and "color: #00796B" in (editorial_links[0].get("style") or "")
    # The inline-only rules are not left behind as a <style> block a client might drop.
    assert "text-transform: uppercase; color" not in document.split("</head>")[0]


def test_plain_text_reads_well(example: Path, example_editions):
    site, editions = example_editions
    text = (example / "issues" / "issue-3" / "email.txt").read_text()
    assert text.startswith("OPINCHARGE - Watching battery interfaces")
    assert "NEWS\n----" in text and "EVENTS\n------" in text
    assert "When: 5 February 2025, 14:00–15:30 CET, Online" in text
    assert "When: 9–13 September 2024, Paderborn University, Paderborn, Germany" in text
    assert "Funded by the European Union under grant agreement No 101104032." in text
    assert "Unsubscribe: *|UNSUB|*" in text
    assert "<" not in text.replace("<https", "")  # no markup
    for item in editions[2].items:
        assert item.summary.split()[0] in text
        assert f"{site.item_url(item)}?utm_source=newsletter" in text
    publication = (example / "issues" / "issue-2" / "email.txt").read_text()
    assert "DOI: https://doi.org/10.5281/zenodo.0000000\n" in publication
    generated = text.split("\nNEWS\n", 1)[1]  # the editorial keeps the author's own line breaks
    assert all(len(line) <= 72 or "://" in line for line in generated.splitlines())


@pytest.mark.parametrize("esp", sorted(ESP_PRESETS))
def test_merge_tags_survive_compilation(make_project, esp: str):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS.replace('esp = "mailchimp"', f'esp = "{esp}"')})
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    email = render_email(site, project_templates(root), site.editions[0])
    preset = ESP_PRESETS[esp]
    assert f'href="{preset.unsubscribe}"' in email.html
    assert f'href="{preset.archive}"' in email.html
    assert f"Unsubscribe: {preset.unsubscribe}\n" in email.text
    assert preset.unsubscribe.encode() in BytesParser(policy=policy.default).parsebytes(email.eml) \
        .get_body(("html",)).get_content().encode()


def test_generic_preset_uses_literal_urls_without_tracking(make_project):
    settings = MINIMAL_SETTINGS.replace('esp = "mailchimp"', 'esp = "generic"\nunsubscribe_url = "https://example.org/unsub?list=1&a=b"')
    root = make_project({"newsletter.toml": settings})
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    email = render_email(site, project_templates(root), site.editions[0])
    hrefs = [attrs["href"] for tag, attrs in elements(email.html) if tag == "a"]
    assert "https://example.org/unsub?list=1&a=b" in hrefs
    web_version = "https://example.org/news/issues/issue-1/?utm_source=newsletter&utm_medium=email&utm_campaign=issue-1"
    assert hrefs.count(web_version) == 2  # "view in browser" at the top, "view online" at the foot
    assert "data-utm" not in email.html
    assert "Unsubscribe: https://example.org/unsub?list=1&a=b\n" in email.text


def test_utm_goes_on_outbound_http_links_only(make_project):
    item = """\
        ---
        title: Linked item
        date: 2024-01-10
        summary: Summary.
        image: images/photo.png
        image_alt: A photo
        url: https://partner.example/post?id=7#top
        ---
        Body.
        """
    root = make_project({"content/news/2024-01-10-first-item.md": item, "content/images/photo.png": PNG})
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    email = render_email(site, project_templates(root), site.editions[0])
    found = elements(email.html)
    hrefs = [attrs["href"] or "" for tag, attrs in found if tag == "a"]
    assert "https://partner.example/post?id=7&utm_source=newsletter&utm_medium=email&utm_campaign=issue-1#top" in hrefs
    assert "*|UNSUB|*" in hrefs and "*|ARCHIVE|*" in hrefs
    for href in hrefs:
        if href.startswith("http"):
            assert "utm_campaign=issue-1" in href
    assert all("utm_" not in src for src in image_sources(email.html))


def test_utm_can_be_switched_off_or_excluded(make_project):
    off = make_project({"newsletter.toml": MINIMAL_SETTINGS + "utm = false\n"}, name="off")
    site = load_site(off, BuildOptions(as_of=EXAMPLE_AS_OF))
    assert "utm_" not in render_email(site, project_templates(off), site.editions[0]).html
    excluded = make_project({"newsletter.toml": MINIMAL_SETTINGS + 'utm = { source = "nl", medium = "mail", campaign = "spring" }\nutm_exclude = ["https://example.org/news/news/"]\n'}, name="excluded")
    site = load_site(excluded, BuildOptions(as_of=EXAMPLE_AS_OF))
    hrefs = lxml.html.fromstring(render_email(site, project_templates(excluded), site.editions[0]).html).xpath("//a/@href")
    # The item's page falls under the excluded prefix; the issue's own page and the archive do not.
    assert "https://example.org/news/news/first-item/" in hrefs
    assert not [href for href in hrefs if href.startswith("https://example.org/news/news/") and "utm_" in href]
    assert [href for href in hrefs if href.startswith("https://example.org/news/") and not href.startswith("https://example.org/news/news/")]
    assert all(href.endswith("?utm_source=nl&utm_medium=mail&utm_campaign=spring") or "utm_source=nl&utm_medium=mail&utm_campaign=spring#" in href
               for href in hrefs if href.startswith("https://example.org/news/") and not href.startswith("https://example.org/news/news/"))


def test_script_in_a_title_never_comes_out_live(make_project):
    item = """\
        ---
        title: "<script>alert(1)</script> &lt;script&gt;alert(2)&lt;/script&gt;"
        date: 2024-01-10
        summary: "</mj-text><mj-raw><script>alert(3)</script></mj-raw>"
        ---
        Body.
        """
    issue = """\
        ---
        title: "Issue <script>alert(4)</script>"
        date: 2024-01-31
        subject: "<script>alert(5)</script>"
        preheader: "<script>alert(6)</script>"
        ---
        Hello <script>alert(7)</script><img src="../images/x.png" onerror="alert(8)" alt="x"> <a href="javascript:alert(9)">link</a>
        """
    root = make_project({"content/news/2024-01-10-first-item.md": item, "content/issues/2024-01-31-issue-1.md": issue,
                         "content/images/x.png": b"\x89PNG"})
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    email = render_email(site, project_templates(root), site.editions[0])
    found = elements(email.html)
    assert not [tag for tag, _attrs in found if tag in ("script", "mj-raw", "mj-text")]
    assert not [attrs for _tag, attrs in found if any(name.startswith("on") for name in attrs)]
    assert "javascript:" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;script&amp;gt;alert(2)" in email.html
    assert "<script>alert(1)</script> &lt;script&gt;alert(2)" in email.text  # plain text shows it as written


def test_overriding_one_part_changes_the_email_and_nothing_else(example_project: Path, tmp_path: Path):
    before = build_project(example_project, BuildOptions(out_dir=tmp_path / "before", as_of=EXAMPLE_AS_OF))
    footer = example_project / "templates" / "email" / "footer.mjml"
    footer.parent.mkdir(parents=True)
    footer.write_text((REPO / "newsletter/theme/email/footer.mjml").read_text().replace(
        "{% trans name=settings.project.name %}Follow {{ name }}:{% endtrans %}", "Find {{ settings.project.name }} on"))
    after = build_project(example_project, BuildOptions(out_dir=tmp_path / "after", as_of=EXAMPLE_AS_OF))
    old = {output.path.as_posix(): output.data for output in before.outputs}
    new = {output.path.as_posix(): output.data for output in after.outputs}
    assert old.keys() == new.keys()
    changed = {path for path in old if old[path] != new[path]}
    slugs = [edition.slug for edition in after.site.editions]
    # Every language's emails (the example's French issue too), and nothing else.
    assert changed == {path for path in old if path.endswith(("/email.html", "/email.eml", "/email.zip"))}
    assert changed >= {f"issues/{slug}/{name}" for slug in slugs for name in ("email.html", "email.eml", "email.zip")}
    assert b"Find OPINCHARGE on" in new["issues/issue-1/email.html"]


def test_a_card_block_is_replaced_through_the_default_prefix(example_project: Path):
    card = example_project / "templates" / "email" / "cards" / "event.mjml"
    card.parent.mkdir(parents=True)
    card.write_text('{% extends "default:email/cards/event.mjml" %}\n'
                    '{% block more %}<p>Save the date: {{ card.when }}</p>{% endblock %}\n')
    result = build_project(example_project, BuildOptions(as_of=EXAMPLE_AS_OF))
    document = (result.out_dir / "issues" / "issue-3" / "email.html").read_text()
    assert document.count("Save the date:") == 2  # the two events, and only them
    assert "Save the date: 5 February 2025, 14:00–15:30 CET, Online" in document
    assert document.count(">Read more") == 3  # the news cards keep theirs


def test_language_and_direction_come_from_settings(make_project):
    settings = MINIMAL_SETTINGS.replace('timezone = "Europe/Brussels"', 'timezone = "Europe/Brussels"\nlanguage = "ar"')
    root = make_project({"newsletter.toml": settings})
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    document = render_email(site, project_templates(root), site.editions[0]).html
    assert document.startswith('<!DOCTYPE html><html lang="ar" dir="rtl"')


def test_broken_mjml_override_is_a_one_line_error(make_project):
    root = make_project({"templates/email/editorial.mjml": "<mj-section><mj-column><mj-text>unclosed\n"})
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    with pytest.raises(RenderError) as caught:
        render_email(site, project_templates(root), site.editions[0])
    from newsletter.templates import THEME_DIR

    message = str(caught.value)
    assert message.startswith(f"{THEME_DIR / 'email/issue.mjml'}: the email template does not compile as MJML")
    assert message.endswith("; check the tags in your templates/email/editorial.mjml") and "\n" not in message


def test_utm_exclude_must_be_a_list_of_text(make_project):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + "utm_exclude = \"https://doi.org/\"\n"})
    with pytest.raises(SettingsError, match="'email.utm_exclude' must be a list"):
        load_site(root)
