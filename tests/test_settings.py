"""newsletter.toml: typed settings, defaults, warnings for unknown keys, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.errors import SettingsError
from newsletter.settings import load_settings, parse_settings

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


def test_unknown_keys_are_warnings(tmp_path: Path):
    settings = settings_from('[project]\nname = "P"\nsite_url = "https://x.eu/"\ncolour = "red"\n[extra]\na = 1\n',
                             tmp_path)
    assert [str(w) for w in settings.warnings] == [
        "newsletter.toml: warning: unknown key 'extra' is ignored; check its spelling against the README "
        "[unknown-setting]",
        "newsletter.toml: warning: unknown key 'extra.a' is ignored; check its spelling against the README "
        "[unknown-setting]",
        "newsletter.toml: warning: unknown key 'project.colour' is ignored; check its spelling against the README "
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
