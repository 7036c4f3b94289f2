"""The picture a shared link shows: the item's image, or the project's card made with Pillow.

Link previews (Open Graph, X cards, Bluesky's external embed) want an image of about 1200×630
(1.91:1, Facebook's "at least 1200 x 630 pixels for the best display"), at least 200×200, and
its size stated in the page. An item's own image of at least 200×200, inside content/, is used
as it is; anything else (no image, a remote one whose size is unknown, one too small or too heavy)
gets the project's card: the logo on a white panel over the brand colour, the project's name and
tagline, and the EU emblem with "Funded by the European Union" in the project's language. The card is made from the
settings and the logo alone, so the same project gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsletter.content.models import NewsItem
from newsletter.funding import default_statement
from newsletter.outputs import Memo, Output, output_path
from newsletter.site import Site
from newsletter.templates import THEME_DIR

if TYPE_CHECKING:  # Pillow is imported when a card is drawn: a build that draws none never loads it
    from PIL import Image, ImageDraw

CARD_PATH = "social/card.png"
CARD_SIZE = (1200, 630)
MIN_SIDE = 200  # Facebook's smallest shared image
_PANEL = (100, 70, 1100, 370)  # where the logo sits, on white
_MARGIN = 40


@dataclass(frozen=True, slots=True)
class ShareImage:
    """An image for a link preview: absolute URL, size in pixels, alt text and MIME type."""

    url: str
    width: int
    height: int
    alt: str
    type: str = "image/png"


_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}


def card_image(site: Site) -> ShareImage:
    """The project's card, as pages and posts link to it."""
    project = site.settings.project
    alt = f"{project.name}: {project.tagline}" if project.tagline else f"{project.name} logo"
    return ShareImage(site.url(CARD_PATH), *CARD_SIZE, alt)


def share_image(site: Site, item: NewsItem | None = None, max_bytes: int | None = None) -> ShareImage:
    """The item's own image when a preview can show it as it is, else the project's card."""
    if item is None or item.image is None or item.image.startswith(("http://", "https://")):
        return card_image(site)
    path = site.root / "content" / item.image
    suffix = path.suffix.lower()
    import imagesize  # type: ignore[import-untyped]  # loads urllib's HTTP client: only for a local image

    try:
        width, height = imagesize.get(path)
        size = path.stat().st_size
    except OSError:
        return card_image(site)
    if suffix not in _TYPES or min(width, height) < MIN_SIDE or (max_bytes is not None and size > max_bytes):
        return card_image(site)
    return ShareImage(site.asset_url(item.image), width, height, item.image_alt or "", _TYPES[suffix])


def card_output(site: Site, memo: Memo) -> Output:
    """The project's card as a PNG output, drawn once per settings and logo (the memo knows the images)."""
    data = memo("card", site.settings, lambda: make_card(site), pack=bytes, unpack=bytes)
    return Output(output_path(CARD_PATH), "image", data)


def _colour(value: str) -> tuple[int, int, int]:
    """A settings colour (#RGB or #RRGGBB) as Pillow draws it."""
    from PIL import ImageColor

    red, green, blue = ImageColor.getrgb(value)[:3]
    return red, green, blue


def _logo(site: Site) -> Image.Image | None:
    from PIL import Image

    logo = site.settings.project.logo
    if not logo or logo.startswith(("http://", "https://")):
        return None
    try:
        with Image.open(site.root / "content" / logo) as image:
            return image.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None  # an SVG, or not an image Pillow reads: the name stands in for it


def _fitted(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    from PIL import Image

    scale = min(box[0] / image.width, box[1] / image.height)
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                        Image.Resampling.LANCZOS)


def _centred_text(draw: ImageDraw.ImageDraw, text: str, top: int, size: int, fill: tuple[int, int, int]) -> None:
    from PIL import ImageFont

    font = ImageFont.load_default(size=size)
    while size > 16 and draw.textlength(text, font=font) > CARD_SIZE[0] - 2 * _MARGIN:
        size -= 2
        font = ImageFont.load_default(size=size)
    width = draw.textlength(text, font=font)
    draw.text(((CARD_SIZE[0] - width) / 2, top), text, font=font, fill=fill)


def make_card(site: Site) -> bytes:
    """Draw the project's 1200×630 card and return its PNG bytes (no metadata, same input same bytes)."""
    from PIL import Image, ImageDraw, ImageFont

    settings = site.settings
    background = _colour(settings.brand.secondary_color)
    card = Image.new("RGB", CARD_SIZE, background)
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle(_PANEL, radius=24, fill=(255, 255, 255))
    logo = _logo(site)
    left, top, right, bottom = _PANEL
    if logo is not None:
        fitted = _fitted(logo, (right - left - 2 * _MARGIN, bottom - top - 2 * _MARGIN))
        card.paste(fitted, (left + (right - left - fitted.width) // 2, top + (bottom - top - fitted.height) // 2), fitted)
    else:
        _centred_text(draw, settings.project.name, top + 110, 88, _colour(settings.brand.primary_color))
    white = (255, 255, 255)
    if settings.project.tagline:
        _centred_text(draw, settings.project.tagline, bottom + 30, 36, white)
    if settings.funding.emblem:
        emblem_path = THEME_DIR / "static" / "eu-emblem@2x.png"
        with Image.open(emblem_path) as emblem:
            flag = _fitted(emblem.convert("RGB"), (150, 100))
        font = ImageFont.load_default(size=30)
        label = default_statement(settings.project.language, None).rstrip(".")
        width = flag.width + 24 + draw.textlength(label, font=font)
        x = round((CARD_SIZE[0] - width) / 2)
        y = CARD_SIZE[1] - _MARGIN - flag.height
        card.paste(flag, (x, y))
        draw.text((x + flag.width + 24, y + (flag.height - 30) / 2), label, font=font, fill=white)
    buffer = io.BytesIO()
    card.save(buffer, "PNG", compress_level=1)  # fast: drawn again whenever a template changes
    return buffer.getvalue()

