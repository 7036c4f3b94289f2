"""The email's colours: a light and a dark palette derived from the brand, and WCAG contrast."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.settings.brand import BrandSettings


@dataclass(frozen=True, slots=True)
class Palette:
    """The email's colours, light and dark, derived from the brand."""

    page: str
    card: str
    text: str
    muted: str
    heading: str
    link: str
    rule: str
    band_text: str
    footer_text: str
    dark_page: str = "#0F1115"
    dark_card: str = "#1A1D23"
    dark_text: str = "#E6E8EB"
    dark_muted: str = "#A9B1BC"
    dark_link: str = "#8AB4F8"
    dark_rule: str = "#343A44"


def palette(brand: BrandSettings) -> Palette:
    return Palette(
        page=mix(brand.background_color, brand.secondary_color, 0.06),
        card=brand.background_color,
        text=brand.text_color,
        muted=mix(brand.text_color, brand.background_color, 0.3),
        heading=brand.secondary_color,
        link=brand.primary_color,
        rule=mix(brand.background_color, brand.secondary_color, 0.15),
        band_text=readable_on(brand.primary_color),
        footer_text=readable_on(brand.secondary_color),
        # A lighter tint of the brand colour keeps links recognisable and readable on dark grey.
        dark_link=mix(brand.primary_color, "#FFFFFF", 0.55),
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0..1) of the way towards `other`."""
    pairs = zip(_rgb(colour), _rgb(other))
    return "#" + "".join(f"{round(a + (b - a) * amount):02X}" for a, b in pairs)


def luminance(colour: str) -> float:
    """Relative luminance as WCAG defines it."""
    channels = [c / 255 for c in _rgb(colour)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(colour: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(colour), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str) -> str:
    """White or near-black, whichever contrasts more with `background`."""
    return "#FFFFFF" if contrast("#FFFFFF", background) >= contrast("#111111", background) else "#111111"
