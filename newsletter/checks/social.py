"""`newsletter check` rules for social posts, each finding naming the item file (and line) behind it.

Limits beyond a post's length, and where they come from:
- Bluesky links a hashtag of at most 64 graphemes (lexicon `app.bsky.richtext.facet#tag`:
  maxGraphemes 64, maxLength 640 bytes) and takes images of at most 1,000,000 bytes
  (`app.bsky.embed.images`).
- Threads makes one topic tag per post, of 1 to 50 characters (Threads API documentation).
- X takes alt text of up to 1,000 characters (media metadata API) and images up to 5 MB.
- Mastodon takes alt text of up to 1,500 characters (`MediaAttachment::MAX_DESCRIPTION_LENGTH`)
  and images up to 16 MB (its default `IMAGE_LIMIT`).
X, Mastodon and LinkedIn document no hashtag length limit other than the post's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import regex

from newsletter.urls import is_web_address
from newsletter.content.frontmatter import locate
from newsletter.content.models import NewsItem
from newsletter.diagnostics import Diagnostic, error, warning
from newsletter.errors import SourceLocation
from newsletter.outputs import Output
from newsletter.channels.social.renderer import JSON_PATH
from newsletter.channels.social.compose import camel_hashtag, project_and_item_hashtags
from newsletter.channels.social.posts import drafted_platforms, post_limit
from newsletter.settings import SETTINGS_FILE
from newsletter.site import Site
from newsletter.platforms.counting import (
    fits,
    grapheme_count,
    measure,
    platform_rules,
    utf8_length,
)
from newsletter.platforms.splitting import UnsplittableTextError, split_thread

# platform -> (longest hashtag, unit, how it is counted), without the "#"
HASHTAG_LIMITS: dict[str, tuple[int, str, Callable[[str], int]]] = {
    "bluesky": (64, "graphemes", grapheme_count),
    "threads": (50, "characters", len),
}
BLUESKY_TAG_BYTES = 640
ALT_TEXT_LIMITS = {"x": 1000, "mastodon": 1500}
IMAGE_LIMITS = {"x": 5 * 1024 * 1024, "mastodon": 16 * 1024 * 1024, "bluesky": 1_000_000}
_HASHTAG = regex.compile(r"(?<![\w&/#＃])[#＃]([\p{L}\p{M}\p{N}_]*\p{L}[\p{L}\p{M}\p{N}_]*)")


def check_social(site: Site, outputs: Sequence[Output]) -> list[Diagnostic]:
    """Check the social drafts among the outputs and every item's social settings."""
    platforms = drafted_platforms(site.settings)
    findings = list(_long_generated_drafts(site, outputs))
    project_findings: dict[str, Diagnostic] = {}
    for item in _items(site):
        findings += _overrides(site, item, platforms)
        for finding in _hashtags(site, item, platforms):
            if finding.where and finding.where.path == Path(SETTINGS_FILE):
                project_findings.setdefault(finding.message, finding)
            else:
                findings.append(finding)
        findings += _image(site, item, platforms)
    return [*project_findings.values(), *findings]


def _items(site: Site) -> list[NewsItem]:
    """Published items and the items of every issue (also those not published yet), each once."""
    items = {item.slug: item for item in site.published}
    for edition in site.editions:
        items.update((item.slug, item) for item in edition.items if item.slug not in items)
    return [item for item in items.values() if not item.social_skip]


def _long_generated_drafts(site: Site, outputs: Sequence[Output]) -> Iterator[Diagnostic]:
    """Generated drafts over their limit: only when not even the shortest form fits."""
    output = next((output for output in outputs if output.path.as_posix() == JSON_PATH), None)
    if output is None:
        return
    items = {item.slug: item for item in site.published}
    reported: set[tuple[str, str]] = set()
    for record in json.loads(output.data):
        item = items.get(record["item"])
        platform = record["platform"]
        kind = record.get("kind", "post")
        own = kind in item.social_kinds.get(platform, {}) or (platform in item.social and kind in ("post", "announce")) \
            if item is not None else False
        if item is None or own or fits(platform, record["text"], record["limit"]):
            continue
        if (item.slug, platform) in reported:  # an event's other kinds are too long for the same reason
            continue
        reported.add((item.slug, platform))
        label = platform_rules(platform).label
        yield error("social-too-long", _key_location(site, item, "title"),
                    f"the {label} post is {record['length']} long, over its limit of {record['limit']}, "
                    "even with the summary and hashtags left out and the title cut",
                    f"shorten the title, or write the post in 'social: {{{platform}: ...}}'")


def _own_texts(item: NewsItem) -> Iterator[tuple[str, str, str]]:
    """The item's own texts: (platform, dotted key, text), for each kind written as a table."""
    for platform in sorted({*item.social, *item.social_kinds}):
        kinds = item.social_kinds.get(platform)
        if kinds is None:
            yield platform, f"social.{platform}", item.social[platform]
        else:
            yield from ((platform, f"social.{platform}.{kind}", text) for kind, text in kinds.items())


def _overrides(site: Site, item: NewsItem, platforms: tuple[str, ...]) -> Iterator[Diagnostic]:
    for platform, key, text in _own_texts(item):
        if not text:
            continue
        rules = platform_rules(platform)
        where = locate(site.root, item.source, key)
        if platform not in platforms:
            yield warning("social-override-unused", where,
                          f"'{key}' is not used: the project has no {rules.label} account",
                          f"add {platform} to [social] accounts in {SETTINGS_FILE}, or remove the text")
            continue
        limit = post_limit(site.settings, platform)
        if not fits(platform, text, limit):
            if not rules.has_threads:
                yield error("social-thread-not-supported", where,
                            f"'{key}' is {measure(platform, text)} characters, over {rules.label}'s "
                            f"limit of {limit}, and {rules.label} has no threads",
                            "shorten the text")
            else:
                try:
                    split_thread(platform, text, limit)
                except UnsplittableTextError as exc:
                    yield error("social-too-long", where, f"'{key}' cannot become a thread: {exc.message}",
                                exc.hint)
        tags = _HASHTAG.findall(text)
        if platform == "threads" and len(tags) > 1:
            yield warning("threads-one-tag", where,
                          f"'social.threads' has {len(tags)} hashtags; Threads links only the first as a topic tag",
                          "keep one hashtag")
        for tag in tags:
            problem = _hashtag_problem(platform, tag)
            if problem:
                yield warning("long-hashtag", where, f"#{tag} in '{key}' {problem}", "use a shorter hashtag")


def _hashtags(site: Site, item: NewsItem, platforms: tuple[str, ...]) -> Iterator[Diagnostic]:
    """Hashtags of generated posts that a platform does not link, at the tag (or setting) that makes them."""
    hashtags = project_and_item_hashtags(site.settings, item)
    from_project = {camel_hashtag(tag) for tag in site.settings.social.hashtags}
    for platform in platforms:
        if platform not in HASHTAG_LIMITS or platform in item.social:
            continue
        used = hashtags[:1] if platform == "threads" else hashtags  # the theme's Threads post has one
        for hashtag in used:
            problem = _hashtag_problem(platform, hashtag[1:])
            if not problem:
                continue
            if hashtag in from_project:
                yield warning("long-hashtag", site.settings.where("social.hashtags"),
                              f"{hashtag} from [social] hashtags {problem}", "use a shorter hashtag")
            else:
                yield warning("long-hashtag", _key_location(site, item, "tags"),
                              f"tag becoming {hashtag} {problem}", "use a shorter tag")


def _hashtag_problem(platform: str, tag: str) -> str | None:
    if platform not in HASHTAG_LIMITS:
        return None
    longest, unit, count = HASHTAG_LIMITS[platform]
    label = platform_rules(platform).label
    if count(tag) > longest or (platform == "bluesky" and utf8_length(tag) > BLUESKY_TAG_BYTES):
        return f"is {count(tag)} {unit} long; {label} links hashtags of up to {longest}"
    return None


def _image(site: Site, item: NewsItem, platforms: tuple[str, ...]) -> Iterator[Diagnostic]:
    if item.image is None:
        return
    alt = item.image_alt or ""
    short = [f"{platform_rules(p).label} ({limit:,})" for p, limit in ALT_TEXT_LIMITS.items()
             if p in platforms and len(alt) > limit]
    if short:
        yield warning("long-alt-text", _key_location(site, item, "image_alt"),
                      f"the alt text is {len(alt):,} characters, more than {', '.join(short)} takes",
                      "shorten 'image_alt'")
    path = site.root / "content" / item.image
    if is_web_address(item.image) or not path.is_file():
        return
    size = path.stat().st_size
    large = [f"{platform_rules(p).label} ({limit:,} bytes)" for p, limit in IMAGE_LIMITS.items()
             if p in platforms and size > limit]
    if large:
        yield warning("social-image-too-large", _key_location(site, item, "image"),
                      f"content/{item.image} is {size:,} bytes, more than {', '.join(large)} takes",
                      "save it smaller (JPEG, at most 2000 pixels wide)")


def override_location(site: Site, item: NewsItem, platform: str) -> SourceLocation:
    """The line of `social: {platform: ...}` in the item's front matter, else of `social:`."""
    return locate(site.root, item.source, f"social.{platform}")


def _key_location(site: Site, item: NewsItem, key: str) -> SourceLocation:
    return locate(site.root, item.source, key)
