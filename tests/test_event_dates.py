"""An event's time and place read the same on its web page, its issue's page and in the email: one formatting."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from newsletter.build import BuildOptions, build_project

from .conftest import PUBLISHABLE_SETTINGS

EVENTS = {
    "one afternoon": ("start: 2024-01-20T14:00:00+01:00\n  end: 2024-01-20T15:30:00+01:00\n  location: Online",
                      "20 January 2024, 14:00–15:30 CET, Online"),
    "several days": ("start: 2024-01-15\n  end: 2024-01-19\n  location: Paderborn", "15–19 January 2024, Paderborn"),
    "across months": ("start: 2024-01-30\n  end: 2024-02-02", "30 January – 2 February 2024"),
    "timed days": ("start: 2024-01-20T09:00:00+01:00\n  end: 2024-01-21T17:00:00+01:00",
                   "20 January 2024, 09:00 CET – 21 January 2024, 17:00 CET"),
}


@pytest.mark.parametrize("name", EVENTS)
def test_every_channel_writes_an_events_time_and_place_alike(make_project, name: str):
    block, expected = EVENTS[name]
    root = make_project({
        "newsletter.toml": PUBLISHABLE_SETTINGS,
        "content/news/2024-01-10-first-item.md": f"---\ntitle: A meeting\ndate: 2024-01-10\ntype: event\n"
                                                 f"summary: A meeting of the project.\nevent:\n  {block}\n---\nBody.\n",
    })
    out = build_project(root, BuildOptions(as_of=date(2024, 12, 31))).out_dir
    for page in ("news/first-item/index.html", "issues/issue-1/index.html"):
        shown = lxml.html.parse(str(out / page)).xpath("//*[@class='event-when']")
        assert [" ".join(element.text_content().split()) for element in shown] == [expected], page
    email = " ".join(lxml.html.parse(str(out / "issues/issue-1/email.html")).getroot().text_content().split())
    assert expected in email
