"""Write the generated archive as a minimal Hugo site and a Pelican site.

Both mirror what a newsletter build publishes on the web: one page per item and per
issue, an index, an RSS feed of the latest 50 items and one RSS feed per tag.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from generate import Corpus, Item

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
</head>
<body><header><a href="{{ .Site.BaseURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>Funded by the European Union.</footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ with .Params.author }} · {{ . }}{{ end }}</p>
{{ with .Params.image }}<img src="{{ . }}" alt="{{ $.Params.image_alt }}">{{ end }}
{{ with .Params.event }}<p>{{ .location }}, {{ .start }} – {{ .end }}</p>{{ end }}
{{ with .Params.publication }}<p>{{ .venue }}, doi:{{ .doi }}</p>{{ end }}
{{ .Content }}
<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
</article>{{ end }}
"""

HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .Permalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}<p>{{ .Summary }}</p></li>{{ end }}</ul>
{{ end }}
"""

HUGO_INDEX = """{{ define "main" }}<h1>{{ .Site.Title }} newsletter archive</h1>
<ul>{{ range (where .Site.RegularPages "Section" "issues").ByDate.Reverse }}<li><a href="{{ .Permalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ end }}
"""


def _hugo_config(site_url: str, title: str) -> str:
    return f"""baseURL = "{site_url}"
languageCode = "en"
title = "{title}"
timeZone = "Europe/Brussels"
disableKinds = ["sitemap", "robotsTXT", "404"]

[taxonomies]
tag = "tags"

[permalinks]
news = "/news/:slug/"
issues = "/issues/:slug/"

[services.rss]
limit = 50
"""


def item_fields(item: Item) -> dict[str, object]:
    """An item's front matter as the newsletter project writes it."""
    data: dict[str, object] = {
        "title": item.title,
        "date": item.date,
        "summary": item.summary,
        "type": item.type,
        "tags": list(item.tags),
        "work_packages": list(item.work_packages),
        "author": item.author,
        "image": item.image,
        "image_alt": item.image_alt,
    }
    if item.event:
        data["event"] = item.event
    if item.publication:
        data["publication"] = item.publication
    if item.draft:
        data["draft"] = True
    return data


def _hugo_front_matter(item: Item) -> dict[str, object]:
    data = item_fields(item)
    # Hugo reserves `type` for layout lookup, so the item type travels under another name.
    data["item_type"] = data.pop("type")
    data["slug"] = item.slug
    return data


def markdown_page(data: dict[str, object], body: str) -> str:
    """A Markdown file with YAML front matter."""
    head = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)
    return f"---\n{head}---\n\n{body}"


def write_hugo(corpus: Corpus, root: Path, *, site_url: str, title: str) -> None:
    """Write a minimal Hugo site with one page per item and issue and RSS feeds."""
    layouts = root / "layouts"
    (layouts / "_default").mkdir(parents=True, exist_ok=True)
    (root / "content" / "news").mkdir(parents=True, exist_ok=True)
    (root / "content" / "issues").mkdir(parents=True, exist_ok=True)
    (root / "config.toml").write_text(_hugo_config(site_url, title), encoding="utf-8")
    (layouts / "_default" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (layouts / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (layouts / "index.html").write_text(HUGO_INDEX, encoding="utf-8")
    for item in corpus.items:
        path = root / "content" / "news" / f"{item.day.isoformat()}-{item.slug}.md"
        path.write_text(markdown_page(_hugo_front_matter(item), item.body), encoding="utf-8")
    for issue in corpus.issues:
        data = {"title": issue.title, "date": issue.date, "slug": issue.slug, "number": issue.number, "subject": issue.subject}
        path = root / "content" / "issues" / f"{issue.date.isoformat()}-{issue.slug}.md"
        path.write_text(markdown_page(data, issue.body), encoding="utf-8")


def _pelican_config(site_url: str, title: str, timezone: str) -> str:
    return f'''"""Pelican settings for the generated archive."""

AUTHOR = "{title} communication team"
SITENAME = "{title}"
SITEURL = "{site_url.rstrip("/")}"
PATH = "content"
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["issues"]
TIMEZONE = "{timezone}"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %B %Y"
THEME = "simple"
RELATIVE_URLS = False
DEFAULT_PAGINATION = False
# The page menu would list every issue on every page, which no real site does.
DISPLAY_PAGES_ON_MENU = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
ARTICLE_URL = "news/{{slug}}/"
ARTICLE_SAVE_AS = "news/{{slug}}/index.html"
PAGE_URL = "issues/{{slug}}/"
PAGE_SAVE_AS = "issues/{{slug}}/index.html"
FEED_DOMAIN = SITEURL
FEED_MAX_ITEMS = 50
FEED_ALL_RSS = "feed.xml"
FEED_ALL_ATOM = "atom.xml"
TAG_FEED_RSS = "tags/{{slug}}/feed.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
'''


def _pelican_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _pelican_page(fields: dict[str, str], body: str) -> str:
    head = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"{head}\n{body}"


def _pelican_fields(item: Item) -> dict[str, str]:
    fields = {
        "Title": item.title,
        "Date": _pelican_date(item.date),
        "Slug": item.slug,
        "Category": item.type,
        "Tags": ", ".join(item.tags),
        "Authors": item.author,
        "Summary": item.summary,
        "Work_packages": ", ".join(item.work_packages),
        "Image": item.image,
        "Image_alt": item.image_alt,
    }
    if item.event:
        fields["Event_start"] = str(item.event["start"])
        fields["Event_end"] = str(item.event["end"])
        fields["Event_location"] = str(item.event["location"])
        fields["Event_url"] = str(item.event["url"])
    if item.publication:
        fields["Doi"] = str(item.publication["doi"])
        fields["Venue"] = str(item.publication["venue"])
        fields["Open_access_url"] = str(item.publication["open_access_url"])
    if item.draft:
        fields["Status"] = "draft"
    return fields


def write_pelican(corpus: Corpus, root: Path, *, site_url: str, title: str, timezone: str) -> None:
    """Write a Pelican site with its simple theme, feeds on."""
    (root / "content" / "news").mkdir(parents=True, exist_ok=True)
    (root / "content" / "issues").mkdir(parents=True, exist_ok=True)
    (root / "pelicanconf.py").write_text(_pelican_config(site_url, title, timezone), encoding="utf-8")
    for item in corpus.items:
        path = root / "content" / "news" / f"{item.day.isoformat()}-{item.slug}.md"
        path.write_text(_pelican_page(_pelican_fields(item), item.body), encoding="utf-8")
    for issue in corpus.issues:
        fields = {"Title": issue.title, "Date": issue.date.isoformat(), "Slug": issue.slug}
        path = root / "content" / "issues" / f"{issue.date.isoformat()}-{issue.slug}.md"
        path.write_text(_pelican_page(fields, issue.body), encoding="utf-8")
