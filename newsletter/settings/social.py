"""[social]: hashtags, accounts and length limits of the social drafts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from newsletter.settings.doc import KeyDoc, TableDoc
from newsletter.settings.reader import SettingsTable, TableReader, control_characters

PLATFORMS = ("x", "mastodon", "bluesky", "linkedin", "threads")


@dataclass(frozen=True, slots=True)
class SocialSettings:
    hashtags: tuple[str, ...] = ()
    accounts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    limits: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


def read_social(top: TableReader) -> SocialSettings:
    table = top.table("social")
    hashtags = table.get("hashtags", list, [])
    if not all(isinstance(tag, str) and not control_characters(tag) for tag in hashtags):
        table.problems.append("'social.hashtags' must be a list of text")
        hashtags = []
    limits = table.get("limits", dict, {})
    for platform, limit in sorted(limits.items()):
        if platform not in PLATFORMS or not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            table.problems.append(f"'social.limits.{platform}' must be a platform with a positive whole number")
    return SocialSettings(
        hashtags=tuple(tag.lstrip("#") for tag in hashtags),
        accounts=table.text_map("accounts", PLATFORMS),
        limits=MappingProxyType({k: v for k, v in sorted(limits.items()) if k in PLATFORMS and isinstance(v, int)}),
    )


DOC = TableDoc("social", "Social media drafts: written for each item, reviewed and posted by a person.",
                  "#social-drafts", (
    KeyDoc("hashtags", "Hashtags added to every post, without the #.", '["Acme"]', active=True),
    KeyDoc("accounts", "The project's accounts; drafts are written for these platforms (all when none is set).",
           '{ x = "@acme", mastodon = "@acme@mastodon.social", bluesky = "@acme.bsky.social", linkedin = "acme" }'),
    KeyDoc("limits", "Characters per post where your server allows other than the usual limit.", "{ mastodon = 500 }"),
))

TABLE = SettingsTable("social", read_social, free_form=("social.accounts.", "social.limits."), doc=DOC)
