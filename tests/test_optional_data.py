"""Every optional front-matter key and setting may be absent, in every template of every channel.

For each item type: a project whose items carry only the required keys, one where every optional key
is set, and generated ones in between, with optional settings tables and keys left out at random.
Each builds (web, email HTML and text, feeds, social) and passes `check`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.check import check_project
from newsletter.content.models import ItemType
from newsletter.diagnostics import Severity

from .conftest import EXAMPLE_AS_OF, REPO

PNG = (REPO / "content" / "images" / "summer-school.png").read_bytes()
TYPES = [kind.value for kind in ItemType]

# Optional front matter, each key with a value that needs no other key (image_alt goes with image).
OPTIONAL_ITEM_KEYS: dict[str, str] = {
    "summary": "A summary of the item.",
    "slug": "{slug}",
    "tags": "[Open Science, Battery Research]",
    "work_packages": "[WP1, WP7]",
    "image": "images/photo.png\nimage_alt: A photo of the lab",
    "author": "PEDAL Consulting",
    "url": "https://www.opincharge.eu/{slug}/",
    "social": "{{mastodon: \"Our own post about {slug}.\"}}",
    "draft": "false",
    "id": "tag:opincharge.eu,2024-01-10:{slug}",
}
EVENT_KEYS = {"end": "2024-02-02", "location": "Nantes, France", "url": "https://www.opincharge.eu/events/{slug}/"}
PUBLICATION_KEYS = {"doi": "10.5281/zenodo.1234567", "venue": "Journal of Battery Interfaces",
                    "authors": "[A. Martin, L. Dubois]", "open_access_url": "https://zenodo.org/records/1234567"}

REQUIRED_SETTINGS = {"project": {"name": '"Test Project"', "site_url": '"https://news.opincharge.eu/"'},
                     # Not needed to build, but `check` requires them: every email names the grant, and
                     # its unsubscribe link needs an email service (see test_without_an_email_service_...).
                     "funding": {"grant_agreement": '"101104032"'}, "email": {"esp": '"mailchimp"'}}
OPTIONAL_SETTINGS: dict[str, dict[str, str]] = {
    "project": {"tagline": '"Battery interfaces at work"', "language": '"en"', "timezone": '"Europe/Luxembourg"',
                "logo": '"images/logo.png"', "contact": '"communication@opincharge.eu"'},
    "funding": {"programme": '"Horizon Europe"', "granting_authority": '"CINEA"',
                "statement": '"Funded by the European Union under grant agreement No 101104032."',
                "disclaimer": '"Views and opinions expressed are those of the authors only."', "emblem": "true"},
    "brand": {"primary_color": '"#00796B"', "secondary_color": '"#1B2A4A"', "text_color": '"#222222"',
              "background_color": '"#FFFFFF"', "font": '"Georgia, serif"'},
    "email": {"from": '"News <news@opincharge.eu>"', "reply_to": '"communication@opincharge.eu"',
              "utm": '{ source = "newsletter", medium = "email" }', "utm_exclude": '["https://doi.org/"]'},
    "feeds": {"max_items": "20"},
    "social": {"hashtags": '["OPINCHARGE"]', "accounts": '{ mastodon = "@opincharge@mastodon.social", x = "@op" }',
               "limits": "{ mastodon = 500 }"},
    "smtp": {"host": '"localhost"', "port": "1025", "user": '"news"', "security": '"none"', "max_recipients": "3"},
}
PARTNER_KEYS = {"short": '"LIST"', "country": '"LU"', "role": '"coordinator"', "url": '"https://www.list.lu/"',
                "logo": '"images/partners/list.png"', "handles": '{ x = "@LIST_Luxembourg" }'}


def item_text(kind: str, slug: str, optional: set[str], event: set[str] | None, publication: set[str] | None) -> str:
    lines = [f"title: A {kind} item", "date: 2024-01-10", f"type: {kind}"]
    lines += [f"{key}: {OPTIONAL_ITEM_KEYS[key].format(slug=slug)}" for key in sorted(optional)]
    if event is not None:
        lines += ["event:", "  start: 2024-02-01"] + [f"  {k}: {EVENT_KEYS[k].format(slug=slug)}" for k in sorted(event)]
    if publication:
        lines += ["publication:"] + [f"  {k}: {PUBLICATION_KEYS[k]}" for k in sorted(publication)]
    elif publication is not None:
        lines.append("publication: {}")
    return "---\n" + "\n".join(lines) + "\n---\nThe body of the item, with one paragraph.\n"


def settings_text(tables: dict[str, set[str]], partner: set[str] | None) -> str:
    parts = []
    for table in sorted({*REQUIRED_SETTINGS, *tables}):
        keys = {**REQUIRED_SETTINGS.get(table, {}),
                **{key: OPTIONAL_SETTINGS[table][key] for key in tables.get(table, set())}}
        parts.append(f"[{table}]\n" + "".join(f"{key} = {value}\n" for key, value in sorted(keys.items())))
    if partner is not None:
        parts.append('[[partners]]\nname = "Luxembourg Institute of Science and Technology"\n'
                     + "".join(f"{key} = {PARTNER_KEYS[key]}\n" for key in sorted(partner)))
    return "\n".join(parts)


def write_project(root: Path, settings_toml: str, items: dict[str, str]) -> Path:
    files: dict[str, str | bytes] = {
        "newsletter.toml": settings_toml,
        "content/issues/2024-01-31-issue-1.md": "---\ntitle: Issue one\ndate: 2024-01-31\n---\nWelcome to issue one.\n",
        "content/images/photo.png": PNG,
        "content/images/logo.png": (REPO / "content/images/logo.png").read_bytes(),
        "content/images/partners/list.png": (REPO / "content/images/partners/list.png").read_bytes(),
        **{f"content/news/2024-01-10-{slug}.md": text for slug, text in items.items()},
    }
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def assert_builds_and_checks(root: Path, expected: set[str] = frozenset()) -> None:
    """The project builds every channel, and `check` finds exactly the `expected` codes (none: it is clean)."""
    result = build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF, use_cache=False))
    out = result.out_dir
    assert (out / "issues/issue-1/email.html").is_file() and (out / "issues/issue-1/email.txt").is_file()
    assert (out / "issues/issue-1/index.html").is_file() and (out / "social/drafts.json").is_file()
    assert all((out / name).is_file() for name in ("feed.xml", "atom.xml", "feed.json"))
    assert all((out / f"news/{slug}/index.html").is_file() for slug in _slugs(root))
    findings = check_project(root, EXAMPLE_AS_OF)
    assert {f.code for f in findings} == expected, [str(f) for f in findings]
    assert {d.code for d in result.diagnostics} == expected  # build says what check says


def _slugs(root: Path) -> list[str]:
    slugs = []
    for path in (root / "content/news").glob("*.md"):
        slug_line = next((line for line in path.read_text().splitlines() if line.startswith("slug: ")), None)
        slugs.append(slug_line[6:] if slug_line else path.stem[11:])
    return slugs


@pytest.mark.parametrize("kind", TYPES)
def test_items_with_only_the_required_keys_build_and_check_clean(tmp_path: Path, kind: str):
    # An event's details are optional to build but expected by check (a warning), so here it has a start.
    event = set() if kind == "event" else None
    root = write_project(tmp_path, settings_text({}, None), {"only": item_text(kind, "only", set(), event, None)})
    assert_builds_and_checks(root)


@pytest.mark.parametrize("kind", TYPES)
def test_items_with_every_optional_key_build_and_check_clean(tmp_path: Path, kind: str):
    event = set(EVENT_KEYS) if kind == "event" else None
    publication = set(PUBLICATION_KEYS) if kind == "publication" else None
    settings_toml = settings_text({table: set(keys) for table, keys in OPTIONAL_SETTINGS.items()}, set(PARTNER_KEYS))
    root = write_project(tmp_path, settings_toml, {"full": item_text(kind, "full", set(OPTIONAL_ITEM_KEYS), event,
                                                                     publication)})
    assert_builds_and_checks(root)


def test_an_event_without_details_builds_and_check_warns_as_build_does(tmp_path: Path):
    root = write_project(tmp_path, settings_text({}, None), {"event": item_text("event", "event", set(), None, None)})
    assert_builds_and_checks(root, {"event-without-details"})
    email = (root / "output/issues/issue-1/email.html").read_text()
    assert "A event item" in email and "10 January 2024" in email
    [finding] = check_project(root, EXAMPLE_AS_OF)
    assert (finding.severity, str(finding.where)) == (Severity.WARNING, "content/news/2024-01-10-event.md:4")


def test_without_an_email_service_it_builds_and_check_says_where_unsubscribing_goes(tmp_path: Path):
    root = write_project(tmp_path, settings_text({}, None).replace('[email]\nesp = "mailchimp"\n', "[email]\n"),
                         {"news": item_text("news", "news", set(), None, None)})
    assert_builds_and_checks(root, {"no-unsubscribe"})
    [finding] = check_project(root, EXAMPLE_AS_OF)
    assert (finding.severity, str(finding.where)) == (Severity.ERROR, "newsletter.toml:1")


@st.composite
def projects(draw: st.DrawFn) -> tuple[str, dict[str, str], set[str]]:
    """Settings with optional tables and keys left out at random, and one item of each type with random keys."""
    subsets = {table: draw(st.sets(st.sampled_from(sorted(keys)))) for table, keys in OPTIONAL_SETTINGS.items()
               if draw(st.booleans())}
    partner = draw(st.none() | st.sets(st.sampled_from(sorted(PARTNER_KEYS))))
    items, bare_event = {}, False
    for kind in TYPES:
        optional = draw(st.sets(st.sampled_from(sorted(OPTIONAL_ITEM_KEYS))))
        event = draw(st.none() | st.sets(st.sampled_from(sorted(EVENT_KEYS)))) if kind == "event" else None
        publication = (draw(st.none() | st.sets(st.sampled_from(sorted(PUBLICATION_KEYS))))
                       if kind == "publication" else None)
        bare_event = bare_event or (kind == "event" and event is None)
        items[kind] = item_text(kind, kind, optional, event, publication)
    expected = {"event-without-details"} if bare_event else set()
    toml = settings_text(subsets, partner)
    if draw(st.booleans()):  # no email service: the project builds, check asks for one
        toml = toml.replace('esp = "mailchimp"\n', "")
        expected.add("no-unsubscribe")
    return toml, items, expected


@given(projects())
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_mix_of_optional_keys_and_settings_builds_and_checks_clean(tmp_path_factory: Any, project: Any):
    settings_toml, items, expected = project
    root = write_project(tmp_path_factory.mktemp("project"), settings_toml, items)
    assert_builds_and_checks(root, expected)


def test_the_generated_texts_are_what_they_claim():
    full = item_text("event", "s", set(OPTIONAL_ITEM_KEYS), set(EVENT_KEYS), None)
    assert full.count("\n  ") == 4 and all(f"\n{key}: " in full for key in [*OPTIONAL_ITEM_KEYS, "image_alt"])
    empty = item_text("publication", "s", {"author"}, None, set())
    assert "\nauthor: " in empty and "\npublication: {}\n" in empty
