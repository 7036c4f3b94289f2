"""What a Bluesky post needs beside its text: the link card and the facets, by the AT Protocol's rules.

Bluesky's own composer puts a shared link in the post's external embed (`app.bsky.embed.external`:
`uri`, `title`, `description` and a `thumb` blob of at most 1,000,000 bytes), so the link costs
the text nothing. Hashtags and any link left in the text are rich-text facets
(`app.bsky.richtext.facet`): UTF-8 byte ranges, start inclusive, end exclusive, never overlapping;
a tag is written without its "#", at most 64 graphemes and 640 bytes. Mentions need the account's
DID, which only the network knows: they are listed with their byte ranges for the posting tool to
resolve. Lexicons: bluesky-social/atproto, lexicons/app/bsky/feed/post.json,
richtext/facet.json, embed/external.json.
"""

from __future__ import annotations

from typing import Any

import regex

from newsletter.channels.social.posts import Draft
from newsletter.share_card import ShareImage
from newsletter.site import Site
from newsletter.platforms.counting import grapheme_count, utf8_length

THUMB_MAX_BYTES = 1_000_000  # app.bsky.embed.external#external.thumb maxSize
TAG_MAX_GRAPHEMES = 64
TAG_MAX_BYTES = 640
FACET = "app.bsky.richtext.facet"

# As the Bluesky app detects them (packages/api/src/rich-text/util.ts): a tag after a space or at the
# start, trailing punctuation not part of it, digits alone no tag; a link with a scheme; a handle.
_TAG = regex.compile(r"(?:^|(?<=\s))[#＃](?P<tag>[^\s\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2]+)")
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_LINK = regex.compile(r"(?:^|(?<=[\s(]))(?P<uri>https?://[^\s]+?)(?=[.,;:!?)\"']*(?:\s|$))")
_MENTION = regex.compile(r"(?:^|(?<=[\s(]))@(?P<handle>(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                         r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)\b")


def _byte_slice(text: str, start: int, end: int) -> dict[str, int]:
    """A character range of `text` as the lexicon's byteSlice."""
    before = utf8_length(text[:start])
    return {"byteStart": before, "byteEnd": before + utf8_length(text[start:end])}


def facets(text: str) -> list[dict[str, Any]]:
    """The post's tag and link facets, in text order."""
    found: list[tuple[int, dict[str, Any]]] = []
    for match in _TAG.finditer(text):
        tag = _TRAILING_PUNCTUATION.sub("", match.group("tag"))
        if not tag or tag.isdigit() or grapheme_count(tag) > TAG_MAX_GRAPHEMES or utf8_length(tag) > TAG_MAX_BYTES:
            continue
        start = match.start()
        found.append((start, {"index": _byte_slice(text, start, start + 1 + len(tag)),
                              "features": [{"$type": f"{FACET}#tag", "tag": tag}]}))
    for match in _LINK.finditer(text):
        found.append((match.start("uri"), {"index": _byte_slice(text, match.start("uri"), match.end("uri")),
                                           "features": [{"$type": f"{FACET}#link", "uri": match.group("uri")}]}))
    return [facet for _, facet in sorted(found, key=lambda pair: pair[0])]


def mentions(text: str) -> list[dict[str, Any]]:
    """The handles the text mentions, with their byte ranges, for the posting tool to resolve to DIDs."""
    return [{"handle": match.group("handle"), "index": _byte_slice(text, match.start(), match.end())}
            for match in _MENTION.finditer(text)]


def bluesky_fields(site: Site, draft: Draft, image: ShareImage) -> dict[str, Any]:
    """drafts.json's Bluesky keys: `facets`, `mentions`, `card` (the external embed, `image` its thumb) and `langs`."""
    item = draft.item
    fields: dict[str, Any] = {"facets": facets(draft.text), "mentions": mentions(draft.text)}
    if draft.part in (None, 1):
        fields["card"] = {"uri": draft.url, "title": item.title, "description": item.summary, "thumb": image.url}
    fields["langs"] = [site.settings.project.language]
    return fields
