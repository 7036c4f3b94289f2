"""The feeds channel read back as subscribers' readers read it: feedparser, json, and the W3C feed rules."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import example as case
from hypothesis import strategies as st
from lxml import etree

from newsletter.build import BuildOptions, BuildResult, build_project, load_site
from newsletter.channels.feeds.entries import feed_date, tag_feed_path
from newsletter.channels.feeds.renderer import render_feeds
from newsletter.site import ATOM_PATH, JSON_PATH, RSS_PATH

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, MakeProject

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
MEDIA = "{http://search.yahoo.com/mrss/}"
FEED_KINDS = {"feed-rss", "feed-atom", "feed-json", "feed-rss-tag"}
XML_KINDS = {"feed-rss": "rss20", "feed-atom": "atom10", "feed-rss-tag": "rss20"}

# The W3C feed validator's own patterns (RFC 822 with the Y2K extension; RFC 4151 tag URIs).
RFC822 = re.compile(
    r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), *)?\d\d? +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +"
    r"\d\d(\d\d)? +\d\d:\d\d(:\d\d)? +(([+-]?\d\d\d\d)|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|\w)$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
TAG_URI = re.compile(r"^tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$")
MIME = re.compile(r'^[^\s()<>,;:\\"/\[\]?=]+/[^\s()<>,;:\\"/\[\]?=]+$')
EVIL_ATTRIBUTES = re.compile(r"^on", re.I)
EVIL_TAGS = {"script", "style", "iframe", "object", "embed", "meta", "form"}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory, example_copy) -> BuildResult:
    """The repository's example project, built once as of its reference day."""
    return build_project(example_copy, BuildOptions(out_dir=tmp_path_factory.mktemp("out"), as_of=EXAMPLE_AS_OF))


def feeds_of(result: BuildResult) -> dict[str, str]:
    """Path -> kind of every feed a build wrote."""
    return {o.path.as_posix(): o.kind for o in result.outputs if o.kind in FEED_KINDS}


def read(result: BuildResult, path: str) -> bytes:
    return (result.out_dir / path).read_bytes()


class _Html(HTMLParser):
    """Collect the tags, attributes and URLs of an HTML fragment as a browser would see them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.urls: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append(name)
            if name in ("href", "src") and value is not None:
                self.urls.append(value)


def html_fields(data: bytes, kind: str) -> list[str]:
    """Every HTML-bearing field of a feed, decoded once as a reader decodes it."""
    if kind == "feed-json":
        items = json.loads(data)["items"]
        return [item["content_html"] for item in items]
    root = etree.fromstring(data)
    if kind == "feed-atom":
        return [el.text or "" for el in root.iter(f"{ATOM}content", f"{ATOM}summary")]
    return [el.text or "" for el in root.iter("description", f"{CONTENT}encoded")]


def entry_ids(data: bytes, kind: str) -> list[str]:
    if kind == "feed-json":
        return [item["id"] for item in json.loads(data)["items"]]
    return [entry.id for entry in feedparser.parse(data).entries]


# --- Every feed of the example project -------------------------------------------------------------


def test_example_writes_the_promised_feed_urls(example: BuildResult):
    feeds = feeds_of(example)
    assert feeds[RSS_PATH] == "feed-rss" and feeds[ATOM_PATH] == "feed-atom" and feeds[JSON_PATH] == "feed-json"
    # The main language's; the example's French feeds have the same layout under fr/.
    tag_feeds = {path for path, kind in feeds.items() if kind == "feed-rss-tag" and not path.startswith("fr/")}
    assert tag_feeds == {tag_feed_path(example.site, slug) for slug in example.site.tags}
    assert {f"fr/{path}" for path in (RSS_PATH, ATOM_PATH, JSON_PATH)} <= set(feeds)
    assert "tags/battery-2030/feed.xml" in tag_feeds  # "Battery 2030+"
    assert len(tag_feeds) == 19


@pytest.mark.parametrize("kind", sorted(XML_KINDS))
def test_every_xml_feed_parses_cleanly(example: BuildResult, kind: str):
    paths = [path for path, k in feeds_of(example).items() if k == kind]
    assert paths
    for path in paths:
        parsed = feedparser.parse(read(example, path))
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == XML_KINDS[kind]
        assert parsed.entries, path


def test_main_feeds_hold_published_items_newest_first(example: BuildResult):
    site = example.site
    published = site.published
    assert len(published) == 15  # 16 items, one of them a draft
    assert "mid-term-review-preparations" not in {item.slug for item in published}
    expected_links = [site.item_url(item) for item in published]
    expected_titles = [item.title for item in published]
    for path in (RSS_PATH, ATOM_PATH):
        entries = feedparser.parse(read(example, path)).entries
        assert [entry.link for entry in entries] == expected_links, path
        assert [entry.title for entry in entries] == expected_titles, path
    items = json.loads(read(example, JSON_PATH))["items"]
    assert [item["url"] for item in items] == expected_links
    assert [item["title"] for item in items] == expected_titles
    dates = [item.date for item in published]
    assert dates == sorted(dates, reverse=True)
    # An item with a canonical page elsewhere links there; the others link their own page.
    assert "https://opincharge.eu/2023/12/12/general-meeting-nantes/" in expected_links
    assert "https://opincharge.eu/newsletter/news/battery-2030-liaison/" in expected_links


def test_tag_feeds_hold_the_tags_items_newest_first(example: BuildResult):
    site = example.site
    for slug, items in site.tags.items():
        parsed = feedparser.parse(read(example, tag_feed_path(site, slug)))
        assert [entry.link for entry in parsed.entries] == [site.item_url(item) for item in items]
        assert parsed.feed.title == f"OPINCHARGE: {site.tag_name(slug)}"
        assert parsed.feed.link == site.url(site.tag_path(slug))
    battery = feedparser.parse(read(example, "tags/battery-2030/feed.xml"))
    assert [entry.title for entry in battery.entries][-1] == "OPINCHARGE joins forces with the BATTERY 2030+ community"


def test_entries_carry_guid_dates_author_categories_summary_and_content(example: BuildResult):
    site = example.site
    item = next(item for item in site.published if item.slug == "battery-2030-liaison")
    rss = next(e for e in feedparser.parse(read(example, RSS_PATH)).entries if e.link.endswith("/battery-2030-liaison/"))
    atom = next(e for e in feedparser.parse(read(example, ATOM_PATH)).entries if e.link.endswith("/battery-2030-liaison/"))
    json_item = next(i for i in json.loads(read(example, JSON_PATH))["items"] if i["url"].endswith("/battery-2030-liaison/"))
    guid = "tag:opincharge.eu,2024-03-05:battery-2030-liaison"
    assert rss.id == atom.id == json_item["id"] == guid
    assert rss.guidislink is False
    # A date alone is stamped at 11:00 UTC of its day, noon in Luxembourg's winter.
    assert rss.published == "Tue, 05 Mar 2024 12:00:00 +0100"
    assert atom.published == atom.updated == "2024-03-05T12:00:00+01:00"
    assert json_item["date_published"] == "2024-03-05T12:00:00+01:00"
    assert rss.author == atom.author == json_item["authors"][0]["name"] == "CIDETEC"
    assert [t.term for t in rss.tags] == [t.term for t in atom.tags] == json_item["tags"] == [
        "Battery 2030+", "Open Science", "WP6"]
    assert rss.summary == atom.summary == json_item["summary"] == item.summary
    for body in (rss.content[0].value, atom.content[0].value, json_item["content_html"]):
        assert '<a href="https://battery2030.eu/">BATTERY 2030+</a>' in body


def test_images_are_enclosures_with_size_and_type(example: BuildResult):
    image = REPO / "content" / "images" / "donostia-meeting.png"
    url = "https://opincharge.eu/newsletter/images/donostia-meeting.png"
    size = str(image.stat().st_size)
    rss = next(e for e in feedparser.parse(read(example, RSS_PATH)).entries if e.link.endswith("/general-meeting-donostia/"))
    assert rss.enclosures == [{"href": url, "length": size, "type": "image/png"}]
    assert rss.media_content[0]["filesize"] == size and rss.media_content[0]["width"] == "600"
    atom = next(e for e in feedparser.parse(read(example, ATOM_PATH)).entries if e.link.endswith("/general-meeting-donostia/"))
    assert {"href": url, "rel": "enclosure", "type": "image/png", "length": size} in atom.links
    json_item = next(i for i in json.loads(read(example, JSON_PATH))["items"] if i["url"].endswith("/general-meeting-donostia/"))
    assert json_item["image"] == url


def test_feed_metadata(example: BuildResult):
    site = example.site
    newest = feed_date(site, site.published[0])
    rss = feedparser.parse(read(example, RSS_PATH)).feed
    assert rss.title == "OPINCHARGE" and rss.link == "https://opincharge.eu/newsletter/"
    assert rss.subtitle == site.settings.project.tagline and rss.language == "en"
    assert rss.image.href == "https://opincharge.eu/newsletter/images/logo.png"
    assert parsedate_to_datetime(rss.updated) == newest  # lastBuildDate: the newest entry, not the clock
    assert rss.generator == "newsletter"
    atom = feedparser.parse(read(example, ATOM_PATH)).feed
    assert atom.id == "https://opincharge.eu/newsletter/atom.xml"
    assert datetime.fromisoformat(atom.updated) == newest
    assert atom.generator_detail == {"name": "newsletter"}  # no version, no uri
    assert atom.language == "en" and atom.logo == "https://opincharge.eu/newsletter/images/logo.png"
    for output in example.outputs:
        if output.kind in FEED_KINDS:
            assert b"feedgen" not in output.data and b"python-feedgen" not in output.data


def test_every_feed_links_itself(example: BuildResult):
    for path, kind in feeds_of(example).items():
        own_url = "https://opincharge.eu/newsletter/" + path
        if kind == "feed-json":
            assert json.loads(read(example, path))["feed_url"] == own_url
            continue
        links = feedparser.parse(read(example, path)).feed.links
        self_links = [link for link in links if link["rel"] == "self"]
        assert [link["href"] for link in self_links] == [own_url], path
        assert self_links[0]["type"] == ("application/atom+xml" if kind == "feed-atom" else "application/rss+xml")


def test_every_url_in_every_feed_is_absolute(example: BuildResult):
    for path, kind in feeds_of(example).items():
        data = read(example, path)
        for fragment in html_fields(data, kind):
            for url in _Html(fragment).urls:
                assert urlsplit(url).scheme in ("http", "https", "mailto"), (path, url)
        if kind != "feed-json":
            for entry in feedparser.parse(data).entries:
                for link in entry.links:
                    assert link["href"].startswith("https://"), (path, link)


# --- JSON Feed ----------------------------------------------------------------------------------------


def test_json_feed_follows_version_1_1(example: BuildResult):
    data = read(example, JSON_PATH)
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    feed = json.loads(data)
    # Fixed key order, UTF-8 kept as is: dumping again gives the same bytes.
    assert (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8") == data
    assert "’".encode("utf-8") in data
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert list(feed)[:4] == ["version", "title", "home_page_url", "feed_url"]
    assert feed["home_page_url"] == "https://opincharge.eu/newsletter/"
    assert feed["language"] == "en" and feed["authors"] == [{"name": "OPINCHARGE", "url": feed["home_page_url"]}]
    assert "icon" not in feed  # the example's logo is 400 x 100, and JSON Feed icons are square
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids)) == 15
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["content_html"]
        assert {"id", "url", "title", "content_html", "summary", "date_published"} <= set(item)
        assert RFC3339.match(item["date_published"])
        assert set(item) <= {"id", "url", "title", "summary", "content_html", "image", "date_published",
                             "authors", "tags"}
    assert any("image" in item for item in feed["items"]) and any("tags" in item for item in feed["items"])


# --- The W3C feed validator's rules, applied offline -------------------------------------------------


def w3c_rss_findings(data: bytes) -> list[str]:
    """What the W3C feed validator flags in an RSS 2.0 feed, for the rules that need no network."""
    findings: list[str] = []
    channel = etree.fromstring(data).find("channel")
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            findings.append(f"channel lacks {name}")
    if not channel.findtext("language"):
        findings.append("channel lacks language")
    for name in ("title", "description"):
        if re.search(r"</\w+>", channel.findtext(name) or ""):
            findings.append(f"channel {name} contains HTML")
    self_links = [el for el in channel.findall(f"{ATOM}link") if el.get("rel") == "self"]
    if len(self_links) != 1 or not self_links[0].get("href", "").startswith("http"):
        findings.append("missing atom:link rel=self")
    for name in ("lastBuildDate", "pubDate"):
        value = channel.findtext(name)
        if value is not None and not RFC822.match(value):
            findings.append(f"channel {name} not RFC 822: {value}")
    image = channel.find("image")
    if image is not None:
        if image.findtext("link") != channel.findtext("link") or image.findtext("title") != channel.findtext("title"):
            findings.append("image link/title differ from the channel's")
        if int(image.findtext("width") or 88) > 144 or int(image.findtext("height") or 31) > 400:
            findings.append("image too large")
    guids: set[str] = set()
    for item in channel.iter("item"):
        if not item.findtext("title") or not item.findtext("link"):
            findings.append("item lacks title or link")
        if not (item.findtext("link") or "").startswith(("http://", "https://")):
            findings.append(f"item link not absolute: {item.findtext('link')}")
        if re.search(r"</\w+>", item.findtext("title") or ""):
            findings.append("item title contains HTML")
        guid = item.find("guid")
        if guid is None:
            findings.append("item lacks guid")
        else:
            if guid.text in guids:
                findings.append(f"duplicate guid {guid.text}")
            guids.add(guid.text or "")
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                findings.append("isPermaLink not a boolean")
            if permalink == "true" and not (guid.text or "").startswith(("http://", "https://")):
                findings.append(f"permalink guid is not a URL: {guid.text}")
            if (guid.text or "").startswith("tag:") and not TAG_URI.match(guid.text or ""):
                findings.append(f"invalid tag URI {guid.text}")
        for date_element in item.findall("pubDate"):
            if not RFC822.match(date_element.text or ""):
                findings.append(f"pubDate not RFC 822: {date_element.text}")
        for author in item.findall("author"):
            if "@" not in (author.text or ""):
                findings.append("author is not an email address")
        if item.find("author") is not None and item.find("{http://purl.org/dc/elements/1.1/}creator") is not None:
            findings.append("both author and dc:creator")
        enclosures = item.findall("enclosure")
        if len(enclosures) > 1:
            findings.append("more than one enclosure")
        for enclosure in enclosures:
            if not (enclosure.get("length") or "").isdigit() or int(enclosure.get("length") or 0) <= 0:
                findings.append("enclosure length not a positive integer")
            if not MIME.match(enclosure.get("type") or ""):
                findings.append("enclosure type not a MIME type")
            if not (enclosure.get("url") or "").startswith(("http://", "https://")):
                findings.append("enclosure url not http")
        for name in ("description", f"{CONTENT}encoded"):
            if len(item.findall(name)) > 1:
                findings.append(f"duplicate {name}")
            findings.extend(_unsafe_html(item.findtext(name) or "", name))
    return findings


def w3c_atom_findings(data: bytes) -> list[str]:
    """What the W3C feed validator flags in an Atom 1.0 feed, for the rules that need no network."""
    findings: list[str] = []
    feed = etree.fromstring(data)
    for name in ("id", "title", "updated"):
        if not feed.findtext(f"{ATOM}{name}"):
            findings.append(f"feed lacks {name}")
    if not RFC3339.match(feed.findtext(f"{ATOM}updated") or ""):
        findings.append("feed updated not RFC 3339")
    if not [el for el in feed.findall(f"{ATOM}link") if el.get("rel") == "self"]:
        findings.append("missing link rel=self")
    feed_has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    ids: set[str] = set()
    for entry in feed.iter(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if entry_id in ids:
            findings.append(f"duplicate id {entry_id}")
        ids.add(entry_id)
        if not (TAG_URI.match(entry_id) or entry_id.startswith(("http://", "https://", "urn:"))):
            findings.append(f"id not an absolute IRI: {entry_id}")
        for name in ("title", "updated"):
            if not entry.findtext(f"{ATOM}{name}"):
                findings.append(f"entry lacks {name}")
        for name in ("updated", "published"):
            value = entry.findtext(f"{ATOM}{name}")
            if value is not None and not RFC3339.match(value):
                findings.append(f"entry {name} not RFC 3339: {value}")
        if not feed_has_author and entry.find(f"{ATOM}author/{ATOM}name") is None:
            findings.append("entry without author")
        alternates = [(el.get("type"), el.get("hreflang")) for el in entry.findall(f"{ATOM}link")
                      if el.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            findings.append("two alternate links with the same type and hreflang")
        for link in entry.findall(f"{ATOM}link"):
            if not (link.get("href") or "").startswith(("http://", "https://")):
                findings.append(f"relative link {link.get('href')}")
            if link.get("length") is not None and not link.get("length", "").isdigit():
                findings.append("link length not an integer")
        content = entry.find(f"{ATOM}content")
        if content is None and not alternates:
            findings.append("entry without content or alternate link")
        if content is not None:
            if content.get("type") not in ("text", "html", "xhtml"):
                findings.append(f"content type {content.get('type')}")
            findings.extend(_unsafe_html(content.text or "", "content"))
    return findings


def _unsafe_html(fragment: str, where: str) -> list[str]:
    parsed = _Html(fragment)
    findings = [f"{where} contains <{tag}>" for tag in parsed.tags if tag in EVIL_TAGS]
    findings += [f"{where} contains {name}=" for name in parsed.attributes if EVIL_ATTRIBUTES.match(name)]
    findings += [f"{where} has a relative URL {url}" for url in parsed.urls
                 if not urlsplit(url).scheme]
    findings += [f"{where} has a script URL {url}" for url in parsed.urls
                 if urlsplit(url).scheme.lower() in ("javascript", "vbscript", "data")]
    return findings


def test_w3c_rules_find_what_they_should():
    """The offline rules flag a feed the W3C validator rejects, so a clean result means something."""
    bad_rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.org/</link>
      <description>D</description><lastBuildDate>2024-12-10T00:00:00+01:00</lastBuildDate>
      <item><title>A</title><link>/a</link><guid>tag:x.org,2024:a</guid><author>Jane</author>
        <enclosure url="https://x.org/a.png" length="0" type="image/png"/>
        <description>&lt;p onclick="x()"&gt;&lt;a href="b.html"&gt;b&lt;/a&gt;&lt;script&gt;&lt;/script&gt;</description></item>
      <item><title>B</title><link>https://x.org/b</link><guid isPermaLink="false">tag:x.org,2024:a</guid></item>
    </channel></rss>"""
    findings = " | ".join(w3c_rss_findings(bad_rss))
    for expected in ("lacks language", "missing atom:link", "lastBuildDate not RFC 822", "item link not absolute",
                     "permalink guid is not a URL", "author is not an email", "enclosure length",
                     "onclick=", "relative URL b.html", "<script>", "duplicate guid"):
        assert expected in findings
    bad_atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.org/</id><title>T</title>
      <updated>2024-12-10</updated><entry><id>a</id><title>A</title><updated>2024-12-10T00:00:00+01:00</updated>
      <link href="https://x.org/a"/><link href="https://x.org/a.png"/></entry></feed>"""
    findings = " | ".join(w3c_atom_findings(bad_atom))
    for expected in ("updated not RFC 3339", "missing link rel=self", "not an absolute IRI", "entry without author",
                     "two alternate links"):
        assert expected in findings


def test_every_feed_passes_the_w3c_rules(example: BuildResult):
    for path, kind in feeds_of(example).items():
        data = read(example, path)
        if kind == "feed-atom":
            assert w3c_atom_findings(data) == [], path
        elif kind != "feed-json":
            assert w3c_rss_findings(data) == [], path


# --- GUIDs never change ----------------------------------------------------------------------------


def test_guids_are_stable_across_builds_and_title_edits(example_project: Path, tmp_path: Path):
    first = build_project(example_project, BuildOptions(out_dir=tmp_path / "one", as_of=EXAMPLE_AS_OF))
    source = example_project / "content" / "news" / "2024-03-05-battery-2030-liaison.md"
    text = source.read_text(encoding="utf-8")
    edited = text.replace('title: "OPINCHARGE joins forces with the BATTERY 2030+ community"',
                          'title: "OPINCHARGE and BATTERY 2030+: working together"')
    assert edited != text
    source.write_text(edited, encoding="utf-8")
    second = build_project(example_project, BuildOptions(out_dir=tmp_path / "two", as_of=EXAMPLE_AS_OF))
    assert "OPINCHARGE and BATTERY 2030+: working together" in read(second, RSS_PATH).decode()
    for path, kind in feeds_of(first).items():
        before, after = entry_ids(read(first, path), kind), entry_ids(read(second, path), kind)
        assert before == after, path
        assert len(before) == len(set(before))


def test_explicit_id_overrides_the_guid(make_project: MakeProject):
    root = make_project({
        "content/news/2024-01-20-moved.md": """\
            ---
            title: Moved from the old site
            date: 2024-01-20
            id: https://old.example.org/2024/moved
            url: https://old.example.org/2024/moved
            ---
            Text.
            """,
        "content/news/2024-01-21-renamed.md": """\
            ---
            title: Renamed
            date: 2024-01-21
            id: "tag:example.org,2023-05-01:first-name"
            ---
            Text.
            """,
    })
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    rss = {e.title: e for e in feedparser.parse(read(result, RSS_PATH)).entries}
    assert rss["Moved from the old site"].id == "https://old.example.org/2024/moved"
    assert rss["Renamed"].id == "tag:example.org,2023-05-01:first-name"
    guids = {el.text: el.get("isPermaLink") for el in etree.fromstring(read(result, RSS_PATH)).iter("guid")}
    assert guids["https://old.example.org/2024/moved"] == "true"  # the id is the item's own address
    assert guids["tag:example.org,2023-05-01:first-name"] == "false"
    assert rss["First item"].id == "tag:example.org,2024-01-10:first-item"
    atom_ids = [e.id for e in feedparser.parse(read(result, ATOM_PATH)).entries]
    json_ids = [i["id"] for i in json.loads(read(result, JSON_PATH))["items"]]
    assert atom_ids == json_ids == [e.id for e in feedparser.parse(read(result, RSS_PATH)).entries]


# --- Hostile content --------------------------------------------------------------------------------

HOSTILE = """\
---
title: Hostile markup
date: 2024-02-01
summary: An item whose body tries everything.
tags: [Battery 2030+]
image: images/pic.png
image_alt: A picture
---
Read [the other item](news/first-item/) and [the section](#details) or [the PDF](files/report.pdf).

<script>alert("feed-xss")</script>

<p onclick="steal()">Click <a href="javascript:alert(2)" onmouseover="steal()">here</a>.</p>

![inline picture](images/pic.png)

<img src="images/pic.png" onerror="steal()" alt="raw">

<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>

## Details {#details}
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
    "00000000050001a5f645400000000049454e44ae426082")


def test_hostile_markdown_reaches_no_feed_live(make_project: MakeProject):
    root = make_project({"content/news/2024-02-01-hostile.md": HOSTILE, "content/images/pic.png": PNG,
                         "content/files/report.pdf": b"%PDF-1.4\n"})
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    feeds = feeds_of(result)
    assert set(feeds) == {"feed.xml", "atom.xml", "feed.json", "tags/battery-2030/feed.xml",
                          "tags/open-science/feed.xml"}
    checked = 0
    for path, kind in feeds.items():
        data = read(result, path)
        for fragment in html_fields(data, kind):
            parsed = _Html(fragment)
            assert not set(parsed.tags) & EVIL_TAGS, (path, parsed.tags)
            assert not [name for name in parsed.attributes if EVIL_ATTRIBUTES.match(name)], path
            assert 'alert("feed-xss")' not in fragment and "steal()" not in fragment
            for url in parsed.urls:
                assert urlsplit(url).scheme in ("https", "http"), (path, url)
            if "the other item" in fragment:
                checked += 1
                assert parsed.urls == [
                    "https://example.org/news/news/first-item/",
                    "https://example.org/news/news/hostile/#details",
                    "https://example.org/news/files/report.pdf",
                    "https://example.org/news/images/pic.png",
                    "https://example.org/news/images/pic.png",
                ]
        assert b"feed-xss" not in data and b"steal()" not in data and b"javascript:" not in data
    assert checked == 4  # RSS, Atom, JSON and the Battery 2030+ tag feed


# --- Settings and edge cases --------------------------------------------------------------------------


def _items(count: int) -> dict[str, str | bytes | None]:
    return {
        f"content/news/2024-03-{day:02d}-item-{day}.md":
            f"---\ntitle: Item {day}\ndate: 2024-03-{day:02d}\ntags: [Open Science]\n---\nText {day}.\n"
        for day in range(1, count + 1)
    }


def test_max_items_caps_every_feed(make_project: MakeProject):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + "\n[feeds]\nmax_items = 2\n", **_items(4)})
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    for path, kind in feeds_of(result).items():
        titles = ([i["title"] for i in json.loads(read(result, path))["items"]] if kind == "feed-json"
                  else [e.title for e in feedparser.parse(read(result, path)).entries])
        if path == "tags/battery-2030/feed.xml":
            assert titles == ["First item"]
        else:
            assert titles == ["Item 4", "Item 3"], path


def test_feeds_do_not_depend_on_the_build_day(make_project: MakeProject, tmp_path: Path):
    root = make_project(_items(2))
    early = build_project(root, BuildOptions(out_dir=tmp_path / "early", as_of=date(2024, 6, 1)))
    late = build_project(root, BuildOptions(out_dir=tmp_path / "late", as_of=date(2031, 1, 1)))
    for path in feeds_of(early):
        assert read(early, path) == read(late, path), path
    assert b"<lastBuildDate>Sat, 02 Mar 2024 12:00:00 +0100</lastBuildDate>" in read(early, RSS_PATH)


def test_items_dated_after_the_build_day_wait(make_project: MakeProject):
    root = make_project(_items(3))
    result = build_project(root, BuildOptions(as_of=date(2024, 3, 2)))
    titles = [e.title for e in feedparser.parse(read(result, RSS_PATH)).entries]
    assert titles == ["Item 2", "Item 1", "First item"]


def test_a_project_with_nothing_published_has_valid_empty_feeds(make_project: MakeProject):
    root = make_project({})
    result = build_project(root, BuildOptions(as_of=date(2023, 12, 31)))
    rss = read(result, RSS_PATH)
    parsed = feedparser.parse(rss)
    assert not parsed.bozo and parsed.entries == []
    assert parsed.feed.updated == "Sun, 31 Dec 2023 00:00:00 +0100"  # the reference day, not the clock
    assert w3c_rss_findings(rss) == [] and w3c_atom_findings(read(result, ATOM_PATH)) == []
    assert json.loads(read(result, JSON_PATH))["items"] == []
    assert not [path for path, kind in feeds_of(result).items() if kind == "feed-rss-tag"]


def test_remote_images_have_no_made_up_length(make_project: MakeProject):
    root = make_project({"content/news/2024-02-01-remote.md": """\
        ---
        title: Remote picture
        date: 2024-02-01
        image: https://cdn.example.org/photos/lab.jpg
        image_alt: A lab
        ---
        Text.
        """})
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    rss = next(e for e in feedparser.parse(read(result, RSS_PATH)).entries if e.title == "Remote picture")
    # RSS demands a positive length, which only a download could tell: no <enclosure>, media:content instead.
    assert rss.enclosures == []
    assert rss.media_content == [{"url": "https://cdn.example.org/photos/lab.jpg", "type": "image/jpeg",
                                  "medium": "image"}]
    atom = next(e for e in feedparser.parse(read(result, ATOM_PATH)).entries if e.title == "Remote picture")
    assert {"href": "https://cdn.example.org/photos/lab.jpg", "rel": "enclosure", "type": "image/jpeg"} in atom.links
    assert w3c_rss_findings(read(result, RSS_PATH)) == [] and w3c_atom_findings(read(result, ATOM_PATH)) == []


def test_summary_text_is_not_read_as_html(make_project: MakeProject):
    root = make_project({"content/news/2024-02-01-angle.md": """\
        ---
        title: "Anode & cathode: R&D"
        date: 2024-02-01
        summary: "Why <script> tags & R&D don't mix"
        ---
        Text.
        """})
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    rss = next(e for e in feedparser.parse(read(result, RSS_PATH)).entries if e.title.startswith("Anode"))
    assert rss.summary == "Why &lt;script&gt; tags &amp; R&amp;D don't mix"  # HTML that shows the text
    assert rss.title == "Anode & cathode: R&D"
    atom = next(e for e in feedparser.parse(read(result, ATOM_PATH)).entries if e.title.startswith("Anode"))
    assert atom.summary == "Why <script> tags & R&D don't mix" and atom.summary_detail.type == "text/plain"
    assert w3c_rss_findings(read(result, RSS_PATH)) == []


# --- Discovery ----------------------------------------------------------------------------------------


class _Alternates(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.anchors: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate" and not values.get("hreflang"):  # feeds, not translations
            self.links.append((values.get("type") or "", values.get("href") or ""))
        if tag == "a" and values.get("href"):
            self.anchors.append(values["href"] or "")


def test_every_page_announces_the_feeds(example: BuildResult):
    site = example.site
    base = "https://opincharge.eu/newsletter/"
    feeds = feeds_of(example)
    types = {"feed-rss": "application/rss+xml", "feed-rss-tag": "application/rss+xml",
             "feed-atom": "application/atom+xml", "feed-json": "application/feed+json"}
    # Each language's pages announce that language's feeds (the example's French ones are under fr/).
    main = {(types[kind], base + path) for path, kind in feeds.items() if kind != "feed-rss-tag"
            and not path.startswith("fr/")}
    french = {(link_type, href.replace(base, base + "fr/")) for link_type, href in main}
    pages = [o for o in example.outputs if o.kind == "web-page"]
    assert len(pages) > 30
    for page in pages:
        found = _Alternates(page.data.decode("utf-8")).links
        assert (french if page.path.as_posix().startswith("fr/") else main) <= set(found), page.path
        for link_type, href in found:
            path = href.removeprefix(base)
            assert path in feeds and types[feeds[path]] == link_type, (page.path, href)
    for slug in site.tags:
        page = (example.out_dir / site.tag_path(slug) / "index.html").read_text()
        assert ("application/rss+xml", base + tag_feed_path(site, slug)) in _Alternates(page).links
        assert base + tag_feed_path(site, slug) in _Alternates(page).anchors  # a visible subscribe link
    item_page = (example.out_dir / "news" / "battery-2030-liaison" / "index.html").read_text()
    assert ("application/rss+xml", base + "tags/battery-2030/feed.xml") in _Alternates(item_page).links
    index = _Alternates((example.out_dir / "index.html").read_text()).anchors
    assert {base + RSS_PATH, base + ATOM_PATH, base + JSON_PATH} <= set(index)


# A date alone keeps its calendar day for readers in every time zone from UTC-11 to UTC+12.

READER_OFFSETS = st.integers(-11 * 4, 12 * 4).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(zone=st.sampled_from(sorted(available_timezones())), day=st.dates(date(1990, 1, 1), date(2037, 12, 31)),
       readers=st.lists(READER_OFFSETS, min_size=1, max_size=5))
@case(zone="Europe/Luxembourg", day=date(2024, 7, 10), readers=[timezone(timedelta(hours=-5))])
@case(zone="Africa/Cairo", day=date(2023, 4, 28), readers=[])  # summer time starts at midnight: no 00:00
@case(zone="Pacific/Kiritimati", day=date(2024, 1, 1), readers=[])  # UTC+14
@case(zone="Pacific/Pago_Pago", day=date(2024, 1, 1), readers=[])  # UTC-11
def test_a_date_alone_is_the_same_day_for_every_reader(make_project: MakeProject, zone: str, day: date,
                                                       readers: list[timezone]):
    settings_text = MINIMAL_SETTINGS.replace('timezone = "Europe/Brussels"', f'timezone = "{zone}"')
    item = f"---\ntitle: Dated\ndate: {day}\ntags: [Open Science]\n---\nText.\n"
    root = make_project({"newsletter.toml": settings_text, "content/news/2024-01-10-first-item.md": item}, name="zones")
    site = load_site(root, BuildOptions(as_of=date(2038, 1, 1), use_cache=False))
    feeds = {output.path.as_posix(): output.data for output in render_feeds(site)}
    stamps = []
    for path in (RSS_PATH, ATOM_PATH, "tags/open-science/feed.xml"):
        parsed = feedparser.parse(feeds[path])
        assert not parsed.bozo, path
        stamps.append(datetime(*parsed.entries[0].published_parsed[:6], tzinfo=timezone.utc))  # feedparser: UTC
    stamps.append(datetime.fromisoformat(json.loads(feeds[JSON_PATH])["items"][0]["date_published"]))
    for reader in [timezone(timedelta(hours=-11)), timezone(timedelta(hours=12)), *readers]:
        assert {stamp.astimezone(reader).date() for stamp in stamps} == {day}, (zone, reader)


def test_a_time_of_day_is_kept_as_written(make_project: MakeProject):
    item = "---\ntitle: Timed\ndate: 2024-03-05T18:30:00+01:00\n---\nText.\n"
    root = make_project({"content/news/2024-01-10-first-item.md": item})
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    assert json.loads(read(result, JSON_PATH))["items"][0]["date_published"] == "2024-03-05T18:30:00+01:00"
