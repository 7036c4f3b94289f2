"""Hypothesis strategies that write whole newsletter projects: settings, items, issues and images.

A drawn `ProjectSpec` is a fault-free project (every file it names exists, every required key is
set, no placeholder is left) plus, sometimes, one `Fault`: a change a user could make that the
tools must report. Text in every field and setting mixes plain words, accents, CJK, right-to-left
scripts, emoji, combining marks, typographic quotes and hostile strings (HTML and script payloads,
Jinja syntax, Markdown edge cases, spreadsheet formula starts, CR/LF). File names carry spaces,
non-ASCII letters, `#`, `?`, `%` and long names. Dates span years and UTC offsets.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import tomli_w
import yaml
from hypothesis import strategies as st
from PIL import Image

from newsletter.content.records import default_slug

# A Jinja expression whose result, "pwned", appears in no input: finding it in an output means a
# template evaluated content.
JINJA_PAYLOAD = '{{ "pw" ~ "ned" }}'
JINJA_RESULT = "pwned"
# The bytes of a file outside the project, which a symlink in content/ points at.
OUTSIDE_SECRET = b"outside-the-project-secret-4f1c"

WORDS = [
    "battery", "interface", "Kick-off", "meeting", "results", "Luxembourg", "workshop", "data",
    "Énergie", "Straße", "Łódź", "naïve", "São Paulo", "Øresund", "Ελλάδα", "Россия",
    "電池研究", "リチウム", "배터리", "بطارية", "סוללה", "हिन्दी",
    "🔋", "👩🏽‍🔬", "🇪🇺", "e\u0301te\u0301", "a\u0308\u0332", "“quoted”", "‘single’", "«guillemets»",
    "it’s", "R&D", "A & B", "x < y > z", "50%", "#hashtag", "@handle", "C++", "100 €", "—", "…",
]
HOSTILE = [
    "<script>alert(1)</script>", '<img src=https://cdn.example.net/x.png alt="" onerror="alert(1)">', '"><svg onload=alert(1)>',
    "<iframe src=javascript:alert(1)></iframe>", "</style><script>alert(2)</script>", "</title></head>",
    "javascript:alert(1)", "]]>", "<!--", "&amp;", "&#x27;", "&nbsp;", JINJA_PAYLOAD, "{% raw %}", "{#",
    "{{ settings }}", "*|UNSUB|*", "=HYPERLINK(\"https://evil.test\",\"click\")", "+1+1", "-2+3",
    "@SUM(A1)", "\t=1", "=cmd|' /C calc'!A0", "line\r\nbreak", "line\nfeed", "carriage\rreturn",
    "<b>bold <i>unclosed", "**bold", "_under_", "`tick", "[link](javascript:alert(1))", "![img](https://cdn.example.net/y.png)", "\\", "'", '"', "---",
    "# not a heading", "> quote", "\u200b", "\u00ad", "\u2028", "\ufeff", "\u202e", "\x0c",
]
CONTROL = re.compile("[\x00-\x1f\x7f]")
ALPHABET = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"))
# Hosts a project publishes on: none reserved for examples (example.net, localhost), which `check` calls placeholders.
HOSTS = ["news.batteries-project.eu", "opincharge.eu", "www.projekt-énergie.eu", "proj.lab-network.net",
         "news.project.eu:8443"]
TIMEZONES = ["UTC", "Europe/Brussels", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago",
             "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns"]
OFFSETS = [timedelta(hours=h, minutes=m) for h, m in [(0, 0), (1, 0), (-5, 0), (14, 0), (-11, 0), (5, 45),
                                                      (-3, -30), (-12, 0)]]
ITEM_TYPES = ["news", "event", "publication", "deliverable", "press"]
PLATFORMS = ["x", "mastodon", "bluesky", "linkedin", "threads"]
IMAGE_NAMES = ["photo", "reactor diagram", "Ünïcödé-图", "a#b", "what?", "100%", "x" * 150, "UPPER", "café au lait"]
FILE_STEMS = ["kick-off", "reactor meeting", "réunion à Nantes", "电池 news", "a#b", "what?", "100% done",
              "y" * 180, "Straße 2030+", "event (final)"]
WITH_FAULT = "  [as the fault changes it]"
EU_STATEMENT = ("This project has received funding from the European Union’s Horizon Europe research and "
                "innovation programme under grant agreement No {grant}.")


@dataclass(frozen=True)
class Fault:
    """One change to a fault-free project that the tools must report.

    `expect` is what the SPEC or an open issue asks for: "build" (the build stops with one line
    naming `path`), "check" (`newsletter check` reports an error at `path`; the build may go on)
    or "either" (one line, or it works).
    """

    kind: str
    path: str
    files: dict[str, bytes | None]
    expect: str
    also: tuple[str, ...] = ()  # other files an error may name instead


@dataclass(frozen=True)
class ProjectSpec:
    """A generated project: its files, the reference day to build it for, and an optional fault."""

    files: dict[str, bytes]
    as_of: date
    fault: Fault | None = None

    def write(self, root: Path) -> None:
        for relative, data in sorted(self.files.items()):
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    def text(self, relative: str) -> str:
        return self.files[relative].decode("utf-8", "replace")

    def __repr__(self) -> str:
        fault = self.fault
        shown = f"{fault.kind} in {fault.path}, expect {fault.expect}" if fault else "none"
        parts = [f"ProjectSpec(as_of={self.as_of.isoformat()}, fault: {shown})"]
        changed = {f"{relative}{WITH_FAULT}": data for relative, data in (fault.files if fault else {}).items()}
        for relative, data in sorted({**self.files, **changed}.items()):
            if data is None:
                continue
            if relative.removesuffix(WITH_FAULT).endswith((".md", ".toml")):
                parts.append(f"--- {relative}\n{data.decode('utf-8', 'replace')}")
            else:
                parts.append(f"--- {relative} ({len(data)} bytes)")
        return "\n".join(parts)


# Text --------------------------------------------------------------------------------------

@lru_cache
def words(min_size: int = 1, max_size: int = 6, hostile: bool = True) -> st.SearchStrategy[str]:
    """A short text mixing words, scripts, emoji, hostile strings and random printable characters."""
    token = st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(WORDS),
        st.text(ALPHABET, min_size=1, max_size=8),
        *([st.sampled_from(HOSTILE)] if hostile else []),
    )
    return st.lists(token, min_size=min_size, max_size=max_size).map(" ".join).filter(lambda s: s.strip())


def safe_words(min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[str]:
    return words(min_size, max_size, hostile=False)


def setting_words(min_size: int = 1, max_size: int = 6, hostile: bool = True) -> st.SearchStrategy[str]:
    """Text for a setting: a control character there is a fault of its own ("control-in-setting")."""
    return words(min_size, max_size, hostile).map(lambda s: CONTROL.sub(" ", s)).filter(lambda s: s.strip())


# Images ------------------------------------------------------------------------------------

@st.composite
def image_bytes(draw: st.DrawFn, fmt: str) -> bytes:
    """A real, small PNG or JPEG."""
    width, height = draw(st.integers(1, 48)), draw(st.integers(1, 32))
    colour = tuple(draw(st.integers(0, 255)) for _ in range(3))
    mode = draw(st.sampled_from(["RGB", "L", "P"] if fmt == "PNG" else ["RGB", "L"]))
    picture = Image.new("RGB", (width, height), colour).convert(mode)
    stream = io.BytesIO()
    picture.save(stream, format=fmt)
    return stream.getvalue()


@st.composite
def images(draw: st.DrawFn) -> dict[str, bytes]:
    """content/images/ files with odd names: path relative to content/ -> bytes."""
    names = draw(st.lists(st.sampled_from(IMAGE_NAMES), min_size=1, max_size=4, unique=True))
    found: dict[str, bytes] = {}
    for name in names:
        suffix = draw(st.sampled_from([".png", ".jpg", ".jpeg", ".PNG"]))
        fmt = "PNG" if suffix.lower() == ".png" else "JPEG"
        folder = draw(st.sampled_from(["images/", "images/", "images/sub folder/"]))
        found[f"{folder}{name}{suffix}"] = draw(image_bytes(fmt))
    return found


def markdown_path(path: str, draw: st.DrawFn) -> str:
    """The way a writer refers to a content file in Markdown: as is, in <...>, or percent-encoded."""
    if not any(c in path for c in " #?%()") and path.isascii():
        return path
    if any(c in path for c in "#?%"):
        return quote(path)
    return draw(st.sampled_from([f"<{path}>", quote(path)]))


# Markdown bodies ---------------------------------------------------------------------------

@st.composite
def markdown_body(draw: st.DrawFn, image_paths: list[str], other_files: list[str], hostile: bool = True) -> str:
    blocks = []
    if hostile:  # raw HTML, cleaned by the sanitiser: unclosed tags must not leak into the page around it
        blocks.append(draw(st.sampled_from(["<b>bold <i>unclosed", "<p>para <em>open", "<div><span>open",
                                            "<script>alert('lead')</script>"])))
        blocks.append("Written by hand: [the call](https://partner.example.net/call for proposals?x=é).")
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from([
            "paragraph", "paragraph", "heading", "list", "nested", "quote", "code", "link", "autolink",
            "image", "html", "table", "footnote", "attr", "md-link", "entities", "rule",
        ]))
        text = draw(words(hostile=hostile))
        if kind == "heading":
            blocks.append(f"{'#' * draw(st.integers(1, 6))} {text}")
        elif kind == "list":
            blocks.append("\n".join(f"- {draw(words(hostile=hostile))}" for _ in range(draw(st.integers(1, 4)))))
        elif kind == "nested":
            depth = draw(st.integers(2, 12))
            blocks.append("\n".join(f"{'    ' * level}- {draw(safe_words())}" for level in range(depth)))
        elif kind == "quote":
            blocks.append(f"> {text}")
        elif kind in ("code", "html") and not hostile:
            blocks.append(f"```\n{text}\n```")
        elif kind == "code":
            blocks.append(f"```\n{text}\n{JINJA_PAYLOAD}\n<script>alert(3)</script>\n```\n\nInline `{text}` code.")
        elif kind == "link":
            odd = "https://partner.example.net/a b?x=1&y=é#part" if hostile else "https://partner.example.net/a?x=1&y=2#part"
            blocks.append(f"See [{draw(safe_words())}]({odd} \"t\") and "
                          f"[this](https://doi.org/10.5281/zenodo.{draw(st.integers(1, 99999))}).")
        elif kind == "autolink":
            blocks.append("Read <https://partner.example.net/report?id=7&lang=en> or mail <info@partner.example.net>.")
        elif kind == "image" and image_paths:
            path = draw(st.sampled_from(image_paths))
            blocks.append(f"![{draw(words(hostile=hostile))}]({markdown_path(path, draw)})")
        elif kind == "html":
            blocks.append(draw(st.sampled_from([
                "<script>alert('body')</script>", '<img src="https://cdn.example.net/x.png" alt="x" onerror="alert(1)">',
                '<a href="javascript:alert(1)">click</a>', "<iframe src=\"https://evil.test\"></iframe>",
                "<style>body{display:none}</style>", '<div onclick="alert(1)">div</div>',
                "<figure><figcaption>caption</figcaption></figure>", "<b>bold <i>unclosed",
                '<a href="data:text/html,<script>alert(1)</script>">data</a>',
            ])))
        elif kind == "table":
            blocks.append(f"| a | {draw(safe_words())} |\n| --- | --- |\n| {draw(safe_words())} | 2 |")
        elif kind == "footnote":
            blocks.append(f"A claim.[^n]\n\n[^n]: {draw(safe_words())}")
        elif kind == "attr":
            blocks.append(f"A paragraph with attributes.\n{{: .lead #intro-{len(blocks)} }}")
        elif kind == "md-link" and other_files:
            target = draw(st.sampled_from(other_files))
            blocks.append(f"As reported in [the other item]({markdown_path(target, draw)}).")
        elif kind == "entities":
            blocks.append("Tom &amp; Jerry &nbsp;&mdash; &#8217;s &copy; &lt;b&gt; 5 > 3 < 4")
        elif kind == "rule":
            blocks.append("***")
        else:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


def front_matter(meta: dict[str, Any], body: str) -> bytes:
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10**6)
    return f"---\n{text}---\n{body}".encode()


# Dates -------------------------------------------------------------------------------------

@st.composite
def moments(draw: st.DrawFn, day: date) -> Any:
    """An item's `date:` for `day`: a date, an ISO text with an offset, or a naive date-time."""
    form = draw(st.sampled_from(["date", "date", "offset", "naive", "utc"]))
    clock = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 59])))
    if form == "date":
        return day
    if form == "naive":
        return datetime.combine(day, clock).isoformat()
    if form == "utc":
        return datetime.combine(day, clock).isoformat() + "Z"
    offset = timezone(draw(st.sampled_from(OFFSETS)))
    return datetime.combine(day, clock, offset).isoformat()


# Settings ----------------------------------------------------------------------------------

def maybe(draw: st.DrawFn) -> bool:
    return draw(st.booleans())


@st.composite
def settings(draw: st.DrawFn, image_paths: list[str], grant: str, hostile: bool = True) -> dict[str, Any]:
    """newsletter.toml as a dict: required keys, and every optional table and key on or off."""
    host = draw(st.sampled_from(HOSTS if hostile else [h for h in HOSTS if h.isascii()]))
    path = draw(st.sampled_from(["", "newsletter/", "a/b/c/", "news-2024/"]))
    scheme = draw(st.sampled_from(["http", "https"])) if ":" in host else "https"
    project: dict[str, Any] = {"name": draw(setting_words(1, 3, hostile)), "site_url": f"{scheme}://{host}/{path}"}
    if maybe(draw):
        project["tagline"] = draw(setting_words(hostile=hostile))
    if maybe(draw):
        project["language"] = draw(st.sampled_from(["en", "fr", "de", "ar"]))
    project["timezone"] = draw(st.sampled_from(TIMEZONES))
    if image_paths and maybe(draw):
        project["logo"] = draw(st.sampled_from(image_paths))
    if maybe(draw):
        project["contact"] = draw(st.sampled_from(["comms@project.eu", "jürgen@projekt-énergie.eu", "a.b+c@x.org"]))
    data: dict[str, Any] = {"project": project}

    funding: dict[str, Any] = {"grant_agreement": draw(st.sampled_from([grant, int(grant)]))}
    if maybe(draw):
        funding["programme"] = draw(setting_words(1, 3, hostile))
    if maybe(draw):
        funding["granting_authority"] = draw(setting_words(1, 2, hostile))
    if maybe(draw):
        funding["statement"] = draw(funding_statements(grant, hostile))
    if maybe(draw):
        funding["disclaimer"] = draw(setting_words(3, 10, hostile))
    if maybe(draw):
        funding["emblem"] = draw(st.booleans())
    data["funding"] = funding

    if maybe(draw):
        colour = st.sampled_from(["#0B5394", "#fff", "#1b3a5c", "#000000", "#ABC"])
        brand: dict[str, Any] = {}
        for key in ("primary_color", "secondary_color", "text_color", "background_color"):
            if maybe(draw):
                brand[key] = draw(colour)
        if maybe(draw):
            brand["font"] = draw(st.sampled_from(["Georgia, serif", "'Noto Sans', Arial", "Ünïcode Sans", '"3D Type", serif']))
        data["brand"] = brand

    # Without a service or an unsubscribe page the emails' unsubscribe link goes nowhere: a `check` error.
    esp = draw(st.sampled_from(["mailchimp", "brevo", "listmonk", "buttondown", "generic"]))
    email: dict[str, Any] = {"esp": esp}
    if esp == "generic":
        email["unsubscribe_url"] = "https://lists.mail-service.eu/unsubscribe?list=1&u=é"
    if maybe(draw):
        email["from"] = f'"{draw(safe_words(1, 3)).replace(chr(34), "")}" <news@{host.split(":")[0]}>'
    if maybe(draw):
        email["reply_to"] = "comms@project.eu"
    utm = draw(st.sampled_from(["default", "table", "off"]))
    if utm == "table":
        email["utm"] = {"source": draw(safe_words(1, 2)), "medium": "email"}
    elif utm == "off":
        email["utm"] = False
    if maybe(draw):
        email["utm_exclude"] = ["https://doi.org/"]
    data["email"] = email

    if maybe(draw):
        data["feeds"] = {"max_items": draw(st.integers(1, 5))}

    if maybe(draw):
        social: dict[str, Any] = {}
        if maybe(draw):
            social["hashtags"] = draw(st.lists(setting_words(1, 2, hostile), max_size=3))
        if maybe(draw):
            accounts = {"x": "@proj_x", "mastodon": "@proj@mastodon.social", "bluesky": "@proj.bsky.social",
                        "linkedin": "urn:li:organization:1234", "threads": "@proj"}
            chosen = draw(st.lists(st.sampled_from(PLATFORMS), min_size=1, max_size=5, unique=True))
            social["accounts"] = {platform: accounts[platform] for platform in chosen}
        if maybe(draw):
            social["limits"] = {"mastodon": draw(st.sampled_from([500, 1000, 11000]))}
        data["social"] = social

    partners = []
    for index in range(draw(st.integers(0, 3))):
        partner: dict[str, Any] = {"name": f"{draw(setting_words(1, 3, hostile))} {index}"}
        if maybe(draw):
            partner["short"] = draw(st.sampled_from(["LIST", "CNRS", "DFKI", "Ü-Lab", "R&D"])) + str(index)
        if maybe(draw):
            partner["country"] = draw(st.sampled_from(["LU", "FR", "DE", "ES"]))
        if maybe(draw):
            partner["role"] = draw(setting_words(1, 2, hostile))
        if maybe(draw):
            partner["url"] = draw(st.sampled_from(["https://www.list.lu/", "https://partner.example.net/a%20b/?q=%C3%A9",
                                                   "https://partner.example.net/ä/?q=é"]))
        if image_paths and maybe(draw):
            partner["logo"] = draw(st.sampled_from(image_paths))
        if maybe(draw):
            partner["handles"] = {"x": f"@partner{index}", "mastodon": f"@p{index}@scholar.social"}
        partners.append(partner)
    if partners:
        data["partners"] = partners

    if maybe(draw):
        smtp: dict[str, Any] = {"host": "127.0.0.1"}
        if maybe(draw):
            smtp["port"] = draw(st.sampled_from([25, 465, 587, 2525]))
        if maybe(draw):
            smtp["user"] = draw(st.sampled_from(["news", "jürgen"]))
        if maybe(draw):
            smtp["security"] = draw(st.sampled_from(["starttls", "ssl", "none"]))
        if maybe(draw):
            smtp["max_recipients"] = draw(st.integers(1, 20))
        data["smtp"] = smtp
    return data


@st.composite
def funding_statements(draw: st.DrawFn, grant: str, hostile: bool = True) -> str:
    """A funding statement giving the grant number: the EU's sentence, or text around it."""
    form = draw(st.sampled_from(["eu", "eu-ascii", "eu-wrapped", "custom"]))
    if form == "eu":
        return EU_STATEMENT.format(grant=grant)
    if form == "eu-ascii":
        return EU_STATEMENT.format(grant=grant).replace("’", "'")
    if form == "eu-wrapped":
        return "\n".join(textwrap.wrap(EU_STATEMENT.format(grant=grant), 40))
    return f"{draw(setting_words(1, 4, hostile))} Funded by the EU & partners under grant agreement No {grant}."


# Items and issues --------------------------------------------------------------------------

@dataclass
class DrawnItem:
    path: str
    slug: str
    day: date
    meta: dict[str, Any]
    body: str = ""


@st.composite
def item_meta(draw: st.DrawFn, day: date, image_paths: list[str], item_type: str,
              hostile: bool = True) -> dict[str, Any]:
    """Front matter of a news item: required keys only, every optional key, or a random mix."""
    mode = draw(st.sampled_from(["minimal", "full", "mixed", "mixed"]))

    def want() -> bool:
        return mode == "full" or (mode == "mixed" and draw(st.booleans()))

    meta: dict[str, Any] = {"title": draw(words(hostile=hostile)), "date": draw(moments(day))}
    if item_type != "news" or want():
        meta["type"] = item_type
    if want():
        meta["summary"] = draw(words(1, 12, hostile))
    if want():
        meta["tags"] = draw(st.lists(st.one_of(st.sampled_from(["Battery 2030+", "Open Science", "Énergie",
                                                                "电池", "Events"]), words(1, 2, hostile)),
                                     max_size=4))
    if want():
        meta["work_packages"] = draw(st.lists(st.sampled_from(["WP1", "WP2", "WP7", 3]), max_size=3, unique=True))
    if image_paths and want():
        meta["image"] = draw(st.sampled_from(image_paths))
        meta["image_alt"] = draw(words(hostile=hostile))
    if want():
        meta["author"] = draw(words(1, 3, hostile))
    if want():
        meta["url"] = draw(st.sampled_from(["https://www.project-wordpress.eu/2024/01/kick-off/", "https://www.list.lu/news?id=5&é=1"]))
    if item_type == "event" and (want() or not hostile) or (mode == "full" and item_type != "event" and draw(st.booleans())):
        event: dict[str, Any] = {"start": draw(moments(day + timedelta(days=draw(st.integers(0, 60)))))}
        if want():
            event["end"] = (day + timedelta(days=draw(st.integers(61, 70)))).isoformat()
        if want():
            event["location"] = draw(words(1, 3, hostile))
        if want():
            event["url"] = "https://events.example.net/register?id=1&x=é"
        meta["event"] = event
    if item_type == "publication" and want() or (mode == "full" and item_type != "publication" and draw(st.booleans())):
        publication: dict[str, Any] = {}
        if want():
            publication["doi"] = draw(st.sampled_from(["10.1038/s41586-020-2649-2", "https://doi.org/10.5281/zenodo.1",
                                                       *(["10.1000/a<b>&c"] if hostile else [])]))
        if want():
            publication["venue"] = draw(words(1, 4, hostile))
        if want():
            publication["authors"] = draw(st.one_of(st.lists(words(1, 2, hostile), min_size=1, max_size=3),
                                                    st.just("Müller, A.; 李, B.; O'Brien, C.")))
        if want():
            publication["open_access_url"] = "https://zenodo.org/records/1?download=1&x=é"
        meta["publication"] = publication
    if want():
        meta["social"] = draw(st.one_of(
            st.just(False),
            st.dictionaries(st.sampled_from(PLATFORMS), words(1, 12, hostile), min_size=1, max_size=3),
        ))
    if want():
        meta["draft"] = draw(st.booleans())
    if want():
        meta["id"] = f"tag:old.example.net,2020-01-01:{draw(st.integers(0, 10**6))}"
    return meta


FAULT_KINDS = (
    "bad-yaml", "missing-title", "bad-date", "missing-image", "image-without-alt", "duplicate-slug",
    "bad-type", "draft-typo", "missing-body-image", "bad-toml", "bad-setting", "bad-site-url",
    "unsafe-settings-url", "not-utf8", "no-closing-fence", "event-ends-before-start", "bad-url",
    "missing-logo", "placeholder-grant", "dead-md-link", "authors-number", "extreme-date",
    "image-outside-content", "symlink-out", "yaml-timestamp", "tampered-manifest", "control-in-setting", "unknown-item",
    "duplicate-number",
)
NEEDS_ISSUES = ("unknown-item", "duplicate-number")
# Faults the build may get through ("check" and "either", and those it gets through today): they tell
# something only about a project that builds without them, so they are tried on plain projects.
PLAIN_FAULTS = ("bad-site-url", "unsafe-settings-url", "draft-typo", "missing-body-image", "missing-logo", "placeholder-grant", "dead-md-link",
                "duplicate-number", "authors-number", "extreme-date", "image-outside-content", "symlink-out",
                "yaml-timestamp", "tampered-manifest")


@st.composite
def projects(draw: st.DrawFn, fault: str | None = None, hostile: bool = True) -> ProjectSpec:
    """A whole project: settings, images, 1-4 items, 0-3 issues, a reference day and maybe a fault.

    `fault` names the kind of fault to add (one of FAULT_KINDS), "any" draws one, None adds none.
    A project that is not `hostile` has plain (if international) text and gives events their details:
    a fault the build must get through is tried on it, where a hostile project may not build at all.
    """
    files: dict[str, bytes] = {}
    content_images = draw(images())
    for relative, data in content_images.items():
        files[f"content/{relative}"] = data
    image_paths = sorted(content_images)
    grant = str(draw(st.integers(101000001, 101999999)))

    start = date(draw(st.integers(1995, 2034)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    items: list[DrawnItem] = []
    slugs: set[str] = set()
    for index in range(draw(st.integers(1, 4))):
        day = start + timedelta(days=draw(st.integers(0, 400)))
        stem = draw(st.sampled_from(FILE_STEMS))
        path = f"content/news/{day.isoformat()}-{stem}.md"
        if path in files or any(item.path == path for item in items):
            path = f"content/news/{day.isoformat()}-{stem}-{index}.md"
        # Hostile projects start with an event, so that one with only the required keys is common.
        item_type = "event" if hostile and index == 0 else draw(st.sampled_from(ITEM_TYPES))
        meta = draw(item_meta(day, image_paths, item_type, hostile))
        slug = default_slug(Path(path))
        if slug in slugs or not slug:
            slug = f"item-{index}"
            meta["slug"] = slug
        slugs.add(slug)
        items.append(DrawnItem(path, slug, day, meta))
    issues = []
    numbers = draw(st.lists(st.integers(1, 99), min_size=1 if fault in NEEDS_ISSUES else 0, max_size=3, unique=True))
    issue_slugs: set[str] = set()
    for index, number in enumerate(numbers):
        day = start + timedelta(days=draw(st.integers(0, 420)))
        meta: dict[str, Any] = {"title": draw(words(hostile=hostile)), "date": day}
        if maybe(draw):
            meta["number"] = number
        if maybe(draw):
            meta["subject"] = draw(words(1, 10, hostile))
            if hostile and draw(st.integers(0, 3)) == 0:
                meta["subject"] += draw(st.sampled_from(["\r\nBcc: victim@example.net", "\nX-Injected: 1", "\r"]))
        if maybe(draw):
            meta["preheader"] = draw(words(1, 15, hostile))
        if maybe(draw):
            meta["items"] = draw(st.lists(st.sampled_from([item.slug for item in items]), unique=True, max_size=4))
        stem = draw(st.sampled_from(["issue", f"issue-{number}", "numéro spécial", "#1 issue?"]))
        path = f"content/issues/{day.isoformat()}-{stem}.md"
        slug = default_slug(Path(path))
        if slug in issue_slugs or not slug or path in files:
            slug = f"issue-{index}-{number}"
            meta["slug"] = slug
        issue_slugs.add(slug)
        editorial = draw(markdown_body([f"../{p}" for p in image_paths] + image_paths, [], hostile))
        files[path] = front_matter(meta, editorial)
        issues.append(path)

    settings_data = draw(settings(image_paths, grant, hostile))
    files["newsletter.toml"] = tomli_w.dumps(settings_data).encode()

    dates = sorted({item.day for item in items} | {date.fromisoformat(Path(p).name[:10]) for p in issues})
    # Half the time after everything (all published), else amid the content (issues being prepared).
    as_of = draw(st.one_of(st.just(dates[-1]), st.sampled_from(dates))) + timedelta(days=draw(st.integers(-3, 3)))

    # A link to another item's file is to an item published by then: one not yet published is a dead link.
    # (A date-time's offset may move an item a day either way in the project's time zone.)
    published = [Path(item.path).name for item in items if item.meta.get("draft") is not True and item.day < as_of]
    # Now and then a text pasted from a PDF brings a form feed along.
    pasted = hostile and draw(st.integers(0, 4)) == 0
    for item in items:
        others = [name for name in published if name != Path(item.path).name]
        item.body = draw(markdown_body(image_paths, others, hostile))
        if pasted and item is items[0]:
            item.body += "\nPasted from a PDF, page one\x0cpage two.\n"
        files[item.path] = front_matter(item.meta, item.body)
    spec = ProjectSpec(files, as_of)
    if fault is None:
        return spec
    kind = draw(st.sampled_from(FAULT_KINDS if issues else FAULT_KINDS[:-2])) if fault == "any" else fault
    return ProjectSpec(files, as_of, draw(fault_for(spec, items, issues, settings_data, kind)))


# Faults ------------------------------------------------------------------------------------

def _replace_meta(spec: ProjectSpec, path: str, change: Any) -> bytes:
    """Re-write a content file with its front matter changed by `change(meta) -> meta`."""
    text = spec.text(path)
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    return front_matter(change(meta), body)


@st.composite
def fault_for(draw: st.DrawFn, spec: ProjectSpec, items: list[DrawnItem], issues: list[str],
              settings_data: dict[str, Any], kind: str) -> Fault:
    item = draw(st.sampled_from(items))
    toml = settings_data

    def item_fault(change: Any, expect: str = "build") -> Fault:
        return Fault(kind, item.path, {item.path: _replace_meta(spec, item.path, change)}, expect)

    def settings_fault(change: Any, expect: str = "build") -> Fault:
        data = {key: (dict(value) if isinstance(value, dict) else value) for key, value in toml.items()}
        change(data)
        return Fault(kind, "newsletter.toml", {"newsletter.toml": tomli_w.dumps(data).encode()}, expect)

    if kind == "bad-yaml":
        text = spec.text(item.path).replace("---\n", "---\ntitle: Kick-off: Luxembourg\n\tdate: x\n", 1)
        return Fault(kind, item.path, {item.path: text.encode()}, "build")
    if kind == "missing-title":
        return item_fault(lambda meta: {k: v for k, v in meta.items() if k != "title"})
    if kind == "bad-date":
        bad = draw(st.sampled_from(["2023-13-01", "next tuesday", "2024-02-30", "12/03/2024"]))
        return item_fault(lambda meta: {**meta, "date": bad})
    if kind == "missing-image":
        return item_fault(lambda meta: {**meta, "image": "images/not there.png", "image_alt": "Alt"})
    if kind == "image-without-alt":
        path = next((p[len("content/"):] for p in spec.files if p.startswith("content/images/")), "images/x.png")
        return item_fault(lambda meta: {**{k: v for k, v in meta.items() if k != "image_alt"}, "image": path})
    if kind == "duplicate-slug":
        other = next((o for o in items if o is not item), None)
        if other is None:
            copy = item.path.replace(".md", "-copy.md")
            return Fault(kind, copy, {copy: _replace_meta(spec, item.path, lambda meta: {**meta, "slug": item.slug})},
                         "build", (item.path,))
        return Fault(kind, item.path, {item.path: _replace_meta(spec, item.path, lambda meta: {**meta, "slug": other.slug})},
                     "build", (other.path,))
    if kind == "bad-type":
        return item_fault(lambda meta: {**meta, "type": "webinar"})
    if kind == "draft-typo":
        return item_fault(lambda meta: {**meta, "darft": True}, "check")
    if kind == "missing-body-image":
        text = spec.text(item.path) + "\n![Team](images/missing-team.png)\n"
        return Fault(kind, item.path, {item.path: text.encode()}, "check")
    if kind == "bad-toml":
        broken = spec.text("newsletter.toml").replace("[project]", "[project\nname = ", 1)
        return Fault(kind, "newsletter.toml", {"newsletter.toml": broken.encode()}, "build")
    if kind == "bad-setting":
        key, value = draw(st.sampled_from([("primary_color", "blue"), ("timezone", "Mars/Olympus"),
                                           ("esp", "brvo"), ("max_items", 0), ("font", "Arial; } body { display: none"),
                                           ("font", "</style><script>alert(1)</script>")]))
        table = {"primary_color": "brand", "timezone": "project", "esp": "email", "max_items": "feeds", "font": "brand"}[key]
        return settings_fault(lambda data: data.setdefault(table, {}).__setitem__(key, value)
                              if isinstance(data.get(table, {}), dict) else None)
    if kind == "bad-site-url":
        url = draw(st.sampled_from(["https://", "https://host.eu/news/?x=1", "https://host.eu/#top",
                                    "https://host .eu/news/"]))
        return settings_fault(lambda data: data["project"].__setitem__("site_url", url))
    if kind == "unsafe-settings-url":
        url = draw(st.sampled_from(["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                    "https://partner.example.net/a b/?q=é"]))

        def unsafe(data: dict[str, Any]) -> None:
            data["partners"] = [*data.get("partners", []), {"name": "Evil partner", "url": url}]
        return settings_fault(unsafe)
    if kind == "control-in-setting":
        # A line break in a name or an address would reach email headers; a form feed breaks XML.
        table, key, value = draw(st.sampled_from([("project", "name", "Line\r\nBreak"), ("project", "name", "Line\nFeed"),
                                                  ("project", "tagline", "a\x0cb"), ("funding", "disclaimer", "page\x0cbreak"),
                                                  ("funding", "programme", "Horizon\rEurope")]))
        return settings_fault(lambda data: data[table].__setitem__(key, value))
    if kind == "not-utf8":
        return Fault(kind, item.path, {item.path: spec.files[item.path].replace(b"---\n", "---\n# caf\xe9\n".encode("latin-1"), 1)}, "build")
    if kind == "no-closing-fence":
        return Fault(kind, item.path, {item.path: b"---\ntitle: x\ndate: 2024-01-01\nbody without a fence\n"}, "build")
    if kind == "event-ends-before-start":
        return item_fault(lambda meta: {**meta, "type": "event", "event": {"start": "2024-05-02", "end": "2024-05-01"}})
    if kind == "bad-url":
        return item_fault(lambda meta: {**meta, "url": "www.partner.eu/news"})
    if kind == "missing-logo":
        return settings_fault(lambda data: data["project"].__setitem__("logo", "images/no-logo.png"), "check")
    if kind == "placeholder-grant":
        def placeholder(data: dict[str, Any]) -> None:
            data["funding"] = {"grant_agreement": "101000000"}
        return settings_fault(placeholder, "check")
    if kind == "dead-md-link":
        text = spec.text(item.path) + "\nSee [the old post](2020-01-01-no-such-item.md).\n"
        return Fault(kind, item.path, {item.path: text.encode()}, "check")
    if kind == "authors-number":
        return item_fault(lambda meta: {**meta, "publication": {"authors": 5}}, "either")
    if kind == "extreme-date":
        when = draw(st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-11:00"]))
        return item_fault(lambda meta: {**meta, "date": when}, "either")
    if kind == "image-outside-content":
        where = draw(st.sampled_from(["../newsletter.toml", "/etc/passwd", "images", "images/noext"]))
        return item_fault(lambda meta: {**meta, "image": where, "image_alt": "Alt"}, "either")
    if kind == "symlink-out":
        # The link itself is made by the runner (ProjectSpec cannot hold one); the fault names it.
        return Fault(kind, "content/images/linked.png", {}, "either")
    if kind == "yaml-timestamp":
        text = spec.text(item.path).replace("---\n", "---\npublished_on: !!timestamp 2024-01-01\n", 1)
        return Fault(kind, item.path, {item.path: text.encode()}, "either")
    if kind == "tampered-manifest":
        return Fault(kind, "output/manifest.json", {}, "either")
    if kind == "unknown-item":
        issue = draw(st.sampled_from(issues))
        return Fault(kind, issue, {issue: _replace_meta(spec, issue, lambda meta: {**meta, "items": ["no-such-item"]})},
                     "build")
    assert kind == "duplicate-number"
    first = issues[0]
    second = issues[1] if len(issues) > 1 else first.replace(".md", "-again.md")
    changed = {first: _replace_meta(spec, first, lambda meta: {**meta, "number": 7}),
               second: _replace_meta(spec, first, lambda meta: {**meta, "number": 7, "slug": "issue-again"})}
    return Fault(kind, second, changed, "check", (first,))
