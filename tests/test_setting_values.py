"""Settings go into every email and page: no unsafe link, no line break in a header, no odd site_url."""

from __future__ import annotations

import re
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from newsletter.build import BuildOptions, build_project, load_site
from newsletter.errors import SettingsError
from newsletter.urls import MERGE_TAG
from newsletter.channels.email.mime import build_message
from newsletter.settings.load import load_settings

from .conftest import MINIMAL_SETTINGS, PUBLISHABLE_SETTINGS
from .validators import nu_errors

BASE = '[project]\nname = "P"\nsite_url = "https://example.org/news/"\n'
UNSAFE_SCHEMES = ["javascript:", "JaVaScRiPt:", "data:text/html,", "vbscript:", "file:///", "ftp://x/",
                  " javascript:", "\tjavascript:", "java\nscript:", "jav&#x09;ascript:", "blob:", "about:"]
link_setting = st.one_of(
    st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(UNSAFE_SCHEMES), st.text(max_size=20)),
    st.builds(lambda rest: "https://example.eu/" + rest, st.text(max_size=20)),
    st.sampled_from(["*|UNSUB|*", "{{ unsubscribe }}", "{{ UnsubscribeURL }}", "%unsubscribe_url%",
                     "mailto:comms@example.eu", "mailto:", "https://", "//example.eu/x", "images/logo.png",
                     "../secret.png", "/etc/passwd", "{{ javascript:alert(1) }}"]),
    st.text(max_size=30),
)
# Where each URL setting sits, and the schemes it may take.
LINK_KEYS = {
    "email.unsubscribe_url": ("[email]\nesp = \"generic\"\nunsubscribe_url = {value}\n", ("http", "https", "mailto")),
    "partners[0].url": ("[[partners]]\nname = \"X\"\nurl = {value}\n", ("http", "https", "mailto")),
    "partners[0].logo": ("[[partners]]\nname = \"X\"\nlogo = {value}\n", ("http", "https", "")),
    "project.logo": ("", ("http", "https", "")),
}


def toml_string(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def settings_with(tmp_path: Path, text: str):
    (tmp_path / "newsletter.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path)


def read_back(loaded, key: str) -> str | None:
    if key == "email.unsubscribe_url":
        return loaded.email.unsubscribe_url
    if key == "project.logo":
        return loaded.project.logo
    partner = loaded.partners[0]
    return partner.url if key.endswith("url") else partner.logo


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(LINK_KEYS)), value=link_setting)
def test_a_url_setting_is_a_safe_link_or_an_error_naming_its_key(tmp_path: Path, key: str, value: str):
    table, schemes = LINK_KEYS[key]
    text = BASE + (f"logo = {toml_string(value)}\n" if key == "project.logo" else "") + table.format(
        value=toml_string(value))
    try:
        loaded = settings_with(tmp_path, text)
    except SettingsError as exc:
        assert f"'{key}'" in str(exc)
        return
    accepted = read_back(loaded, key)
    if accepted is None:
        return
    if key == "email.unsubscribe_url" and MERGE_TAG.fullmatch(accepted):
        return
    assert not any(ord(char) < 32 or ord(char) == 127 for char in accepted)
    parts = urlsplit(accepted)
    assert parts.scheme.lower() in schemes
    if parts.scheme.lower() in ("http", "https"):
        assert parts.hostname and " " not in accepted
    if parts.scheme == "":
        assert not accepted.startswith("/") and ".." not in accepted.split("/")


def test_unsafe_setting_links_never_reach_the_email(make_project):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS + (
        '\n[[partners]]\nname = "Evil"\nurl = "javascript:alert(1)"\nlogo = "data:text/html,<b>x</b>"\n')})
    with pytest.raises(SettingsError) as caught:
        build_project(root, BuildOptions())
    message = str(caught.value)
    assert "'partners[0].url' must be an http(s) or mailto address (got 'javascript:alert(1)'" in message
    assert "'partners[0].logo' must be a path inside content/ or an http(s) address" in message
    assert not (root / "output").exists()


@pytest.mark.parametrize("site_url", [
    "https://", "https://example.org/?x=1", "https://example.org/#", "https://example.org/#top",
    "https://exa mple.org/", "https://user:secret@example.org/", "https://example.org:port/",
    "https://a..b/", "https://" + "a" * 64 + ".eu/", "javascript:alert(1)//https://x", "https:example.org",
    "https://ex\u00a0ample.eu/", "https://example.org/\n",
])
def test_an_unusable_site_url_is_refused(tmp_path: Path, site_url: str):
    with pytest.raises(SettingsError) as caught:
        settings_with(tmp_path, f'[project]\nname = "P"\nsite_url = {toml_string(site_url)}\n')
    assert "'project.site_url' must be" in str(caught.value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.text(min_size=1, max_size=30), path=st.sampled_from(["", "/", "/news", "/news/"]))
def test_an_accepted_site_url_makes_plain_page_addresses(tmp_path: Path, host: str, path: str):
    try:
        loaded = settings_with(tmp_path, f'[project]\nname = "P"\nsite_url = {toml_string(f"https://{host}{path}")}\n')
    except SettingsError as exc:
        assert "'project.site_url'" in str(exc)
        return
    url = loaded.project.site_url
    parts = urlsplit(url)
    assert url.endswith("/") and not parts.query and not parts.fragment and parts.netloc.isascii()
    assert parts.hostname and parts.hostname.encode("idna")


def test_a_host_in_another_script_is_written_in_its_dns_form_and_builds(make_project):
    root = make_project({"newsletter.toml": MINIMAL_SETTINGS.replace("https://example.org/news/",
                                                                     "https://bücher.example/news/")})
    result = build_project(root, BuildOptions())
    assert result.site.settings.project.site_url == "https://xn--bcher-kva.example/news/"
    eml = message_from_bytes((result.out_dir / "issues/issue-1/email.eml").read_bytes(), policy=policy.default)
    assert eml["Message-ID"].endswith("@xn--bcher-kva.example>")


ONE_LINE_KEYS = {
    "project.name": "[project]\nsite_url = \"https://example.org/\"\nname = {value}\n",
    "project.tagline": BASE + "tagline = {value}\n",
    "project.contact": BASE + "contact = {value}\n",
    "email.from": BASE + "[email]\nfrom = {value}\n",
    "email.reply_to": BASE + "[email]\nreply_to = {value}\n",
    "social.accounts.x": BASE + "[social]\naccounts = {{ x = {value} }}\n",
    "social.hashtags": BASE + "[social]\nhashtags = [{value}]\n",
    "partners[0].name": BASE + "[[partners]]\nname = {value}\n",
}
control = st.sampled_from(["\n", "\r", "\r\n", "\x00", "\x1b[31m", "\x7f", "\x0b", "\x0c"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(ONE_LINE_KEYS)), before=st.text(max_size=10), bad=control,
       after=st.text(max_size=10))
def test_a_line_break_or_control_character_in_a_one_line_setting_is_refused(tmp_path: Path, key, before, bad, after):
    value = f"News <news@example.org>{bad}Bcc: all@example.org" if key.startswith("email") else before + bad + after
    with pytest.raises(SettingsError) as caught:
        settings_with(tmp_path, ONE_LINE_KEYS[key].format(value=toml_string(value)))
    assert f"'{key.split('.')[0] if key == 'social.hashtags' else key}" in str(caught.value)


def test_the_funding_statement_may_span_lines(tmp_path: Path):
    loaded = settings_with(tmp_path, BASE + '[funding]\nstatement = """Funded by\nthe European Union."""\n')
    assert loaded.funding.statement == "Funded by\nthe European Union."


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    from .conftest import copy_example

    root = copy_example(tmp_path_factory.mktemp("site") / "example")
    return load_site(root, BuildOptions(use_cache=False))


@settings(max_examples=200, deadline=None)
@given(subject=st.text(max_size=80))
def test_any_subject_or_title_gives_a_one_line_subject_header(example_site, subject: str):
    edition = example_site.editions[0]
    edition = replace(edition, issue=replace(edition.issue, subject=subject))
    message = build_message(example_site, edition, "<p>Hi</p>", "Hi")
    parsed = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert str(parsed["Subject"]) == " ".join(subject.split())
    assert not re.search(r"[\r\n]", str(parsed["Subject"]))


@pytest.mark.parametrize("toml", [
    BASE + "x = " + "[" * 3000 + "]" * 3000 + "\n",
    BASE + "[" + ".".join(["a"] * 3000) + "]\nb = 1\n",
    BASE + "x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n",
])
def test_settings_nested_absurdly_deep_are_one_line(tmp_path: Path, toml: str):
    with pytest.raises(SettingsError) as caught:
        settings_with(tmp_path, toml)
    assert str(caught.value).startswith("newsletter.toml: tables or lists are nested too deeply to read")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=link_setting)
def test_content_urls_pass_the_same_check_as_settings(make_project, value: str):
    import yaml

    from newsletter.content.frontmatter import CONTROL_CHARACTERS
    from newsletter.content.loader import collect_catalog
    from newsletter.urls import WEB, encoded_url, link_problem

    item = "---\n" + yaml.safe_dump({"title": "T", "date": "2024-01-10", "url": value}) + "---\nBody\n"
    root = make_project({"content/news/2024-01-10-first-item.md": item})
    catalog, errors = collect_catalog(root, load_settings(root))
    written = CONTROL_CHARACTERS.sub(" ", value).strip()  # content reads a control character as a space
    if not written:
        assert errors == [] and catalog.items[0].url is None
    elif link_problem(written, WEB) is None:
        assert errors == [] and catalog.items[0].url == encoded_url(written)
    else:
        assert len(errors) == 1 and "'url' must be an absolute http(s) URL" in str(errors[0])
        assert errors[0].where.line == 4


# A CSS identifier (CSS Syntax 3, 4.3.10): a name-start character or an escape, then name characters or escapes.
_CSS_IDENT = r"(?:[A-Za-z_\u0080-\U0010ffff]|\\[0-9a-f]{1,6} )(?:[A-Za-z0-9_\-\u0080-\U0010ffff]|\\[0-9a-f]{1,6} )*"
_CSS_FAMILIES = re.compile(rf"{_CSS_IDENT}(?: {_CSS_IDENT})*(?:, {_CSS_IDENT}(?: {_CSS_IDENT})*)*")
font_text = st.text(alphabet=st.sampled_from([*"aZ9 -_,'\";{}<>/\\:!()", "é", "漢", "٣"]), max_size=24)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(font=font_text)
def test_a_font_setting_is_css_font_names_or_an_error_naming_its_key(tmp_path: Path, font: str):
    try:
        loaded = settings_with(tmp_path, BASE + f"[brand]\nfont = {toml_string(font)}\n")
    except SettingsError as exc:
        assert "'brand.font' must be font names separated by commas" in str(exc) and "\n" not in str(exc)
        return
    written = loaded.brand.font
    # The same text in a <style> and in an attribute: nothing for HTML escaping to change.
    assert str(escape(written)) == written
    assert _CSS_FAMILIES.fullmatch(written), written
    unescaped = re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)), written)
    names = [" ".join(name.strip(" '\"").split()) for name in (font or "Helvetica, Arial, sans-serif").split(",")]
    assert unescaped.split(", ") == names


def test_quoted_font_names_give_valid_css_in_every_page(make_project):
    font = "'Noto Sans', \"3D Type\", Ünïcode Sans, -apple-system, sans-serif"
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS + f"\n[brand]\nfont = {toml_string(font)}\n"})
    result = build_project(root, BuildOptions())
    pages = sorted(result.out_dir.rglob("index.html"))
    assert pages and nu_errors(pages) == []
    email = (result.out_dir / "issues/issue-1/email.html").read_text("utf-8")
    assert "font-family:Noto Sans, \\33 D Type, Ünïcode Sans, \\2d apple-system, sans-serif" in email
