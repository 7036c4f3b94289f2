"""The social channel: drafts.json, drafts.csv and each issue's social.md, checked against the counting library."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project, load_site, project_templates
from newsletter.outputs import Output
from newsletter.channels.social.renderer import CSV_HEADER, SocialRenderer
from newsletter.channels.social.compose import Composer, camel_hashtag
from newsletter.channels.social.fit import cuts
from newsletter.channels.social.sheet import fence
from newsletter.platforms.counting import PLATFORMS, api_text, fits, measure, platform_rules
from newsletter.platforms.shortening import ELLIPSIS

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, MakeProject

SPEC_KEYS = {"item", "platform", "text", "length", "limit", "url"}
ITEM_FILE = "content/news/2024-01-10-first-item.md"
BAR = re.compile(r"^(\d+)/(\d+) ([█░]{12})", re.M)
PARTNERS = """
[[partners]]
name = "Luxembourg Institute of Science and Technology"
short = "LIST"
handles = { x = "@LIST_Luxembourg", linkedin = "urn:li:organization:1234" }

[[partners]]
name = "PEDAL Consulting"
short = "PEDAL"
handles = { mastodon = "@pedal@mastodon.social" }
"""


def render_social(root: Path, as_of: date = EXAMPLE_AS_OF) -> dict[str, Output]:
    site = load_site(root, BuildOptions(as_of=as_of))
    return {output.path.as_posix(): output for output in SocialRenderer().render(site, project_templates(root))}


def drafts_of(outputs: dict[str, Output]) -> list[dict[str, Any]]:
    drafts: list[dict[str, Any]] = json.loads(outputs["social/drafts.json"].data)
    return drafts


def item(title: str = "First item", summary: str = "The first item of the test project.",
         extra: str = "", body: str = "Body of the first item.") -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: 2024-01-10\nsummary: {json.dumps(summary, ensure_ascii=False)}\n{extra}---\n{body}\n"


@pytest.fixture(scope="module")
def example(example_copy) -> dict[str, Output]:
    return render_social(example_copy)


def test_every_example_draft_is_counted_as_its_platform_counts_and_fits(example: dict[str, Output]):
    drafts = drafts_of(example)
    assert len(drafts) > 40
    for draft in drafts:
        assert draft["length"] == measure(draft["platform"], draft["text"]), draft
        assert draft["limit"] == platform_rules(draft["platform"]).limit or draft["platform"] == "mastodon"
        assert draft["length"] <= draft["limit"] and fits(draft["platform"], draft["text"], draft["limit"]), draft


def test_example_drafts_follow_the_published_items_and_the_project_accounts(example: dict[str, Output], example_copy):
    site = load_site(example_copy, BuildOptions(as_of=EXAMPLE_AS_OF))
    drafts = drafts_of(example)
    # Items newest first as the site publishes them, then platform, then part.
    order = {slug: index for index, slug in enumerate(item.slug for item in site.published)}
    keys = [(order[d["item"]], list(PLATFORMS).index(d["platform"]), d.get("part") or 0) for d in drafts]
    assert keys == sorted(keys)
    skipped = {item.slug for item in site.published if item.social_skip}
    assert skipped == {"website-and-communication-kit"}
    assert {d["item"] for d in drafts} == {item.slug for item in site.published} - skipped
    # The example has accounts on four platforms, so no Threads drafts.
    assert {d["platform"] for d in drafts} == {"x", "mastodon", "bluesky", "linkedin"}


def test_drafts_json_has_the_spec_keys(example: dict[str, Output]):
    for draft in drafts_of(example):
        assert SPEC_KEYS <= draft.keys()
        assert ("thread" in draft) == ("part" in draft)
        assert draft["date"] == date.fromisoformat(draft["date"]).isoformat()
        # Bluesky keeps the link in its card (the external embed), not in the text.
        assert draft["url"] in draft["text"] or draft["item"] == "general-meeting-nantes" or draft["platform"] == "bluesky"


def test_the_nantes_mastodon_override_becomes_a_thread(example: dict[str, Output], example_copy):
    nantes = REPO / "content" / "news" / "2023-12-12-general-meeting-nantes.md"
    site = load_site(example_copy, BuildOptions(as_of=EXAMPLE_AS_OF))
    override = next(item for item in site.published if item.slug == "general-meeting-nantes").social["mastodon"]
    assert measure("mastodon", override) > 900 and nantes.is_file()
    parts = [d for d in drafts_of(example) if d["item"] == "general-meeting-nantes" and d["platform"] == "mastodon"]
    assert len(parts) >= 2
    assert [d["part"] for d in parts] == list(range(1, len(parts) + 1))
    assert {d["thread"] for d in parts} == {"general-meeting-nantes-mastodon"}
    assert all(d["text"].endswith(f" {d['part']}/{len(parts)}") and d["length"] <= 500 for d in parts)
    bodies = [re.sub(r" \d+/\d+$", "", d["text"]) for d in parts]
    assert " ".join(" ".join(bodies).split()) == " ".join(override.split())
    # An image goes with the first part only.
    assert "image" in parts[0] and all("image" not in d for d in parts[1:])


def test_linkedin_drafts_carry_their_api_text(example: dict[str, Output]):
    linkedin = [d for d in drafts_of(example) if d["platform"] == "linkedin"]
    generated = [d for d in linkedin if d["item"] != "general-meeting-nantes"]
    assert generated and all("api_text" in d for d in generated)
    for draft in generated:
        assert draft["api_text"] == api_text("linkedin", draft["text"])
        assert "{hashtag|\\#|OPINCHARGE}" in draft["api_text"] and "utm\\_source=linkedin" in draft["api_text"]
    assert all("api_text" not in d for d in drafts_of(example) if d["platform"] != "linkedin")


def test_drafts_csv_parses_with_crlf_rows(example: dict[str, Output]):
    data = example["social/drafts.csv"].data
    assert data.startswith(",".join(CSV_HEADER).encode() + b"\r\n") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_HEADER
    drafts = drafts_of(example)
    assert len(rows) - 1 == len(drafts)
    for row, draft in zip(rows[1:], drafts):
        record = dict(zip(CSV_HEADER, row))
        assert record["Platform"] == draft["platform"] and record["Text"] == draft["text"]
        assert record["Link"] == draft["url"] and record["Item"] == draft["item"]
        assert record["Date"] == draft["date"] and record["Part"] == str(draft.get("part", ""))
        assert record["Image URL"] == draft.get("image", "") and record["Alt Text"] == draft.get("image_alt", "")
        assert record["Kind"] == draft["kind"] and record["Scheduled At"] == draft["scheduled_at"]
    assert rows[0][:8] == ["Platform", "Date", "Text", "Link", "Image URL", "Alt Text", "Item", "Part"]  # as before


def test_links_carry_utm_parameters_like_the_email(example: dict[str, Output]):
    for draft in drafts_of(example):
        assert draft["url"].endswith(
            f"utm_source={draft['platform']}&utm_medium=social&utm_campaign={draft['item']}"
        )


def test_each_issue_sheet_shows_its_posts_with_length_bars(example: dict[str, Output]):
    sheets = {path: output for path, output in example.items() if path.endswith("/social.md")}
    assert set(sheets) == {"issues/issue-1/social.md", "issues/issue-2/social.md", "issues/issue-3/social.md"}
    assert {output.kind for output in example.values()} == {
        "social-json", "social-csv", "social-sheet", "social-buffer", "social-hootsuite", "social-plan"}
    sheet = sheets["issues/issue-1/social.md"].data.decode("utf-8")
    bars = BAR.findall(sheet)
    assert bars and all(int(length) <= int(limit) for length, limit, _ in bars)
    length, limit, cells = bars[0]
    assert cells.count("█") == -(-12 * int(length) // int(limit))
    assert "### Mastodon, as written in the item: a thread of 2" in sheet and "Part 2 of 2" in sheet
    assert "No posts: the item says `social: false`." in sheets["issues/issue-2/social.md"].data.decode()
    assert "Not published yet" not in sheet


def test_sheet_includes_and_marks_items_not_published_yet(example_copy):
    outputs = render_social(example_copy, as_of=date(2024, 12, 5))
    sheet = outputs["issues/issue-3/social.md"].data.decode("utf-8")
    webinar = sheet.split("Webinar: seeing battery interfaces at work", 1)[1]
    assert "Not published yet" in webinar and "```text" in webinar
    assert "webinar-operando-characterisation" not in {d["item"] for d in drafts_of(outputs)}


def test_fence_outgrows_backticks_in_the_text():
    assert fence("plain") == "```text\nplain\n```"
    assert fence("code ```` here").startswith("`````text\n")


def test_output_is_the_same_from_build_to_build(example: dict[str, Output], example_copy):
    again = render_social(example_copy)
    assert {path: output.data for path, output in again.items()} == {p: o.data for p, o in example.items()}


def test_issue_build_writes_its_social_sheet(example_project: Path, tmp_path: Path):
    result = build_project(example_project, BuildOptions(out_dir=tmp_path / "out", issue="issue-2", as_of=EXAMPLE_AS_OF))
    assert "issues/issue-2/social.md" in {output.path.as_posix() for output in result.outputs}
    assert (tmp_path / "out" / "issues" / "issue-2" / "social.md").is_file()


def test_a_project_template_changes_its_platform_only(make_project: MakeProject):
    plain = drafts_of(render_social(make_project(name="plain")))
    root = make_project({"templates/social/x.txt": "{{ title }} (our own X post) {{ url }}\n"}, name="own")
    own = drafts_of(render_social(root))
    x_draft = next(d for d in own if d["platform"] == "x")
    assert x_draft["text"] == f"First item (our own X post) {x_draft['url']}"
    assert [d for d in own if d["platform"] != "x"] == [d for d in plain if d["platform"] != "x"]


def test_without_accounts_every_platform_gets_a_draft(make_project: MakeProject):
    drafts = drafts_of(render_social(make_project()))
    assert [d["platform"] for d in drafts] == list(PLATFORMS)
    threads = next(d for d in drafts if d["platform"] == "threads")
    # Threads links one topic tag per post.
    assert threads["text"].endswith("\n\n#Battery2030") and threads["text"].count("#") == 1


def test_social_false_skips_the_item(make_project: MakeProject):
    root = make_project({ITEM_FILE: item(extra="social: false\n")})
    outputs = render_social(root)
    assert drafts_of(outputs) == []
    assert "social: false" in outputs["issues/issue-1/social.md"].data.decode()


def test_an_empty_override_skips_one_platform(make_project: MakeProject):
    root = make_project({ITEM_FILE: item(extra="social:\n  bluesky: ''\n  x: Our own words.\n")})
    drafts = drafts_of(render_social(root))
    assert "bluesky" not in {d["platform"] for d in drafts}
    assert next(d for d in drafts if d["platform"] == "x")["text"] == "Our own words."


@pytest.mark.parametrize(("tag", "hashtag"), [
    ("battery research", "#BatteryResearch"),
    ("Battery 2030+", "#Battery2030"),
    ("FAIR data", "#FAIRData"),
    ("Kick-off", "#KickOff"),
    ("énergie propre", "#ÉnergiePropre"),
    ("iPhone apps", "#iPhoneApps"),
    ("2030", None),
    ("🔋", None),
])
def test_tags_become_camel_case_hashtags(tag: str, hashtag: str | None):
    assert camel_hashtag(tag) == hashtag


def test_drafts_carry_project_and_item_hashtags_once(make_project: MakeProject):
    settings = MINIMAL_SETTINGS + '\n[social]\nhashtags = ["OPINCHARGE", "#BatteryResearch"]\n'
    root = make_project({"newsletter.toml": settings,
                         ITEM_FILE: item(extra="tags: [battery research, Battery 2030+, '2030']\n")})
    drafts = {d["platform"]: d for d in drafts_of(render_social(root))}
    assert drafts["mastodon"]["text"].endswith("\n\n#OPINCHARGE #BatteryResearch #Battery2030")
    assert drafts["x"]["text"].endswith("\n\n#OPINCHARGE #BatteryResearch")  # X's budget: 2, the project's first


def test_partner_mentions_use_handles_where_present_and_names_otherwise(make_project: MakeProject):
    root = make_project({
        "newsletter.toml": MINIMAL_SETTINGS + PARTNERS,
        ITEM_FILE: item(body="LIST hosted the meeting; PEDAL Consulting ran the workshop. The list is long."),
    })
    drafts = {d["platform"]: d for d in drafts_of(render_social(root))}
    assert "With @LIST_Luxembourg, PEDAL" in drafts["x"]["text"].split("\n")
    assert "With LIST, @pedal@mastodon.social" in drafts["mastodon"]["text"].split("\n")
    assert "With LIST, PEDAL" in drafts["bluesky"]["text"].split("\n")
    # An organisation URN is a real LinkedIn mention, shown under the partner's name.
    linkedin = drafts["linkedin"]
    assert "With Luxembourg Institute of Science and Technology, PEDAL" in linkedin["text"].split("\n")
    assert "@[Luxembourg Institute of Science and Technology](urn:li:organization:1234)" in linkedin["api_text"]
    assert linkedin["length"] == measure("linkedin", linkedin["text"])


def test_partners_are_named_as_whole_words_in_their_case(make_project: MakeProject):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + PARTNERS,
                         ITEM_FILE: item(body="A list of pedals, and a LISTING.")})
    assert all("With" not in d["text"] for d in drafts_of(render_social(root)))


def test_linkedin_pages_known_by_name_are_left_to_tag_by_hand(make_project: MakeProject):
    partners = PARTNERS.replace("urn:li:organization:1234", "list-luxembourg")
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + partners, ITEM_FILE: item(body="LIST hosted it.")})
    outputs = render_social(root)
    linkedin = next(d for d in drafts_of(outputs) if d["platform"] == "linkedin")
    assert linkedin["text"].endswith("\n\nWith LIST") and "@[" not in linkedin["api_text"]
    assert "tag by hand in LinkedIn's composer: LIST (list-luxembourg)" in outputs["issues/issue-1/social.md"].data.decode()


def test_a_summary_is_cut_after_a_word_with_an_ellipsis_only_when_needed(make_project: MakeProject):
    words = " ".join(f"word{n}" for n in range(80))
    root = make_project({ITEM_FILE: item(summary=words)})
    drafts = {d["platform"]: d for d in drafts_of(render_social(root))}
    cut = drafts["mastodon"]["text"].split("\n\n")[1]
    assert cut.endswith(ELLIPSIS) and words.startswith(cut[:-1] + " ")
    assert words[:20] not in drafts["x"]["text"]  # X keeps whole sentences or none
    assert "\n\n" + words + "\n\n" in drafts["linkedin"]["text"]  # room enough: untouched
    assert ELLIPSIS not in drafts["linkedin"]["text"]


def test_cuts_keep_words_whole_and_drop_trailing_punctuation():
    assert cuts("One, two three.", 0, or_nothing=True) == ["", "One…", "One, two…", "One, two three."]
    assert cuts("Single", 1) == ["Single"]
    assert cuts("10\u00a0km away", 1) == ["10\u00a0km…", "10\u00a0km away"]


def test_a_very_long_title_and_summary_still_fit_every_platform(make_project: MakeProject):
    title = " ".join(["Extraordinarily"] * 40)
    summary = " ".join(["interface"] * 600)
    tags = "tags: [" + ", ".join(f"topic number {n}" for n in range(30)) + "]\n"
    root = make_project({
        "newsletter.toml": MINIMAL_SETTINGS + '\n[social]\nlimits = { mastodon = 200 }\n',
        ITEM_FILE: item(title=title, summary=summary, extra=tags),
    })
    drafts = drafts_of(render_social(root))
    assert [d["platform"] for d in drafts] == list(PLATFORMS)
    for draft in drafts:
        assert fits(draft["platform"], draft["text"], draft["limit"]), draft
        assert draft["length"] == measure(draft["platform"], draft["text"])
        assert draft["url"] in draft["text"] or draft["platform"] == "bluesky"  # Bluesky: in the card
    assert next(d for d in drafts if d["platform"] == "mastodon")["limit"] == 200
    x_text = next(d for d in drafts if d["platform"] == "x")["text"]
    assert x_text.startswith("Extraordinarily") and x_text.split("\n")[0].endswith(ELLIPSIS)


SCRIPTS = st.sampled_from(["battery", "Akku", "électrode", "日本語の研究", "🔋", "👩‍🔬", "🇪🇺", "©", "Ελλάδα",
                           "https://example.org/a", "example.org/b", "#tag", "@someone", "—", "…", "x" * 30])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.lists(SCRIPTS, min_size=1, max_size=30), summary=st.lists(SCRIPTS, min_size=0, max_size=120))
def test_generated_posts_fit_whatever_the_script(make_project: MakeProject, title: list[str], summary: list[str]):
    root = make_project({ITEM_FILE: item(title=" ".join(title), summary=" ".join(summary) or "S.")}, name="fuzz")
    site = load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    composer = Composer(site, project_templates(root))
    for post in composer.posts(site.published[0]):
        [draft] = post.drafts
        assert fits(draft.platform, draft.text, draft.limit), (draft.platform, draft.text)
        assert draft.length == measure(draft.platform, draft.text)


def test_a_long_x_post_is_cut_to_fill_its_limit_counted_exactly(make_project: MakeProject):
    root = make_project({ITEM_FILE: item(summary=" ".join(["Batteries work."] * 100))})
    x_draft = next(d for d in drafts_of(render_social(root)) if d["platform"] == "x")
    assert x_draft["length"] <= 280 and x_draft["length"] == measure("x", x_draft["text"])
    assert x_draft["length"] > 250  # cut at the last word that fits, not just to anything that fits
