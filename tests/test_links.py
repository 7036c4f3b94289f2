"""Finding external links in built outputs and where the content writes them."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from newsletter.errors import SourceLocation
from newsletter.checks.links import Link, check_url, find_links

SITE = "https://opincharge.eu/newsletter/"


@dataclass(frozen=True, slots=True)
class Built:
    path: PurePosixPath
    data: bytes


def built(path: str, text: str) -> Built:
    return Built(PurePosixPath(path), text.encode())


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    files = {
        "newsletter.toml": '[project]\nname = "X"\n\n[[partners]]\nname = "LIST"\nurl = "https://www.list.lu/"\n',
        "content/news/2024-01-10-kickoff.md": (
            "---\ntitle: Kick-off\nimage: https://cdn.example.org/kickoff.jpg\n---\n"
            "Read [the call](https://ec.europa.eu/call?id=7&lang=en#scope) and\n"
            "the report at https://example.org/report.\n"
        ),
        "content/news/2024-02-01-later.md": (
            "---\ntitle: Later\npublication:\n  doi: 10.5281/zenodo.123\n---\nAgain https://example.org/report\n"
        ),
        "content/issues/2024-02-issue.md": (
            "---\ntitle: Issue\n---\nSee <https://ec.europa.eu/call?id=7&lang=en>.\nLast year: https://example.org/report-2023\n"
        ),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return tmp_path


def test_urls_to_check_are_external_http_without_fragment_or_tracking() -> None:
    assert check_url("https://example.org/a#part") == "https://example.org/a"
    assert check_url("https://example.org/a?utm_source=nl&utm_medium=email&id=3") == "https://example.org/a?id=3"
    assert check_url("https://example.org/a?x=1&y=2") == "https://example.org/a?x=1&y=2"
    assert check_url(" HTTP://Example.org/ ") == "http://Example.org/"
    for skipped in [
        "mailto:a@example.org",
        "/news/",
        "#top",
        "cid:logo@x",
        "tel:+352",
        "https://",
        "data:image/png;base64,AA",
    ]:
        assert check_url(skipped) is None


def test_html_links_images_and_social_images_are_found(project: Path) -> None:
    page = built(
        "news/kickoff/index.html",
        f"""<!doctype html><html><head>
<link rel="preconnect" href="https://fonts.example.net">
<link rel="stylesheet" href="https://fonts.example.net/css?family=Inter">
<meta property="og:image" content="https://cdn.example.org/kickoff.jpg">
<link rel="alternate" type="application/rss+xml" href="{SITE}feed.xml">
</head><body>
<a href="https://ec.europa.eu/call?id=7&amp;lang=en#scope">call</a>
<img src="https://cdn.example.org/kickoff.jpg" srcset="https://cdn.example.org/k-2x.jpg 2x,
  https://cdn.example.org/k-3x.jpg 3x">
<a href="mailto:comms@opincharge.eu">mail</a> <a href="../other/">other</a> <a href="{SITE}news/">all news</a>
<td background="https://cdn.example.org/bg.png"></td>
</body></html>""",
    )
    urls = [link.url for link in find_links([page], project, skip_prefixes=[SITE])]
    assert urls == [
        "https://fonts.example.net/css?family=Inter",
        "https://cdn.example.org/kickoff.jpg",
        "https://ec.europa.eu/call?id=7&lang=en",
        "https://cdn.example.org/k-2x.jpg",
        "https://cdn.example.org/k-3x.jpg",
        "https://cdn.example.org/bg.png",
    ]


def test_each_url_is_placed_at_its_first_writing_in_the_content(project: Path) -> None:
    email = built(
        "issues/2024-02-issue/email.html",
        '<p>\n<a href="https://ec.europa.eu/call?id=7&amp;lang=en&amp;utm_source=newsletter&amp;utm_medium=email">'
        'call</a>\n<a href="https://example.org/report?utm_source=newsletter">report</a>\n'
        '<a href="https://www.list.lu/">LIST</a>\n<a href="https://theme.example.net/credits">theme</a>\n'
        '<a href="https://doi.org/10.5281/zenodo.123">paper</a></p>\n',
    )
    links = {link.url: link.where for link in find_links([email], project)}
    assert links == {
        # content/issues/ sorts before content/news/; the item writes it with a fragment, the issue without.
        "https://ec.europa.eu/call?id=7&lang=en": SourceLocation(Path("content/issues/2024-02-issue.md"), 4),
        # The ".../report-2023" is another URL; the full stop ending the item's sentence is no part of it.
        "https://example.org/report": SourceLocation(Path("content/news/2024-01-10-kickoff.md"), 6),
        "https://www.list.lu/": SourceLocation(Path("newsletter.toml"), 6),
        # Only in a template: the output file and its line.
        "https://theme.example.net/credits": SourceLocation(Path("output/issues/2024-02-issue/email.html"), 5),
        # A publication's DOI link is written as its bare DOI.
        "https://doi.org/10.5281/zenodo.123": SourceLocation(Path("content/news/2024-02-01-later.md"), 4),
    }


def test_feeds_are_read_for_links_and_the_html_they_carry(project: Path) -> None:
    rss = built(
        "feed.xml",
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>X</title><link>{SITE}</link><atom:link href="{SITE}feed.xml" rel="self"/>
<image><url>https://cdn.example.org/logo.png</url></image>
<item><title>Kick-off</title><link>https://example.org/report</link>
<description>&lt;p&gt;Read
&lt;a href="https://ec.europa.eu/call?id=7&amp;amp;lang=en"&gt;the call&lt;/a&gt;&lt;/p&gt;</description>
<enclosure url="https://cdn.example.org/kickoff.jpg" type="image/jpeg" length="0"/>
<guid isPermaLink="false">kickoff</guid></item>
</channel></rss>""",
    )
    atom = built(
        "atom.xml",
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id><title>X</title>
<entry><id>urn:y</id><link href="https://atom.example.org/entry"/>
<content type="html">&lt;img src="https://cdn.example.org/atom.png"&gt;</content></entry></feed>""",
    )
    json_feed = built(
        "feed.json",
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "home_page_url": SITE,
                "items": [
                    {
                        "id": "1",
                        "external_url": "https://json.example.org/ext",
                        "content_html": '<a href="https://json.example.org/in-html">x</a>',
                        "attachments": [{"url": "https://json.example.org/file.pdf", "mime_type": "application/pdf"}],
                    }
                ],
            }
        ),
    )
    drafts = built("social/drafts.json", json.dumps([{"url": "https://not-a-feed.example.org/"}]))
    urls = {link.url for link in find_links([rss, atom, json_feed, drafts], project, skip_prefixes=[SITE])}
    assert urls == {
        "https://cdn.example.org/logo.png",
        "https://example.org/report",
        "https://ec.europa.eu/call?id=7&lang=en",
        "https://cdn.example.org/kickoff.jpg",
        "https://atom.example.org/entry",
        "https://cdn.example.org/atom.png",
        "https://json.example.org/ext",
        "https://json.example.org/in-html",
        "https://json.example.org/file.pdf",
    }


def test_finding_links_touches_no_network(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    page = built("index.html", '<a href="https://example.org/report">r</a>')
    assert find_links([page], project) == [
        Link("https://example.org/report", SourceLocation(Path("content/news/2024-01-10-kickoff.md"), 6))
    ]
