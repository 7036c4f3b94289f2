"""Paths become URLs in one place: any file name, percent-encoded once, the same in every channel."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.check import check_project
from newsletter.preview.app import PreviewApp
from newsletter.preview.builder import PreviewBuilder
from newsletter.urls import url_path

from .conftest import REPO
from .outputs import built_files, html_urls, is_valid_url, link_faults, output_urls
from .test_preview_app import Client
from .validators import nu_errors

SITE_URL = "https://example.org/news/"
AS_OF = date(2024, 12, 31)
PNG = (REPO / "content" / "images" / "logo.png").read_bytes()
# Letters a URL cannot hold as they are, or that change its meaning, and some that need UTF-8.
AWKWARD = [" ", "#", "?", "%", "%20", "&", "+", ":", ";", "=", "'", '"', "(", ")", "[", "]", "@", "!", "$", ",",
           "~", "é", "Ü", "ß", "ø", "漢", "ق", "😀", "\u00a0"]
NAME_LETTERS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), blacklist_characters="/\\")


def _usable(name: str) -> bool:
    return bool(name.strip()) and not name.startswith(".") and len(name.encode()) < 200


file_names = st.lists(st.one_of(st.sampled_from(AWKWARD), NAME_LETTERS), min_size=1, max_size=10).map("".join).filter(
    _usable)


def toml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def write_project(root: Path, names: list[str]) -> dict[str, str]:
    """A project whose every file reference uses one of `names`; returns the content path of each use."""
    paths = {
        "logo": f"images/{names[0]}.png",
        "partner": f"images/partners/{names[1]}.png",
        "item": f"images/{names[2]}.png",
        "body": f"images/{names[3]}.png",
        "editorial": f"images/{names[4]}.png",
        "report": f"files/{names[5]}.pdf",
    }
    for key, path in paths.items():
        file = root / "content" / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"%PDF-1.4\n" if key == "report" else PNG)
    (root / "newsletter.toml").write_text(f"""\
[project]
name = "Paths"
site_url = "{SITE_URL}"
timezone = "Europe/Brussels"
logo = {toml_text(paths["logo"])}

[funding]
grant_agreement = "101104032"
granting_authority = "CINEA"

[email]
esp = "mailchimp"
from = "Paths <news@example.org>"

[[partners]]
name = "Partner"
short = "PA"
url = "https://partner.example.org/"
logo = {toml_text(paths["partner"])}
""", encoding="utf-8")
    (root / "content" / "news").mkdir(parents=True)
    (root / "content" / "news" / "2024-01-10-pictures.md").write_text(f"""\
---
title: Pictures
date: 2024-01-10
summary: An item with pictures.
image: {json.dumps(paths["item"], ensure_ascii=False)}
image_alt: The item's picture
---
Here is another: ![In the body](../{quote(paths["body"])}) and [the report](../{quote(paths["report"])}).
""", encoding="utf-8")
    (root / "content" / "issues").mkdir(parents=True)
    (root / "content" / "issues" / "2024-01-31-issue-1.md").write_text(f"""\
---
title: Issue one
number: 1
date: 2024-01-31
---
Welcome. ![The team](../{quote(paths["editorial"])})
""", encoding="utf-8")
    return paths


EXAMPLES = 8


def made_for_email(files: dict[str, bytes], path: str) -> str | None:
    """The copy of content file `path` that the email of issue 1 shows (`images/x.png` -> `.../images/x-200w.png`)."""
    stem = path.removeprefix("images/").rsplit(".", 1)[0]
    return next((made for made in files if re.fullmatch(re.escape(f"issues/issue-1/images/{stem}-") + r"\d+w\.png", made)),
                None)


def _check_names(tmp_path: Path, pages: list[Path]) -> None:
    """Build projects with generated file names, check every URL, and collect their web pages."""

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(names=st.lists(file_names, min_size=6, max_size=6, unique=True))
    def build_with(names: list[str]) -> None:
        root = tmp_path / f"project-{len(list(tmp_path.iterdir()))}"
        paths = write_project(root, names)
        result = build_project(root, BuildOptions(as_of=AS_OF, use_cache=False))
        files = built_files(result.outputs)
        for _file, written, url in output_urls(files, SITE_URL):
            assert is_valid_url(url), (written, url)
        assert link_faults(files, SITE_URL) == []
        found = {url for _file, _written, url in output_urls(files, SITE_URL)}
        for path in paths.values():  # the email links the copy it makes of an image: its name says which
            assert SITE_URL + url_path(path) in found or made_for_email(files, path), "every file is linked, at its one URL"
        for drafts in (json.loads(files["social/drafts.json"]), csv.DictReader(io.StringIO(files["social/drafts.csv"].decode()))):
            for draft in drafts:
                image = draft.get("image") or draft.get("Image URL")
                assert image == SITE_URL + url_path(paths["item"])
                assert unquote(urlsplit(image).path).removeprefix("/news/") in files
        message = message_from_bytes(files["issues/issue-1/email.eml"], policy=policy.default)
        attached = [part.get_content() for part in message.walk() if part.get_content_maintype() == "image"]
        assert attached and all(data.startswith(b"\x89PNG\r\n\x1a\n") for data in attached)
        body = message.get_body(("html",)).get_content()
        assert not [src for src in html_urls(body) if src.startswith(SITE_URL + "images/")], "attached, not linked"
        # The site stays on example.org, a placeholder host, so that addresses read plainly here.
        errors = [f for f in check_project(root, AS_OF) if f.severity.value == "error" and f.code != "placeholder"]
        assert errors == []
        pages.extend(result.out_dir / path for path in files if path.endswith("index.html"))

    build_with()


def test_any_file_name_gives_valid_urls_that_resolve_and_valid_pages(tmp_path: Path):
    pages: list[Path] = []
    _check_names(tmp_path, pages)
    assert len(pages) == EXAMPLES * 3  # archive, issue and item page
    # The Nu checker starts a Java machine: once for the pages of every project.
    assert nu_errors(pages) == []


def test_a_link_relative_to_the_issue_file_stays_inside_the_site(tmp_path: Path):
    root = tmp_path / "project"
    write_project(root, ["logo", "list", "kick-off", "lab", "team", "d2.1"])
    result = build_project(root, BuildOptions(as_of=AS_OF, use_cache=False))
    files = built_files(result.outputs)
    web = [urljoin(SITE_URL + "issues/issue-1/", url) for url in html_urls(files["issues/issue-1/index.html"])]
    email = list(html_urls(files["issues/issue-1/email.html"]))
    text = files["issues/issue-1/email.txt"].decode()
    made = made_for_email(files, "images/team.png")
    assert SITE_URL + "images/team.png" in web and made and SITE_URL + made in email
    assert "[The team]" in text and "](" not in text, "the plain text names the image, without Markdown"
    assert "https://example.org/images/team.png" not in web + email
    assert not any(url.startswith("https://example.org/issues/") for url in web + email)


def test_the_preview_serves_every_image_of_the_email(tmp_path: Path):
    root = tmp_path / "project"
    paths = write_project(root, ["lo go", "pa#rt", "it?em", "bo%dy", "édito", "re port"])
    builder = PreviewBuilder(root, tmp_path / "build", as_of=AS_OF)
    builder.rebuild()
    client = Client(PreviewApp(builder))
    email = client.text("/__preview/frame/light/issues/issue-1/email.html")
    sources = [urlsplit(url).path for url in html_urls(email) if url.startswith("/__preview/")]
    assert len(sources) >= 6  # logo, item, editorial, emblem, partner logo, the web pages linked
    for src in sources:
        # A WSGI server hands the app the percent-decoded path, as latin-1 text of its UTF-8 bytes.
        status, _headers, _data = client.get(unquote(src).encode("utf-8").decode("latin-1"))
        assert status == 200, src
    served = {unquote(src).split("/light/", 1)[1]: b"" for src in sources}
    for key in ("item", "editorial", "logo", "partner"):
        assert made_for_email(served, paths[key]), key


# Addresses as people write them: spaces, letters of any script, characters URLs must escape, escapes.
URL_PIECES = [" ", "#", "?", "%", "%20", "%C3%A9", "+", "=", "&", "'", "(", ")", "[", "]", "!", "$", ",", "~", "|",
              "{", "}", "^", "`", "é", "ß", "ø", "漢", "ق", "😀", "\u00a0", "a", "Z", "0", "-", ".", "_"]
# Between letters: spaces around an address are no part of it.
url_tails = st.lists(st.sampled_from(URL_PIECES), min_size=1, max_size=8).map(lambda pieces: f"a{''.join(pieces)}z")


def no_spaces(tail: str) -> str:
    """An address in a `url:` key or a setting may not hold spaces (the build refuses it): leave them out."""
    return "".join(char for char in tail if not char.isspace())


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tails=st.lists(url_tails, min_size=6, max_size=6),
       doi=st.lists(st.sampled_from([*URL_PIECES, "<", ">", '"']), min_size=1, max_size=8).map(lambda p: f"a{''.join(p)}z"),
       mailbox=st.sampled_from(["jürgen", "o'brien", "a.b+c", "漢字", "100%"]))
def test_any_address_in_content_or_settings_reaches_every_output_percent_encoded_once(
        tmp_path_factory, tails: list[str], doi: str, mailbox: str):
    base = "https://partner.example.org/"
    body, canonical, event, access, partner, unsubscribe = (
        base + (tail if index == 0 else no_spaces(tail)) for index, tail in enumerate(tails))
    contact = f"{mailbox}@partner.example.org"
    root = tmp_path_factory.mktemp("addresses")
    (root / "newsletter.toml").write_text(f"""\
[project]
name = "Addresses"
site_url = "{SITE_URL}"
contact = {toml_text(contact)}

[funding]
grant_agreement = "101104032"

[email]
esp = "generic"
unsubscribe_url = {toml_text(unsubscribe)}
utm = false

[[partners]]
name = "Partner"
url = {toml_text(partner)}
""", encoding="utf-8")
    item = {"title": "Addresses", "date": "2024-01-10", "type": "event", "url": canonical,
            "event": {"start": "2024-02-01", "url": event},
            "publication": {"doi": f"10.1000/{doi}", "open_access_url": access}}
    (root / "content" / "news").mkdir(parents=True)
    (root / "content" / "news" / "2024-01-10-addresses.md").write_text(
        f"---\n{json.dumps(item, ensure_ascii=False)}\n---\nSee [the call](<{body}>).\n", encoding="utf-8")
    (root / "content" / "issues").mkdir(parents=True)
    (root / "content" / "issues" / "2024-01-31-issue-1.md").write_text(
        "---\ntitle: Issue one\nnumber: 1\ndate: 2024-01-31\n---\nWelcome.\n", encoding="utf-8")
    files = built_files(build_project(root, BuildOptions(as_of=AS_OF, use_cache=False)).outputs)
    for file, written, url in output_urls(files, SITE_URL):
        assert is_valid_url(url), (file, written)

    def decoded(path: str) -> set[str]:
        return {same(url) for _file, _written, url in output_urls({path: files[path]}, SITE_URL)}

    item_page, email = decoded("news/addresses/index.html"), decoded("issues/issue-1/email.html")
    for written in (body, canonical, event, access, f"https://doi.org/10.1000/{doi}", f"mailto:{contact}"):
        assert same(written) in item_page, written
    for written in (partner, unsubscribe, f"mailto:{contact}"):  # the email shows items as cards, not their text
        assert same(written) in email, written


def same(url: str) -> str:
    """`url` decoded, without an empty query or fragment (`a?#` leads where `a` does)."""
    return unquote(urlunsplit(urlsplit(url)))


_SEGMENT = st.sampled_from(["", ".", "..", "a", "news", "é", "x y", "%", "?", "#", ":", "a:b", "...", "%2F", "\\", "ü.md"])


@settings(max_examples=400)
@given(st.sampled_from(["https://x.eu", "http://héllo.example:8080", "https://x.eu:8443"]),
       st.lists(_SEGMENT, max_size=4), st.lists(_SEGMENT, max_size=5), st.booleans())
def test_a_site_address_joins_a_path_as_urljoin_does(host, base_segments, segments, folder):
    from newsletter.urls import site_join

    site_url = host + "/" + "".join(quote(segment) + "/" for segment in base_segments)
    path = url_path("/".join(segments) + ("/" if folder else ""))
    assert site_join(site_url, path) == urljoin(site_url, path)


@settings(max_examples=300)
@given(st.text(st.sampled_from("ab:/?#.%é 1+-"), max_size=12))
def test_an_address_is_told_from_a_path_as_urlsplit_tells_them(text):
    from newsletter.urls import is_absolute

    assert is_absolute(text) == (bool(urlsplit(text).scheme) or text.startswith("//"))


_QUERY_TEXT = st.text(st.sampled_from("aZ09_.-~ +&=%/?#éü\u00a0"), max_size=6)


@settings(max_examples=300)
@given(st.lists(st.tuples(_QUERY_TEXT, _QUERY_TEXT), max_size=4))
def test_a_query_is_written_as_urlencode_writes_it(pairs):
    from urllib.parse import urlencode

    from newsletter.urls import query_string

    assert query_string(pairs) == urlencode(pairs)
