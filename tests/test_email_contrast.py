"""`low-contrast`: brand colours that make the email's text hard to read, in light and dark mode."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.cli import cli
from newsletter.channels.email.palette import contrast, palette
from newsletter.checks.contrast import check_contrast, colour_pairs
from newsletter.settings.brand import BrandSettings
from newsletter.settings.load import Settings, load_settings

from .conftest import PUBLISHABLE_SETTINGS

colours = st.integers(0, 0xFFFFFF).map(lambda value: f"#{value:06X}")
BRAND_KEYS = ("primary_color", "secondary_color", "text_color", "background_color")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("contrast")
    (root / "newsletter.toml").write_text(PUBLISHABLE_SETTINGS + "\n[brand]\nprimary_color = \"#0B5394\"\n")
    return load_settings(root)


def test_wcag_ratios_of_known_pairs():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast("#FFD700", "#FFFFFF") == pytest.approx(1.40, abs=0.01)  # yellow on white
    assert contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes


def test_the_default_brand_passes(base: Settings):
    assert check_contrast(replace(base, brand=BrandSettings())) == []


def test_a_yellow_primary_colour_is_an_error_at_its_line(base: Settings):
    [finding] = check_contrast(replace(base, brand=BrandSettings(primary_color="#FFD700")))
    assert finding.code == "low-contrast" and finding.severity.value == "error"
    assert str(finding.where) == "newsletter.toml:15"  # the line of primary_color
    assert "#FFD700 on #FFFFFF has a contrast of 1.4:1, where WCAG asks for 4.5:1" in finding.message


@settings(max_examples=60, deadline=None)
@given(st.tuples(colours, colours, colours, colours))
def test_each_faint_setting_is_reported_once_with_a_colour_that_passes(base: Settings, brand_colours):
    brand = BrandSettings(**dict(zip(BRAND_KEYS, brand_colours)))
    findings = check_contrast(replace(base, brand=brand))
    faint = {pair.setting for pair in colour_pairs(palette(brand)) if contrast(pair.text, pair.background) < pair.minimum}
    assert len(findings) == len(faint)  # one finding per setting, none for a readable brand
    for finding in findings:
        suggested = re.search(r"(\w+_color) = \"(#[0-9A-F]{6})\"", finding.hint or "")
        if suggested is None:
            continue  # no shade of that colour alone is enough: the others must change too
        setting, colour = suggested.groups()
        assert setting in faint
        fixed = replace(brand, **{setting: colour})
        assert all(contrast(pair.text, pair.background) >= pair.minimum
                   for pair in colour_pairs(palette(fixed)) if pair.setting == setting)


def test_check_fails_on_unreadable_brand_colours(tmp_path: Path, runner, make_project):
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS + '\n[brand]\nprimary_color = "#FFD700"\n'})
    result = runner.invoke(cli, ["--project", str(root), "check"])
    assert result.exit_code == 1
    assert re.search(r"newsletter.toml:\d+: error: links on the card: #FFD700 on #FFFFFF .*\[low-contrast\]",
                     result.output)
