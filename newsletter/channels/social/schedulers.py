"""The drafts as Buffer's and Hootsuite's bulk uploads take them: one file per platform and tool.

An upload goes to the channels (profiles) chosen in the tool, so each platform has its own file.
Only posts planned for the build's reference day or later are in them: a scheduler refuses a
time in the past. Neither tool's bulk upload makes threads, so a thread's parts are rows five
minutes apart, to be joined into a thread in the tool's composer (the review sheet says so).

Buffer, "How to upload posts in bulk to Buffer"
(https://support.buffer.com/article/926-how-to-upload-posts-in-bulk-to-buffer): a header row
`Text,Image URL,Tags,Posting Time` (case-sensitive), one post per row, Text or Image URL set,
Posting Time as `YYYY-MM-DD HH:mm` (24-hour) in the channel's own time zone, one image URL ending
in an image extension, Tags the workspace's own tags (left empty), at most 100 posts per channel
and upload (10 on the free plan). There is no link column: a link goes in the text.

Hootsuite, "Schedule posts in bulk" (https://help.hootsuite.com/s/article/bulk-schedule): no
header row; column A the date and time in the format chosen at upload (here `mm/dd/yyyy hh:mm`,
24-hour, in the account's time zone, minutes ending in 0 or 5), B the message, C an optional
link; up to 350 posts, each text once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from newsletter.csvfiles import csv_text
from newsletter.outputs import Output, text_output
from newsletter.channels.social.posts import Draft, drafted_platforms, is_past, post_limit
from newsletter.site import Site
from newsletter.platforms.counting import fits

BUFFER_HEADER = ("Text", "Image URL", "Tags", "Posting Time")
BUFFER_TIME = "%Y-%m-%d %H:%M"
HOOTSUITE_TIME = "%m/%d/%Y %H:%M"
PART_GAP = dt.timedelta(minutes=5)


def upcoming(site: Site, drafts: Sequence[Draft], platform: str) -> list[Draft]:
    """The platform's drafts planned for the reference day or later, in time order."""
    mine = [draft for draft in drafts if draft.platform == platform and not is_past(draft, site.as_of)]
    return sorted(mine, key=lambda draft: (posting_time(draft), draft.item.slug, draft.part or 0))


def posting_time(draft: Draft) -> dt.datetime:
    """When the draft goes out: its planned time, a thread's later parts five minutes apart each."""
    return dt.datetime.fromisoformat(draft.scheduled_at) + PART_GAP * ((draft.part or 1) - 1)


def text_with_link(site: Site, draft: Draft) -> str:
    """The text to schedule: on Bluesky, whose drafts keep the link in the card, the link is added when it fits."""
    if draft.platform != "bluesky" or draft.part not in (None, 1):
        return draft.text
    with_link = f"{draft.text}\n\n{draft.url}"
    return with_link if fits("bluesky", with_link, post_limit(site.settings, "bluesky")) else draft.text


def image_url(site: Site, draft: Draft) -> str:
    item = draft.item
    return site.asset_url(item.image) if item.image and draft.part in (None, 1) else ""


def buffer_csv(site: Site, drafts: Sequence[Draft]) -> str:
    """One platform's drafts in Buffer's bulk-upload layout."""
    rows = [(text_with_link(site, draft), image_url(site, draft), "", posting_time(draft).strftime(BUFFER_TIME))
            for draft in drafts]
    return csv_text(BUFFER_HEADER, rows)


def hootsuite_csv(site: Site, drafts: Sequence[Draft]) -> str:
    """One platform's drafts in Hootsuite's bulk-schedule layout: date, message, link; no header."""
    rows = [(posting_time(draft).strftime(HOOTSUITE_TIME), draft.text,
             draft.url if draft.platform == "bluesky" and draft.part in (None, 1) else "")
            for draft in drafts]
    return csv_text(None, rows)


def scheduler_files(site: Site, drafts: Sequence[Draft]) -> Iterator[Output]:
    """`social/buffer-<platform>.csv` and `social/hootsuite-<platform>.csv` for every platform drafted."""
    for platform in drafted_platforms(site.settings):
        mine = upcoming(site, drafts, platform)
        yield text_output(f"social/buffer-{platform}.csv", "social-buffer", buffer_csv(site, mine))
        yield text_output(f"social/hootsuite-{platform}.csv", "social-hootsuite", hootsuite_csv(site, mine))
