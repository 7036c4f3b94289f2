"""Compose what an item says on one platform: its theme template filled in, shortened until it fits.

A generated post is the platform's template (`social/<platform>.txt`) filled with the item's
title, summary, tagged link, hashtags and partner mentions, then shortened by `fit`. An
override from the item's `social:` front matter replaces the generated text; one that is too long
becomes a numbered thread where the platform has threads.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from newsletter.content.models import NewsItem
from newsletter.urls import utm_params, utm_tagger
from newsletter.channels.social.fit import Meter, Pieces, fit, tidy
from newsletter.channels.social.posts import Draft, PartnerFinder, Post, drafted_platforms, post_limit
from newsletter.settings.load import Settings
from newsletter.settings.partners import Partner
from newsletter.site import Site
from newsletter.platforms import linkedin
from newsletter.platforms.counting import api_text, fits, platform_rules, utf8_length
from newsletter.channels.social.plan import EventFacts, Slot, event_facts, posting_slots
from newsletter.platforms.splitting import UnsplittableTextError, split_thread
from newsletter.templates import Templates

# On X a post is its hook: the title and the link read better alone than with half a sentence.
WHOLE_SENTENCES = frozenset({"x"})
_TAG_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_LETTER = regex.compile(r"\p{L}")


def camel_hashtag(tag: str) -> str | None:
    """Write a tag as a CamelCase hashtag: "battery research" -> "#BatteryResearch"; None without letters."""
    words = _TAG_WORD.findall(tag)
    # Capitalised words are easier to read, and screen readers say them as words; "FAIR" or "iPhone" stay.
    name = "".join(word[0].upper() + word[1:] if word.islower() else word for word in words)
    return "#" + name if _LETTER.search(name) else None


def project_and_item_hashtags(settings: Settings, item: NewsItem) -> tuple[str, ...]:
    """The project's hashtags, then the item's tags, as hashtags without repeats (ignoring case)."""
    seen: set[str] = set()
    hashtags: list[str] = []
    for tag in (*settings.social.hashtags, *item.tags):
        hashtag = camel_hashtag(tag)
        if hashtag and hashtag.casefold() not in seen:
            seen.add(hashtag.casefold())
            hashtags.append(hashtag)
    return tuple(hashtags)


def tagged_link(site: Site, item: NewsItem, platform: str) -> str:
    """The item's address with `utm_source=<platform>`, `utm_medium=social`, `utm_campaign=<slug>`."""
    return utm_tagger(utm_params({"source": platform, "medium": "social"}, item.slug))(site.item_url(item))


@dataclass(frozen=True, slots=True)
class Mention:
    """A partner as one platform's post names it."""

    partner: Partner
    text: str  # as written in the post; on LinkedIn, `@[Name](urn:li:...)` for a real mention
    by_hand: bool = False  # LinkedIn page known only by name: tag it in the composer


def mention(partner: Partner, platform: str) -> Mention:
    """The partner's handle on the platform, or its short name where it has none."""
    handle = partner.handles.get(platform)
    if platform == "linkedin":
        # LinkedIn's API mentions organisations by URN, shown under their exact name; a page
        # address or vanity name cannot be mentioned in text, so the reviewer tags it by hand.
        if handle and handle.startswith("urn:li:"):
            return Mention(partner, f"@[{linkedin.escape(partner.name)}]({handle})")
        return Mention(partner, partner.short, by_hand=bool(handle))
    if handle:
        return Mention(partner, handle if handle.startswith("@") else "@" + handle)
    return Mention(partner, partner.short)


def make_draft(item: NewsItem, platform: str, written: str, limit: int, url: str,
               thread: str | None = None, part: int | None = None, slot: Slot | None = None) -> Draft:
    """A draft from text as written (on LinkedIn possibly with API mentions), counted by the platform's rules."""
    rules = platform_rules(platform)
    shown = linkedin.displayed_text(written) if platform == "linkedin" else written
    for_api = api_text(platform, written)
    length = rules.length(written)  # once: counting X exactly is slow
    over = length > limit or (rules.byte_limit is not None and utf8_length(written) > rules.byte_limit)
    kind, when = (slot.kind, slot.at.isoformat()) if slot is not None else ("post", "")
    return Draft(item, platform, shown, length, limit, url, thread, part, for_api if for_api != shown else None, over,
                 kind, when)


def thread_id(item: NewsItem, platform: str, kind: str) -> str:
    """A thread's id: unique per item, platform and kind (a `post` keeps the id it had before kinds)."""
    return f"{item.slug}-{platform}" if kind == "post" else f"{item.slug}-{platform}-{kind}"


def override_post(item: NewsItem, platform: str, text: str, limit: int, url: str, slot: Slot | None = None) -> Post:
    """The item's own text for the platform: as written, or as a thread when too long for one post."""
    rules = platform_rules(platform)
    kind = slot.kind if slot is not None else "post"

    def one(note: tuple[str, ...] = ()) -> Post:
        return Post(item, platform, (make_draft(item, platform, text, limit, url, slot=slot),), True, note, kind)

    if fits(platform, text, limit):
        return one()
    if not rules.has_threads:
        return one((f"over {rules.label}'s limit of {limit}, and {rules.label} has no threads: shorten this text",))
    try:
        parts = split_thread(platform, text, limit)
    except UnsplittableTextError as exc:
        return one((exc.message,))
    thread = thread_id(item, platform, kind)
    drafts = tuple(make_draft(item, platform, part, limit, url, thread, number, slot)
                   for number, part in enumerate(parts, 1))
    return Post(item, platform, drafts, True, (f"too long for one post: a thread of {len(drafts)} posts",), kind)


class Composer:
    """Compose the posts of a site's items, each platform from its theme template `social/<platform>.txt`."""

    def __init__(self, site: Site, templates: Templates):
        self.site = site
        self.templates = templates
        self.platforms = drafted_platforms(site.settings)
        self.named_partners = PartnerFinder(site.settings.partners)  # which partners an item names
        # The same for each of an item's posts on a platform (announce, reminder, ...): made once.
        self._links: dict[tuple[str, str], str] = {}
        self._hashtags: dict[str, tuple[str, ...]] = {}

    def posts(self, item: NewsItem, named: Sequence[Partner] | None = None) -> tuple[Post, ...]:
        """The item's posts on every platform the project uses, each kind in the plan; none for `social: false`.

        `named`: the partners the item names, when the caller knows them (see `named_partners`)."""
        if item.social_skip:
            return ()
        named = self.named_partners(item) if named is None else named
        settings = self.site.settings
        slots = posting_slots(item, settings.social.schedule, settings.project.tz)
        facts = event_facts(item, settings.project.tz, settings.social.schedule, settings.project.language)
        return tuple(post for platform in self.platforms for slot in slots
                     if (post := self.post(item, platform, named, slot, facts)) is not None)

    def post(self, item: NewsItem, platform: str, named: Sequence[Partner], slot: Slot | None,
             facts: EventFacts | None) -> Post | None:
        """The item's post of one kind on one platform; None when its own text for it is empty."""
        limit = post_limit(self.site.settings, platform)
        if (item.slug, platform) not in self._links:
            self._links[item.slug, platform] = tagged_link(self.site, item, platform)
        url = self._links[item.slug, platform]
        kind = slot.kind if slot is not None else "post"
        own = item.social_kinds.get(platform, {})
        if item.social.get(platform) == "" and not own:
            return None  # `social: {x: ""}`: no posts on that platform
        text = own[kind] if kind in own else item.social.get(platform) if kind in ("post", "announce") else None
        if text is not None:
            return override_post(item, platform, text, limit, url, slot) if text else None
        return self.generated(item, platform, limit, url, [mention(partner, platform) for partner in named], slot, facts)

    def generated(self, item: NewsItem, platform: str, limit: int, url: str, mentions: list[Mention],
                  slot: Slot | None, facts: EventFacts | None) -> Post:
        """Fill the platform's template and shorten it until it fits (`facts`: the item's event_facts)."""
        settings = self.site.settings
        if item.slug not in self._hashtags:
            self._hashtags[item.slug] = project_and_item_hashtags(settings, item)
        hashtags = self._hashtags[item.slug][: settings.social.hashtags_max.get(platform, 5)]
        full = Pieces(item.title, " ".join(item.summary.split()), hashtags, tuple(m.text for m in mentions))
        name = f"social/{platform}.txt"
        kind = slot.kind if slot is not None else "post"

        @functools.cache  # the pieces that fit are rendered while fitting, then again as the draft
        def render(pieces: Pieces) -> str:
            text = self.templates.render(
                name, site=self.site, settings=settings, item=item, platform=platform,
                limit=limit, url=url, title=pieces.title, summary=pieces.summary,
                hashtags=list(pieces.hashtags), mentions=list(pieces.mentions), kind=kind, event=facts,
            )
            return tidy(text)

        whole = platform in WHOLE_SENTENCES
        pieces, notes = fit(render, full, Meter(platform, limit), whole)
        draft = make_draft(item, platform, render(pieces), limit, url, slot=slot)
        by_hand = [f"{m.partner.short} ({m.partner.handles[platform]})"
                   for m in mentions if m.by_hand and m.text in pieces.mentions]
        if by_hand:
            notes.append("tag by hand in LinkedIn's composer: " + ", ".join(by_hand))
        return Post(item, platform, (draft,), notes=tuple(notes), kind=kind)
