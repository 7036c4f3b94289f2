"""`low-contrast`: every text colour the theme makes from [brand] against its background, light and dark."""

from __future__ import annotations

from dataclasses import dataclass, replace

from newsletter.diagnostics import Diagnostic, error
from newsletter.channels.email.palette import Palette, contrast, mix, palette
from newsletter.settings.load import Settings

BODY = 4.5  # WCAG 2 AA (1.4.3) for text under 24 px, or under 18.66 px bold
LARGE = 3.0  # for larger text
HEADER = "#FFFFFF"  # the logo's band stays white in dark mode too: logos are drawn for it


@dataclass(frozen=True, slots=True)
class Pair:
    """Text the theme draws in one colour on another."""

    what: str  # in words, for the message
    text: str
    background: str
    minimum: float
    setting: str  # the [brand] key that sets the text colour, or failing that the background


def colour_pairs(colors: Palette) -> tuple[Pair, ...]:
    """What the default theme writes in which colour on which, as the email's templates use the palette."""
    return (
        Pair("body text on the card", colors.text, colors.card, BODY, "text_color"),
        Pair("dates and authors on the card", colors.muted, colors.card, BODY, "text_color"),
        Pair("links on the card", colors.link, colors.card, BODY, "primary_color"),
        Pair("group headings on the card", colors.link, colors.card, BODY, "primary_color"),
        Pair("card titles on the card", colors.heading, colors.card, LARGE, "secondary_color"),
        Pair("the project name on the white header", colors.heading, HEADER, LARGE, "secondary_color"),
        Pair("the 'view in browser' link on the page", colors.muted, colors.page, BODY, "text_color"),
        Pair("the issue's date on the title band", colors.band_text, colors.link, BODY, "primary_color"),
        Pair("the footer's text", colors.footer_text, colors.heading, BODY, "secondary_color"),
        Pair("links on the card in dark mode", colors.dark_link, colors.dark_card, BODY, "primary_color"),
        Pair("body text on the card in dark mode", colors.dark_text, colors.dark_card, BODY, "text_color"),
        Pair("dates and authors in dark mode", colors.dark_muted, colors.dark_card, BODY, "text_color"),
    )


def check_contrast(settings: Settings) -> list[Diagnostic]:
    """A `low-contrast` error for each pair the brand's colours make too faint to read, once per setting."""
    findings: list[Diagnostic] = []
    reported: set[str] = set()
    for pair in colour_pairs(palette(settings.brand)):
        ratio = contrast(pair.text, pair.background)
        if ratio >= pair.minimum or pair.setting in reported:
            continue
        reported.add(pair.setting)
        value = getattr(settings.brand, pair.setting)
        findings.append(error(
            "low-contrast", settings.where(f"brand.{pair.setting}"),
            f"{pair.what}: {pair.text} on {pair.background} has a contrast of {ratio:.1f}:1, "
            f"where WCAG asks for {pair.minimum:g}:1",
            _suggestion(settings, pair.setting, value)))
    return findings


def _suggestion(settings: Settings, setting: str, value: str) -> str:
    """What to write instead: the colour darkened (or lightened) just enough for every pair it sets."""
    for towards, word in (("#000000", "darker"), ("#FFFFFF", "lighter")):
        for step in range(1, 21):
            candidate = mix(value, towards, step / 20)
            colors = palette(replace(settings.brand, **{setting: candidate}))
            if all(contrast(pair.text, pair.background) >= pair.minimum
                   for pair in colour_pairs(colors) if pair.setting == setting):
                return f"choose a {word} {setting} than {value}, e.g. {setting} = \"{candidate}\""
    return f"choose another {setting} than {value}, or other colours under [brand]"
