"""An item's `social:` front matter: its own text per platform, or per kind of post, or `false`."""

from __future__ import annotations

from typing import Any

from newsletter.content.fields import Fields
from newsletter.diagnostics import closest
from newsletter.errors import FieldError
from newsletter.settings.social import PLATFORMS


def read_social_block(fields: Fields) -> tuple[dict[str, str], dict[str, dict[str, str]], bool]:
    """`social:` as (text per platform, texts per platform and kind from the table form, skip)."""
    value = fields.raw("social")
    if value is None:
        return {}, {}, False
    if value is False:
        return {}, {}, True
    if not isinstance(value, dict):
        raise fields.fail("social", "'social' must be a map of platform to text, or false", "write 'social: false'")
    texts: dict[str, str] = {}
    kinds: dict[str, dict[str, str]] = {}
    for platform in sorted(value, key=str):
        text = value[platform]
        if isinstance(text, dict) and platform in PLATFORMS:
            kinds[platform] = _social_kinds(fields, platform, text)
            main = kinds[platform].get("post", kinds[platform].get("announce"))
            if main is not None:
                texts[platform] = main
            continue
        if platform not in PLATFORMS or not isinstance(text, str):
            meant = closest(str(platform), PLATFORMS) if platform not in PLATFORMS else None
            raise FieldError(f"'social.{platform}' must be text for one of {', '.join(PLATFORMS)}",
                             fields.document.where(f"social.{platform}"),
                             f"did you mean '{meant}:'?" if meant else "write 'social: {mastodon: \"Text\"}'")
        texts[platform] = text.strip()
    return texts, kinds, False


SOCIAL_KINDS = ("post", "announce", "reminder", "today")


def _social_kinds(fields: Fields, platform: str, table: dict[Any, Any]) -> dict[str, str]:
    """`social: {x: {announce: ..., reminder: ..., today: ...}}`: one text per kind of post."""
    texts: dict[str, str] = {}
    for kind in sorted(table, key=str):
        if kind not in SOCIAL_KINDS or not isinstance(table[kind], str):
            meant = closest(str(kind), SOCIAL_KINDS) if kind not in SOCIAL_KINDS else None
            raise FieldError(f"'social.{platform}.{kind}' must be text for one of {', '.join(SOCIAL_KINDS)}",
                             fields.document.where(f"social.{platform}.{kind}"),
                             f"did you mean '{meant}:'?" if meant else f"write 'social: {{{platform}: {{announce: \"Text\"}}}}'")
        texts[kind] = table[kind].strip()
    return texts
