"""One language done right: checked tags, theme strings from the shipped catalogs, Babel's dates, funding texts."""

from __future__ import annotations

import re
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.checks.languages import missing_translations
from newsletter.errors import SettingsError
from newsletter.funding import DISCLAIMER, FUNDED_BY_EU, OFFICIAL_LANGUAGES
from newsletter.dates import date_range, longdate
from newsletter.languages import LOCALE_DIR, is_known_language, packaged_languages, theme_message_ids
from newsletter.settings.load import load_settings
from newsletter.settings.languages import language_funding
from newsletter.templates import THEME_DIR

from .conftest import MINIMAL_SETTINGS, REPO

SHIPPED = ("de", "el", "en", "es", "fr", "it", "nl", "pl", "pt")
AS_OF = date(2024, 12, 31)


def _po(language: str) -> object:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file)


def _forms(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


def _msgid(message: object) -> str:
    key = message.id  # type: ignore[attr-defined]
    return key if isinstance(key, str) else key[0]


# Catalogs: complete, in step with the templates, compiled.

def test_the_package_ships_the_catalogs_of_our_users_languages():
    assert set(SHIPPED) <= set(packaged_languages())


def test_the_template_catalog_lists_exactly_the_strings_the_theme_marks():
    """Re-run `pybabel extract` (README) whenever a theme string changes: this fails until then."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (REPO / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    extracted = {message if isinstance(message, str) else message[0]
                 for _f, _l, message, _c, _x in extract_from_dir(str(REPO), method_map, options_map)}
    with (LOCALE_DIR / "messages.pot").open("rb") as file:
        listed = {_msgid(message) for message in read_po(file) if message.id}
    assert extracted == listed


@pytest.mark.parametrize("language", SHIPPED)
def test_every_theme_string_is_translated_with_its_placeholders(language: str):
    with (LOCALE_DIR / "messages.pot").open("rb") as file:
        wanted = {_msgid(message) for message in read_po(file) if message.id}
    catalog = _po(language)
    found = {}
    for message in catalog:  # type: ignore[attr-defined]
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: '{_msgid(message)}' is not translated"
        assert "fuzzy" not in message.flags, f"{language}: '{_msgid(message)}' is marked fuzzy"
        found[_msgid(message)] = strings
    assert set(found) == wanted
    # Babel's own checks: the same %(name)s placeholders on both sides, the right number of plural forms.
    problems = [(message.id, errors) for message, errors in catalog.check()]  # type: ignore[attr-defined]
    assert problems == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogs_hold_what_their_sources_say(language: str):
    """Run `pybabel compile` (README) after editing a .po file: this fails until then."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as file:
        compiled = {_msgid(message): _forms(message.string) for message in read_mo(file) if message.id}
    source = {_msgid(message): _forms(message.string) for message in _po(language) if message.id}  # type: ignore[attr-defined]
    assert compiled == source


# No English left in another language's email.

EVERY_STRING_SETTINGS = MINIMAL_SETTINGS + """
[social]
accounts = { mastodon = "@projekt@example.social" }

[[partners]]
name = "Partnerorganisation"
short = "PO"
url = "https://partner.example.org/"
"""

ITEMS = {
    "content/news/2024-01-10-eins.md": """\
        ---
        title: Erste Meldung
        date: 2024-01-10
        summary: Kurzfassung der ersten Meldung.
        author: Redaktion
        ---
        Inhalt.
        """,
    "content/news/2024-01-12-treffen.md": """\
        ---
        title: Das Treffen
        date: 2024-01-12
        type: event
        summary: Kurzfassung des Treffens.
        event: {start: 2024-09-09, end: 2024-09-13, location: Paderborn, url: "https://treffen.example.org/"}
        ---
        Inhalt.
        """,
    "content/news/2024-01-14-artikel.md": """\
        ---
        title: Der Artikel
        date: 2024-01-14
        type: publication
        summary: Kurzfassung des Artikels.
        publication: {doi: 10.1234/abcd, venue: Zeitschrift, authors: [A. Autor], open_access_url: "https://zenodo.org/records/1"}
        ---
        Inhalt.
        """,
    "content/issues/2024-01-31-issue-1.md": """\
        ---
        title: Ausgabe eins
        number: 1
        date: 2024-01-31
        ---
        Willkommen.
        """,
}


@pytest.fixture(scope="module")
def emails(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The email (HTML's visible text, and the text part) of one project built in French, German and English."""
    from bs4 import BeautifulSoup

    found = {}
    for language in ("fr", "de", "en"):
        root = tmp_path_factory.mktemp(f"email-{language}")
        (root / "newsletter.toml").write_text(EVERY_STRING_SETTINGS.replace(
            "[project]\n", f'[project]\nlanguage = "{language}"\n'), encoding="utf-8")
        for relative, text in ITEMS.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(textwrap.dedent(text), encoding="utf-8")
        build_project(root, BuildOptions(as_of=AS_OF, use_cache=False))
        folder = root / "output" / "issues" / "issue-1"
        html = BeautifulSoup((folder / "email.html").read_text(encoding="utf-8"), "html.parser")
        alts = " ".join(str(img.get("alt", "")) for img in html.find_all("img"))
        text = html.get_text(" ") + " " + alts + "\n" + (folder / "email.txt").read_text(encoding="utf-8")
        found[language] = re.sub(r"\S+://\S+|\S+@\S+", " ", text)  # addresses hold words like "newsletter"
    return found


def _fixed_parts(message: str) -> list[str]:
    """The words of a theme string between its placeholders and markup, long enough to tell apart."""
    text = re.sub(r"<[^>]+>|%\(\w+\)s", "\0", message)
    return [part.strip(" .:,“”") for part in text.split("\0") if len(part.strip(" .:,“”")) >= 4]


@pytest.mark.parametrize("language", ["fr", "de"])
def test_no_english_theme_string_leaks_into_the_email(emails: dict[str, str], language: str):
    english = {_msgid(message): message.string for message in _po("en") if message.id}  # type: ignore[attr-defined]
    own = {_msgid(message): message.string for message in _po(language) if message.id}  # type: ignore[attr-defined]
    def shows(text: str, part: str) -> bool:
        return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None

    shown_in_english = [part for key in english for part in _fixed_parts(key) if shows(emails["en"], part)]
    assert len(shown_in_english) >= 15  # the English email does show the strings looked for
    leaks = [part for key in english if own[key] != english[key]
             for part in _fixed_parts(key) if shows(emails[language], part) and part not in str(own[key])]
    assert leaks == []


def test_the_email_writes_dates_and_ranges_in_its_language(emails: dict[str, str]):
    assert "9–13 septembre 2024" in emails["fr"] and "31 janvier 2024" in emails["fr"]
    assert "9.–13. September 2024" in emails["de"] and "31. Januar 2024" in emails["de"]
    assert "9–13 September 2024" in emails["en"] and "31 January 2024" in emails["en"]


def test_the_funding_texts_follow_the_language(emails: dict[str, str]):
    assert "Financé par l'Union européenne – convention de subvention n° 101123456." in emails["fr"]
    assert "Finanziert von der Europäischen Union – Finanzhilfevereinbarung Nr. 101123456." in emails["de"]
    assert "der Bewilligungsbehörde (CINEA)" in emails["de"]
    assert "Funded by the European Union under grant agreement No 101123456." in emails["en"]


# Dates: Babel's forms in each shipped language.

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@settings(max_examples=60, deadline=None)
@given(day=days, language=st.sampled_from(SHIPPED))
def test_a_date_is_babels_long_form_in_the_language(day: date, language: str):
    expected = format_date(day, "long", locale="en_150" if language == "en" else language)
    assert longdate(day, language) == expected


@settings(max_examples=80, deadline=None)
@given(start=days, length=st.integers(min_value=1, max_value=800), language=st.sampled_from(SHIPPED))
def test_a_range_names_both_days_and_writes_months_in_full(start: date, length: int, language: str):
    end = start + timedelta(days=length)
    locale = Locale.parse("en_150" if language == "en" else language)
    text = date_range(start, end, language)
    assert str(end.year) in text and str(end.day) in text and str(start.day) in text
    assert format_date(end, "MMMM", locale=locale) in text  # the month in full, in the form a date uses
    if start.year != end.year:
        assert str(start.year) in text
    if (start.year, start.month) == (end.year, end.month):
        assert text.count(str(end.year)) == 1  # one month, written once


def test_a_range_of_one_day_is_that_day():
    assert date_range(date(2024, 9, 9), date(2024, 9, 9), "de") == "9. September 2024"


# Settings: known languages only; funding texts per language.

def _settings(tmp_path: Path, project: str = "", funding: str = "") -> object:
    (tmp_path / "newsletter.toml").write_text(MINIMAL_SETTINGS.replace("[project]\n", f"[project]\n{project}\n")
                                              .replace("[funding]\n", f"[funding]\n{funding}\n"), encoding="utf-8")
    return load_settings(tmp_path)


@settings(max_examples=40, deadline=None)
@given(tag=st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True))
def test_a_language_tag_is_accepted_exactly_when_cldr_knows_it(tmp_path_factory: pytest.TempPathFactory, tag: str):
    folder = tmp_path_factory.mktemp("tag")
    if is_known_language(tag):
        assert _settings(folder, f'language = "{tag}"').project.language == tag  # type: ignore[attr-defined]
    else:
        with pytest.raises(SettingsError) as raised:
            _settings(folder, f'language = "{tag}"')
        assert str(raised.value).startswith("newsletter.toml:")
        assert "'project.language' is not a known language" in str(raised.value)


def test_an_unknown_language_is_one_line_at_its_line(tmp_path: Path):
    with pytest.raises(SettingsError) as raised:
        _settings(tmp_path, 'language = "xx"')
    assert str(raised.value).startswith("newsletter.toml:2: 'project.language' is not a known language")
    assert "\n" not in str(raised.value)


def test_language_and_languages_must_agree(tmp_path: Path):
    with pytest.raises(SettingsError, match="must be the first of 'project.languages'"):
        _settings(tmp_path, 'language = "fr"\nlanguages = ["en", "fr"]')
    assert _settings(tmp_path, 'languages = ["fr", "en"]').project.languages == ("fr", "en")  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", OFFICIAL_LANGUAGES)
def test_every_official_eu_language_has_its_funding_statement(tmp_path: Path, language: str):
    funding = _settings(tmp_path, f'language = "{language}"').funding  # type: ignore[attr-defined]
    assert funding.statement.startswith(FUNDED_BY_EU[language])
    assert "101123456" in funding.statement
    assert ("CINEA" in funding.disclaimer) and (language not in DISCLAIMER or language == "en"
                                                or "Views and opinions" not in funding.disclaimer)


def test_a_statement_may_be_a_string_or_a_table_per_language(tmp_path: Path):
    plain = _settings(tmp_path, 'languages = ["en", "fr"]', 'statement = "Our own words."')
    assert plain.funding.statement == "Our own words."  # type: ignore[attr-defined]
    assert plain.funding.statements == {"": "Our own words."}  # type: ignore[attr-defined]
    french = language_funding(plain.funding, "fr", main=False)  # type: ignore[attr-defined]
    assert french.statement.startswith("Financé par l'Union européenne")  # the string is the main language's
    table = _settings(tmp_path, 'languages = ["en", "fr"]', 'statement = { fr = "Nos propres mots." }')
    assert table.funding.statements == {"fr": "Nos propres mots."}  # type: ignore[attr-defined]
    assert table.funding.statement.startswith("Funded by the European Union")  # type: ignore[attr-defined]
    with pytest.raises(SettingsError, match=r"'funding.statement.xx' is not a known language"):
        _settings(tmp_path, "", 'statement = { xx = "?" }')


# A project's own catalog; check's warning.

def test_a_project_catalog_corrects_a_theme_string(make_project):
    root = make_project({
        "newsletter.toml": MINIMAL_SETTINGS.replace("[project]\n", '[project]\nlanguage = "fr"\n'),
        "templates/locale/fr.po": 'msgid "Read more"\nmsgstr "Lire l\'article"\n',
    })
    build_project(root, BuildOptions(as_of=AS_OF, use_cache=False))
    html = (root / "output" / "issues" / "issue-1" / "email.html").read_text(encoding="utf-8")
    assert "Lire l'article" in html and ">Lire la suite" not in html
    # The rest still comes from the packaged catalog, the link's longer label for screen readers too.
    assert "Numéro 1" in html and 'aria-label="Lire la suite : ' in html
    assert "\\u{" not in html  # French puts no-break spaces before colons; MRML garbles them in attributes


def test_check_warns_about_theme_strings_a_published_language_lacks(make_project):
    root = make_project({
        "newsletter.toml": MINIMAL_SETTINGS.replace("[project]\n", '[project]\nlanguages = ["fr", "sv"]\n'),
        "templates/web/extra.html": '{{ _("A string of our own") }}\n',
    })
    messages = sorted(finding.message for finding in missing_translations(root, load_settings(root)))
    assert len(messages) == 2
    assert messages[0].startswith('1 theme string has no fr translation') and '"A string of our own"' in messages[0]
    with (LOCALE_DIR / "messages.pot").open("rb") as file:
        theme_strings = sum(1 for message in read_po(file) if message.id)
    assert messages[1].startswith(f"{theme_strings + 1} theme strings have no sv translation")


def test_the_theme_ships_its_catalogs_as_theme_files():
    """test_package checks that every theme file is in the wheel; the catalogs are theme files."""
    compiled = {path.parent.parent.name for path in THEME_DIR.rglob("messages.mo")}
    assert compiled >= set(SHIPPED)
    assert theme_message_ids([THEME_DIR / "email"]) <= theme_message_ids([THEME_DIR])
