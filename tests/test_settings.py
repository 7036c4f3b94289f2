"""newsletter.toml: typed settings, defaults, warnings for unknown keys, every problem at once."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.errors import SettingsError
from newsletter.settings.email import ESP_PRESETS
from newsletter.settings.load import load_settings, parse_settings
from newsletter.settings.smtp import SMTP_SECURITY
from newsletter.settings.lines import key_line, key_lines

from .conftest import REPO


def settings_from(text: str, tmp_path: Path):
    (tmp_path / "newsletter.toml").write_text(text)
    return load_settings(tmp_path)


def test_example_settings_load_without_warnings():
    settings = load_settings(REPO)
    assert settings.project.name == "OPINCHARGE"
    assert settings.project.site_url.endswith("/")
    assert settings.funding.grant_agreement
    assert len(settings.partners) == 7
    assert settings.warnings == ()


def test_funding_defaults_use_the_horizon_europe_wording(tmp_path: Path):
    settings = settings_from(
        '[project]\nname = "P"\nsite_url = "https://x.eu"\n[funding]\ngrant_agreement = 101000000\n'
        'granting_authority = "CINEA"\n', tmp_path)
    assert settings.project.site_url == "https://x.eu/"
    assert settings.funding.statement == "Funded by the European Union under grant agreement No 101000000."
    assert settings.funding.disclaimer == (
        "Views and opinions expressed are however those of the author(s) only and do not necessarily reflect "
        "those of the European Union or CINEA. Neither the European Union nor the granting authority can be "
        "held responsible for them."
    )
    assert settings.funding.emblem is True


def test_every_problem_is_reported_at_once_with_its_dotted_key(tmp_path: Path):
    with pytest.raises(SettingsError) as caught:
        settings_from(
            '[project]\nsite_url = "https://x.eu/"\n[brand]\nprimary_color = "blue"\n'
            '[email]\nesp = "sendgrid"\n[smtp]\nport = "587"\npassword = "secret"\n'
            '[[partners]]\nshort = "X"\nhandles = { myspace = "@x" }\n', tmp_path)
    message = str(caught.value)
    for expected in (
        "'project.name' is missing",
        "'brand.primary_color' must be a colour like #0B5394 (got 'blue')",
        "'email.esp' must be one of mailchimp, brevo, listmonk, buttondown, generic (got 'sendgrid')",
        "'smtp.port' must be a whole number (got '587')",
        "'smtp.password' must not be in newsletter.toml; set NEWSLETTER_SMTP_PASSWORD instead",
        "'partners[0].name' is missing",
        "'partners[0].handles.myspace' is not a platform",
    ):
        assert expected in message
    assert "secret" not in message
    assert "\n" not in message


def test_unknown_keys_are_warnings_at_their_line_with_the_key_they_look_like(tmp_path: Path):
    settings = settings_from(
        '[project]\nname = "P"\nsite_url = "https://x.eu/"\ncolour = "red"\n[extra]\na = 1\n'
        '[fundng]\ngrant_agreement = "101104032"\n[[partners]]\nname = "A"\nlogoo = "images/a.png"\n', tmp_path)
    assert [str(w) for w in settings.warnings] == [
        "newsletter.toml:5: warning: unknown key 'extra' is ignored; check its spelling against the README "
        "[unknown-setting]",
        "newsletter.toml:7: warning: unknown key 'fundng' is ignored; did you mean 'funding'? [unknown-setting]",
        "newsletter.toml:11: warning: unknown key 'partners[0].logoo' is ignored; did you mean 'partners[0].logo'? "
        "[unknown-setting]",
        "newsletter.toml:4: warning: unknown key 'project.colour' is ignored; check its spelling against the README "
        "[unknown-setting]",
    ]


def test_utm_can_be_switched_off(tmp_path: Path):
    base = '[project]\nname = "P"\nsite_url = "https://x.eu/"\n[email]\nesp = "mailchimp"\n'
    assert settings_from(base, tmp_path).email.utm == {"source": "newsletter", "medium": "email"}
    off = settings_from(base + "utm = false\n", tmp_path)
    assert off.email.utm_enabled is False


def test_settings_are_frozen(tmp_path: Path):
    settings = parse_settings({"project": {"name": "P", "site_url": "https://x.eu/"}}, tmp_path / "n.toml")
    with pytest.raises(AttributeError):
        settings.project.name = "Q"  # type: ignore[misc]


def test_the_same_bytes_are_parsed_once_and_an_edit_is_read_at_once(tmp_path: Path):
    (tmp_path / "newsletter.toml").write_text('[project]\nname = "P"\nsite_url = "https://x.eu/"\n', encoding="utf-8")
    first = load_settings(tmp_path)
    assert load_settings(tmp_path) is first  # the preview loads them after every save
    (tmp_path / "newsletter.toml").write_text('[project]\nname = "Q"\nsite_url = "https://x.eu/"\n', encoding="utf-8")
    assert load_settings(tmp_path).project.name == "Q"
    (tmp_path / "newsletter.toml").write_text('[project]\nname = "Q"\nsite_url = "x"\n', encoding="utf-8")
    for _ in range(2):  # a problem is reported every time, not remembered as settings
        with pytest.raises(SettingsError, match="site_url"):
            load_settings(tmp_path)


# Where keys are written: tomllib gives no lines, so newsletter/toml_lines.py finds them in the text.

_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


@st.composite
def toml_documents(draw: st.DrawFn) -> tuple[str, dict[str, int]]:
    """A TOML text with tables, arrays of tables, inline tables, comments and multi-line strings,
    and the line each dotted key is written on."""
    lines: list[str] = []
    expected: dict[str, int] = {}

    def assign(prefix: str, names: list[str]) -> None:
        for name in names:
            kind = draw(st.sampled_from(["text", "number", "inline", "multiline", "array"]))
            if draw(st.booleans()):
                lines.append(draw(st.sampled_from(["", "# a comment = with [brackets]", "   # key = 1"])))
            expected[f"{prefix}{name}"] = len(lines) + 1
            if kind == "text":
                lines.append(f"{name} = {json.dumps(draw(_TEXT), ensure_ascii=False)}  # note")
            elif kind == "number":
                lines.append(f"{name}={draw(st.integers())}")
            elif kind == "inline":
                inner = draw(st.lists(_NAMES, min_size=1, max_size=3, unique=True))
                lines.append(f"{name} = {{ " + ", ".join(f'{key} = "v"' for key in inner) + " }")
                expected.update((f"{prefix}{name}.{key}", len(lines)) for key in inner)
            elif kind == "multiline":
                lines.extend([f'{name} = """', "fake = 1", "[not.a.table]", '"""'])
            else:
                lines.extend([f"{name} = [", "  [1, 2],", '  "x = 1",', "]"])

    assign("", draw(st.lists(_NAMES.map(lambda n: "top_" + n), max_size=3, unique=True)))
    for table in draw(st.lists(_NAMES, max_size=4, unique=True)):
        repeats = draw(st.integers(0, 2))
        for index in range(max(repeats, 1)):
            header = f"[[{table}]]" if repeats else f"[{table}]"
            path = f"{table}[{index}]" if repeats else table
            lines.append(header)
            expected[path] = len(lines)
            expected.setdefault(table, len(lines))
            assign(f"{path}.", draw(st.lists(_NAMES, max_size=4, unique=True)))
    return "\n".join(lines) + "\n", expected


@given(toml_documents())
@settings(max_examples=80, deadline=None)
def test_every_key_is_found_at_its_line(document: tuple[str, dict[str, int]]):
    text, expected = document
    tomllib.loads(text)  # the generator writes valid TOML
    assert key_lines(text) == expected


def test_a_missing_key_is_placed_at_its_table():
    lines = key_lines('[project]\nname = "P"\n\n[email]\nfrom = "a@b.eu"\n')
    assert key_line(lines, "email.esp") == 4
    assert key_line(lines, "project.name") == 2
    assert key_line(lines, "smtp.host") is None


# Typos: every unknown key and every misspelt choice suggests what was meant, at its line.

SETTINGS_WITH_EVERY_TABLE = """\
[project]
name = "P"
site_url = "https://x.eu/"
logo = "images/logo.png"

[funding]
grant_agreement = "101104032"

[brand]
primary_color = "#0B5394"

[email]
esp = "brevo"
utm = { source = "newsletter" }

[feeds]
max_items = 5

[social]
hashtags = ["P"]

[smtp]
host = "localhost"
security = "none"

[[partners]]
name = "A"
short = "A"
logo = "images/a.png"
"""


def _single_edit_typos(word: str) -> st.SearchStrategy[str]:
    """A word one deletion, insertion, swap or replacement away from `word`."""
    positions = st.integers(0, len(word) - 1)
    letters = st.sampled_from("abcdefghijklmnopqrstuvwxyz_")
    return st.one_of(
        positions.map(lambda i: word[:i] + word[i + 1:]),
        st.tuples(positions, letters).map(lambda p: word[:p[0]] + p[1] + word[p[0]:]),
        st.tuples(positions, letters).map(lambda p: word[:p[0]] + p[1] + word[p[0] + 1:]),
        positions.filter(lambda i: i + 1 < len(word)).map(lambda i: word[:i] + word[i + 1] + word[i] + word[i + 2:]),
    )


@st.composite
def misspelt_settings(draw: st.DrawFn) -> tuple[str, str, int]:
    """The settings above with one key misspelt: the text, the misspelt dotted key and its line."""
    lines = SETTINGS_WITH_EVERY_TABLE.splitlines()
    candidates = [(number, line) for number, line in enumerate(lines) if " = " in line and not line.startswith("utm")]
    number, line = draw(st.sampled_from(candidates))
    key = line.split(" = ")[0]
    typo = draw(_single_edit_typos(key).filter(lambda t: t and t != key and re.fullmatch(r"[a-z_]+", t)))
    table = next(lines[i] for i in range(number, -1, -1) if lines[i].startswith("["))
    prefix = "partners[0]" if table == "[[partners]]" else table.strip("[]")
    lines[number] = f"{typo} = {line.split(' = ', 1)[1]}"
    return "\n".join(lines) + "\n", f"{prefix}.{typo}", number + 1


@given(misspelt_settings())
@settings(max_examples=150, deadline=None)
def test_a_misspelt_key_is_a_warning_at_its_line_naming_a_key_it_looks_like(tmp_path_factory, case):
    text, dotted, line = case
    folder = tmp_path_factory.mktemp("settings")
    try:
        settings = settings_from(text, folder)
    except SettingsError as exc:  # a required key misspelt is also missing: reported at its table
        assert f"'{dotted.rpartition('.')[0]}." in str(exc) and "is missing" in str(exc)
        return
    [finding] = [w for w in settings.warnings if f"'{dotted}'" in w.message]
    assert finding.code == "unknown-setting"
    assert finding.where is not None and finding.where.line == line
    assert finding.hint is not None and finding.hint.startswith(f"did you mean '{dotted.rpartition('.')[0]}.")


@given(st.sampled_from([("email", "esp", ESP_PRESETS), ("smtp", "security", SMTP_SECURITY)]).flatmap(
    lambda choice: st.tuples(st.just(choice), st.sampled_from(choice[2]).flatmap(_single_edit_typos))))
@settings(max_examples=100, deadline=None)
def test_a_misspelt_choice_suggests_the_one_it_looks_like(tmp_path_factory, case):
    (table, key, choices), typo = case
    if typo in choices:
        return
    text = f'[project]\nname = "P"\nsite_url = "https://x.eu/"\n\n[{table}]\n{key} = "{typo}"\n'
    with pytest.raises(SettingsError) as caught:
        settings_from(text, tmp_path_factory.mktemp("settings"))
    message = str(caught.value)
    assert message.startswith(f"newsletter.toml:6: '{table}.{key}' must be one of ")
    assert ", did you mean '" in message
    assert "unsubscribe_url" not in message  # a misspelt preset is not also a generic one


def test_check_lists_each_settings_problem_at_its_line(tmp_path: Path):
    from newsletter.check import check_project

    (tmp_path / "newsletter.toml").write_text(
        '[project]\nname = "P"\nsite_url = "https://x.eu/"\n\n[email]\nesp = "brvo"\n\n[smtp]\nport = "587"\n')
    findings = check_project(tmp_path)
    assert [(f.code, str(f.where), f.message) for f in findings] == [
        ("bad-setting", "newsletter.toml:6",
         "'email.esp' must be one of mailchimp, brevo, listmonk, buttondown, generic (got 'brvo', did you mean 'brevo'?)"),
        ("bad-setting", "newsletter.toml:9", "'smtp.port' must be a whole number (got '587')"),
    ]


def test_a_byte_that_is_not_utf8_is_named_at_its_line_and_a_byte_order_mark_is_no_error(tmp_path: Path):
    (tmp_path / "newsletter.toml").write_bytes('[project]\nname = "Café"\n'.encode("latin-1"))
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path)
    assert str(caught.value) == "newsletter.toml:2: the file is not UTF-8 text; save it as UTF-8"
    (tmp_path / "newsletter.toml").write_bytes(b'\xef\xbb\xbf[project]\nname = "P"\nsite_url = "https://x.eu/"\n')
    assert load_settings(tmp_path).project.name == "P"
