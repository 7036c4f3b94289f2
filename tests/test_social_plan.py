"""The posting plan, hashtag budgets, sentence-aware cuts, Bluesky records and the scheduler files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, load_site
from newsletter.content.models import Event, ItemType, NewsItem
from newsletter.outputs import Output
from newsletter.channels.social.fit import Meter, Pieces, fit
from newsletter.platforms.shortening import cuts, sentence_breaks
from newsletter.settings.social import HASHTAGS_MAX, PostingSchedule
from newsletter.platforms.counting import grapheme_count, utf8_length
from newsletter.channels.social.plan import posting_slots

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, MakeProject
from .test_social_drafts import ITEM_FILE, drafts_of, item, render_social

LUX = ZoneInfo("Europe/Luxembourg")
ZONES = ["Europe/Luxembourg", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC", "Pacific/Chatham"]


def an_item(day: dt.date, tz: ZoneInfo, start: dt.date | dt.datetime | None = None) -> NewsItem:
    kind = ItemType.EVENT if start is not None else ItemType.NEWS
    event = Event(start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time(0), tz)) if start else None
    return NewsItem(Path("content/news/x.md"), "x", "Title", dt.datetime.combine(day, dt.time(0), tz), "Summary.", "",
                    type=kind, event=event)


@pytest.fixture(scope="module")
def example() -> dict[str, Output]:
    return render_social(REPO)


# The plan: kinds, days and times, in the project's time zone, across daylight-saving changes.

def test_an_event_is_announced_reminded_and_posted_on_the_day_at_the_wall_clock_time_across_dst():
    # Clocks go forward on 31 March 2024 in Luxembourg: the reminder is in winter time, the day in summer time.
    slots = posting_slots(an_item(dt.date(2024, 3, 1), LUX, dt.date(2024, 3, 31)), PostingSchedule(), LUX)
    assert [(slot.kind, slot.at.isoformat()) for slot in slots] == [
        ("announce", "2024-03-17T10:00:00+01:00"),
        ("reminder", "2024-03-30T10:00:00+01:00"),
        ("today", "2024-03-31T10:00:00+02:00"),
    ]


def test_a_time_the_clocks_skip_becomes_the_moment_after():
    schedule = PostingSchedule(time=dt.time(2, 30))
    [slot] = posting_slots(an_item(dt.date(2024, 3, 31), LUX), schedule, LUX)
    assert slot.at.isoformat() == "2024-03-31T03:30:00+02:00"


def test_an_event_starting_early_is_posted_an_hour_before_it_starts_in_the_project_zone():
    # 08:30 in New York is 14:30 in Luxembourg: the day's post stays at 10:00 there.
    start = dt.datetime(2024, 11, 5, 8, 30, tzinfo=ZoneInfo("America/New_York"))
    slots = posting_slots(an_item(dt.date(2024, 10, 1), LUX, start), PostingSchedule(), LUX)
    assert slots[-1].at.isoformat() == "2024-11-05T10:00:00+01:00"
    start = dt.datetime(2024, 11, 5, 9, 0, tzinfo=LUX)
    slots = posting_slots(an_item(dt.date(2024, 10, 1), LUX, start), PostingSchedule(), LUX)
    assert slots[-1].at.isoformat() == "2024-11-05T08:00:00+01:00"


def test_an_event_reported_after_it_began_is_one_post_on_the_item_day():
    slots = posting_slots(an_item(dt.date(2024, 4, 2), LUX, dt.date(2024, 3, 31)), PostingSchedule(), LUX)
    assert [(slot.kind, slot.at.date()) for slot in slots] == [("post", dt.date(2024, 4, 2))]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    published=st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
    lead=st.integers(0, 60),
    announce=st.integers(0, 30),
    remind=st.integers(0, 5),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 5, 30, 55]),
)
def test_the_plan_keeps_its_order_its_wall_clock_and_never_posts_before_the_item(
        zone: str, published: dt.date, lead: int, announce: int, remind: int, hour: int, minute: int):
    tz = ZoneInfo(zone)
    schedule = PostingSchedule(dt.time(hour, minute), announce, remind)
    start = published + dt.timedelta(days=lead)
    slots = posting_slots(an_item(published, tz, start), schedule, tz)
    kinds = [slot.kind for slot in slots]
    assert kinds[-1] == "today" and len(set(kinds)) == len(kinds)
    assert kinds == [kind for kind in ("announce", "reminder", "today") if kind in kinds]
    assert [slot.at for slot in slots] == sorted(slot.at for slot in slots)
    item_start = dt.datetime.combine(published, dt.time(0), tz)
    for slot in slots:
        assert slot.at.tzinfo is tz and slot.at.utcoffset() == tz.utcoffset(slot.at.replace(tzinfo=None))
        assert slot.at >= item_start and slot.at.date() <= start
        assert slot.at.minute % 5 == 0
        day = {"announce": start - dt.timedelta(days=announce), "reminder": start - dt.timedelta(days=remind),
               "today": start}[slot.kind]
        assert slot.at.date() == max(day, published)
        wall = slot.at.replace(tzinfo=None)
        if wall.date() != published and dt.datetime.combine(wall.date(), schedule.time).replace(tzinfo=tz) \
                .astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None) == dt.datetime.combine(wall.date(), schedule.time):
            assert wall.time() == schedule.time  # on the clock, unless the clocks skip that time


def test_example_plan_is_unique_marks_the_past_and_keeps_future_posts(example: dict[str, Output]):
    drafts = drafts_of(example)
    keys = [(d["item"], d["platform"], d["kind"], d.get("part")) for d in drafts]
    assert len(keys) == len(set(keys))
    for draft in drafts:
        when = dt.datetime.fromisoformat(draft["scheduled_at"])
        assert when.utcoffset() == LUX.utcoffset(when.replace(tzinfo=None))
        assert draft["past"] is (when.date() < EXAMPLE_AS_OF)
    webinar = {(d["platform"], d["kind"]): d for d in drafts if d["item"] == "webinar-operando-characterisation"}
    assert webinar[("x", "announce")]["scheduled_at"] == "2025-01-22T10:00:00+01:00"
    assert webinar[("x", "reminder")]["scheduled_at"] == "2025-02-04T10:00:00+01:00"
    assert webinar[("x", "today")]["scheduled_at"] == "2025-02-05T10:00:00+01:00"
    assert not webinar[("x", "today")]["past"]
    assert webinar[("x", "announce")]["text"].startswith("Save the date: 5 February 2025, 14:00–15:30 CET, Online\n")
    assert webinar[("x", "reminder")]["text"].startswith("Tomorrow: ")
    assert webinar[("x", "today")]["text"].startswith("Today: ")
    paper = [d for d in drafts if d["item"] == "isotope-labelling-interphase-paper"]
    assert {d["kind"] for d in paper} == {"post"} and paper[0]["scheduled_at"] == "2024-04-16T10:00:00+02:00"


def test_schedule_settings_change_the_plan_and_bad_ones_are_errors(make_project: MakeProject):
    event = "type: event\nevent:\n  start: 2024-02-20T18:00:00+01:00\n"
    root = make_project({
        "newsletter.toml": MINIMAL_SETTINGS + '\n[social]\nschedule = { time = "08:15", announce_days = 7, reminder_days = 2 }\n',
        ITEM_FILE: item(extra=event),
    })
    drafts = [d for d in drafts_of(render_social(root, dt.date(2024, 1, 10))) if d["platform"] == "x"]
    assert [(d["kind"], d["scheduled_at"]) for d in drafts] == [
        ("announce", "2024-02-13T08:15:00+01:00"), ("reminder", "2024-02-18T08:15:00+01:00"),
        ("today", "2024-02-20T08:15:00+01:00")]
    for bad in ('time = "8h"', 'time = "10:03"', "announce_days = -1"):
        root = make_project({"newsletter.toml": MINIMAL_SETTINGS + f"\n[social]\nschedule = {{ {bad} }}\n"},
                            name=f"bad-{len(bad)}")
        with pytest.raises(Exception, match=r"social\.schedule\."):
            load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))


def test_own_text_per_kind_replaces_that_kind_only(make_project: MakeProject):
    event = ("type: event\nevent:\n  start: 2024-02-20\nsocial:\n  mastodon:\n    reminder: See you tomorrow!\n"
             "  x: Our own announcement\n")
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS, ITEM_FILE: item(extra=event)})
    drafts = {(d["platform"], d["kind"]): d["text"] for d in drafts_of(render_social(root, dt.date(2024, 1, 10)))}
    assert drafts[("mastodon", "reminder")] == "See you tomorrow!"
    assert drafts[("x", "announce")] == "Our own announcement"
    assert drafts[("x", "reminder")].startswith("Tomorrow: ") and drafts[("mastodon", "today")].startswith("Today: ")


# Hashtag budgets.

def test_each_platform_keeps_to_its_hashtag_budget_the_project_tags_first(example: dict[str, Output],
                                                                           make_project: MakeProject):
    for draft in drafts_of(example):
        if draft["item"] in ("general-meeting-nantes",):  # its own texts
            continue
        tags = re.findall(r"(?<!\S)#\w+", draft["text"])
        assert len(tags) <= HASHTAGS_MAX[draft["platform"]], draft
        assert tags[:1] in ([], ["#OPINCHARGE"])
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + '\n[social]\nhashtags = ["A1", "B2"]\n'
                         'hashtags_max = { x = 0, linkedin = 1 }\n', ITEM_FILE: item(extra="tags: [Cee]\n")})
    drafts = {d["platform"]: d["text"] for d in drafts_of(render_social(root))}
    assert "#" not in drafts["x"] and drafts["linkedin"].endswith("\n#A1")
    assert drafts["mastodon"].endswith("#A1 #B2 #Cee")


# The one shortening routine: whole sentences first, a cut inside a sentence ends with "…".

WORDS = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)
SENTENCE = st.builds(lambda first, rest, stop: " ".join([first.capitalize(), *rest]) + stop,
                     WORDS, st.lists(WORDS, max_size=12), st.sampled_from([".", "!", "?", "…"]))


@settings(max_examples=200, deadline=None)
@given(sentences=st.lists(SENTENCE, min_size=1, max_size=5), limit=st.integers(20, 400))
def test_a_cut_never_ends_mid_word_and_always_fits(sentences: list[str], limit: int):
    summary = " ".join(sentences)
    words = set(re.findall(r"\S+", summary))
    options = cuts(summary, 5, or_nothing=True)
    ends = sentence_breaks(summary)
    for option in options[1:-1]:
        if len(option) in ends:
            assert summary.startswith(option)  # whole sentences
        else:
            assert option.endswith("…")
            last = option[:-1].split()[-1]
            assert any(word.startswith(last) and word.rstrip(",;:.!?…") == last.rstrip(",;:.!?…") for word in words)
            assert len(option) - 1 <= (ends[0] if ends else len(summary))  # only inside the first sentence
    meter = Meter("mastodon", limit)
    pieces, _ = fit(lambda p: f"{p.title}\n\n{p.summary}".strip(), Pieces("Title", summary, (), ()), meter)
    assert pieces.summary in options
    assert meter.fits(f"Title\n\n{pieces.summary}".strip())


def test_a_whole_sentence_is_kept_rather_than_a_longer_cut():
    summary = "First sentence here. Second sentence is longer than what is left of the post."
    options = cuts(summary, 1)
    assert "First sentence here." in options
    assert not any(option.startswith("First sentence here. Second") and option.endswith("…") for option in options)
    assert cuts("Dr. Martin met A. Smith, e.g. in Nantes. Then more.", 1)[-2] == "Dr. Martin met A. Smith, e.g. in Nantes."


# Bluesky: the link card and facets, valid by the lexicon's constraints.

def check_bluesky_record(draft: dict[str, Any], out: Path | None = None) -> None:
    """app.bsky.feed.post: text ≤ 300 graphemes and 3,000 bytes; facets are in-range, ordered,
    non-overlapping UTF-8 byte slices; a tag without '#', ≤ 64 graphemes and 640 bytes;
    app.bsky.embed.external: uri, title, description are strings, thumb at most 1,000,000 bytes."""
    text: str = draft["text"]
    data = text.encode("utf-8")
    assert grapheme_count(text) <= 300 and len(data) <= 3000
    previous_end = 0
    for facet in draft["facets"]:
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert 0 <= previous_end <= start < end <= len(data)
        previous_end = end
        [feature] = facet["features"]
        covered = data[start:end].decode("utf-8")  # on character boundaries, or this raises
        if feature["$type"] == "app.bsky.richtext.facet#tag":
            tag = feature["tag"]
            assert covered == "#" + tag and not tag.startswith("#")
            assert grapheme_count(tag) <= 64 and utf8_length(tag) <= 640
        else:
            assert feature["$type"] == "app.bsky.richtext.facet#link" and covered == feature["uri"]
    for mention in draft["mentions"]:
        index = mention["index"]
        assert data[index["byteStart"]:index["byteEnd"]].decode("utf-8") == "@" + mention["handle"]
    card = draft.get("card")
    if draft.get("part") in (None, 1):
        assert card is not None and card["uri"] == draft["url"] and card["uri"] not in text
        assert all(isinstance(card[key], str) and card[key] for key in ("uri", "title", "description", "thumb"))
        assert card["thumb"].startswith("https://")
        if out is not None and "/images/" in card["thumb"]:  # the item's own image, else the project's card
            local = out / card["thumb"].removeprefix("https://opincharge.eu/newsletter/")
            assert local.stat().st_size <= 1_000_000


def test_bluesky_drafts_are_valid_post_records_with_a_link_card(example: dict[str, Output]):
    bluesky = [d for d in drafts_of(example) if d["platform"] == "bluesky"]
    assert len(bluesky) > 10 and any(d["facets"] for d in bluesky)
    for draft in bluesky:
        check_bluesky_record(draft, REPO / "content")  # image paths under content/ are published as they are
    summary_kept = [d for d in bluesky if d["item"] == "open-dataset-zenodo"][0]
    assert "OPINCHARGE has published its first open data set on Zenodo" in summary_kept["text"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tags=st.lists(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "So"]), min_size=1,
                             max_size=70), min_size=1, max_size=4),
       summary=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "Zs", "So", "P"]), max_size=200))
def test_bluesky_facets_hold_for_any_text_and_tags(tags: list[str], summary: str, make_project: MakeProject):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS,
                         ITEM_FILE: item(summary=summary.strip() or "Summary.",
                                         extra=f"tags: {json.dumps(tags, ensure_ascii=False)}\n")})
    for draft in drafts_of(render_social(root)):
        if draft["platform"] == "bluesky":
            check_bluesky_record(draft)


# Buffer and Hootsuite files, parsed back with the rules each tool documents.

def test_scheduler_files_parse_back_in_the_layouts_buffer_and_hootsuite_document(make_project: MakeProject):
    event = "type: event\nevent:\n  start: 2024-03-20T18:00:00+01:00\n"
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS,
                         ITEM_FILE: item(extra=event + "image: images/a.png\nimage_alt: A picture\n"),
                         "content/images/a.png": (REPO / "content" / "images" / "summer-school.png").read_bytes()})
    as_of = dt.date(2024, 3, 10)  # after the announcement, before the reminder
    outputs = render_social(root, as_of)
    drafts = drafts_of(outputs)
    for platform in ("x", "mastodon", "bluesky", "linkedin", "threads"):
        future = [d for d in drafts if d["platform"] == platform and not d["past"]]
        assert {d["kind"] for d in future} == {"reminder", "today"}
        buffer = list(csv.reader(io.StringIO(outputs[f"social/buffer-{platform}.csv"].data.decode("utf-8"), newline="")))
        assert buffer[0] == ["Text", "Image URL", "Tags", "Posting Time"]
        rows = buffer[1:]
        assert len(rows) == len(future) <= 100
        for row, draft in zip(rows, future):
            text, image, tags, when = row
            assert text or image
            assert tags == ""
            planned = dt.datetime.fromisoformat(draft["scheduled_at"])
            assert dt.datetime.strptime(when, "%Y-%m-%d %H:%M") == planned.replace(tzinfo=None)
            assert image in ("", "https://example.org/news/images/a.png")
            assert text.startswith(draft["text"]) and (platform == "bluesky" or text == draft["text"])
        hootsuite_text = outputs[f"social/hootsuite-{platform}.csv"].data.decode("utf-8")
        hootsuite = list(csv.reader(io.StringIO(hootsuite_text, newline="")))
        assert len(hootsuite) == len(future) <= 350  # no header row
        assert len({row[1] for row in hootsuite}) == len(hootsuite)  # each text once
        for row, draft in zip(hootsuite, future):
            when, text, link = row
            moment = dt.datetime.strptime(when, "%m/%d/%Y %H:%M")
            assert moment.minute % 5 == 0
            assert moment == dt.datetime.fromisoformat(draft["scheduled_at"]).replace(tzinfo=None)
            assert text == draft["text"]
            assert link == (draft["url"] if platform == "bluesky" else "")
        assert hootsuite_text.endswith("\r\n") or not hootsuite_text


def test_scheduler_cells_that_look_like_formulas_stay_text(make_project: MakeProject):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS,
                         ITEM_FILE: item(extra="social:\n  x: \"=HYPERLINK(1)\"\n")})
    outputs = render_social(root, dt.date(2024, 1, 10))
    [row] = list(csv.reader(io.StringIO(outputs["social/buffer-x.csv"].data.decode("utf-8"))))[1:]
    assert row[0] == "'=HYPERLINK(1)"


def test_an_event_published_inside_the_reminder_window_is_still_announced():
    schedule = PostingSchedule(reminder_days=3)
    slots = posting_slots(an_item(dt.date(2024, 5, 9), LUX, dt.date(2024, 5, 10)), schedule, LUX)
    assert [(slot.kind, slot.at.date()) for slot in slots] == [("announce", dt.date(2024, 5, 9)),
                                                                ("today", dt.date(2024, 5, 10))]


def test_x_keeps_whole_sentences_or_none_and_bluesky_keeps_its_summary(example: dict[str, Output]):
    site = load_site(REPO, BuildOptions(as_of=EXAMPLE_AS_OF))
    summaries = {item.slug: item.summary for item in site.published}
    for draft in drafts_of(example):
        if draft["platform"] == "x" and draft["item"] != "general-meeting-nantes":
            assert "…" not in draft["text"], draft  # the example's summaries hold none of their own
            sentences = [summaries[draft["item"]][:end] for end in sentence_breaks(summaries[draft["item"]])]
            kept = [s for s in [*sentences, summaries[draft["item"]]] if s in draft["text"]]
            assert kept or summaries[draft["item"]][:20] not in draft["text"]
        if draft["platform"] == "bluesky" and draft["kind"] == "post" and draft["item"] != "general-meeting-nantes":
            assert summaries[draft["item"]][:40] in draft["text"], draft  # the link no longer eats it


def test_the_review_sheet_names_each_kind_and_its_planned_time(example: dict[str, Output]):
    sheet = example["issues/issue-3/social.md"].data.decode("utf-8")
    announcement = sheet.index("### X, announcement\n\n- Planned: 22 January 2025, 10:00 CET\n")
    assert announcement < sheet.index("### X, reminder\n\n- Planned: 4 February 2025, 10:00 CET\n")
    assert "### Bluesky, on the day\n\n- Planned: 5 February 2025, 10:00 CET\n" in sheet
    assert "- Planned: 26 August 2024, 10:00 CEST (past: schedule it anew or leave it out)" in sheet


def test_the_issue_plan_holds_the_posts_of_items_not_published_yet(make_project: MakeProject):
    event = "type: event\nevent:\n  start: 2024-02-20\n"
    root = make_project({ITEM_FILE: item(extra=event)})
    outputs = render_social(root, dt.date(2024, 1, 5))  # the item is dated 10 January
    assert drafts_of(outputs) == []
    plan = json.loads(outputs["issues/issue-1/social.json"].data)
    assert {(d["kind"], d["published"]) for d in plan} == {("announce", False), ("reminder", False), ("today", False)}
    assert [d["scheduled_at"] for d in plan] == sorted(d["scheduled_at"] for d in plan)


def test_check_reads_own_texts_per_kind_at_their_lines(make_project: MakeProject):
    from newsletter.check import check_project

    long_text = "https://example.org/" + "x" * 400
    event = f"type: event\nevent:\n  start: 2024-02-20\nsocial:\n  bluesky:\n    reminder: {long_text}\n"
    root = make_project({ITEM_FILE: item(extra=event)})
    findings = [f for f in check_project(root, as_of=dt.date(2024, 1, 10)) if f.code == "social-too-long"]
    assert [str(f.where) for f in findings] == [f"{ITEM_FILE}:10"]
    assert "'social.bluesky.reminder' cannot become a thread" in findings[0].message


def test_an_empty_own_text_means_no_posts_on_that_platform_of_any_kind(make_project: MakeProject):
    event = "type: event\nevent:\n  start: 2024-02-20\nsocial:\n  x: ''\n  mastodon:\n    today: ''\n"
    root = make_project({ITEM_FILE: item(extra=event)})
    drafts = {(d["platform"], d["kind"]) for d in drafts_of(render_social(root, dt.date(2024, 1, 10)))}
    assert not any(platform == "x" for platform, _ in drafts)
    assert {kind for platform, kind in drafts if platform == "mastodon"} == {"announce", "reminder"}
