"""Image files made for a channel: scaled to the width it shows them at, compressed, without metadata.

Channel-neutral: the email asks for twice its display width (sharp on 2x screens); any channel
may ask for a width. The same file and width give the same bytes, so builds stay deterministic.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported where an image is made: a build that makes none never loads it
    from PIL import Image

JPEG_QUALITY = 82  # where JPEG artefacts stop showing on photos, at about a third of quality 95's bytes
# Formats every email client and browser shows; anything else (WebP, TIFF, BMP) becomes PNG or JPEG.
KEPT_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif"}


@dataclass(frozen=True, slots=True)
class Picture:
    """An image made for a channel: its bytes, pixel size and file extension."""

    data: bytes
    width: int
    height: int
    extension: str

    @property
    def mime_type(self) -> str:
        return {".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif"}[self.extension]


def fit_width(file: Path, width: int, tile: str | None = None) -> Picture | None:
    """`file` scaled down to at most `width` pixels wide (never up); None when it is no image we can read.

    With `tile` (a colour such as "#FFFFFF"), the image is laid on an opaque tile of that colour with
    a margin: a transparent logo drawn for a light background then stays readable where a client
    darkens the background around it.
    """
    stat = file.stat()
    if not tile:
        return _fit(file, stat.st_mtime_ns, stat.st_size, width)
    inner = width - 2 * tile_margin(width)
    picture = _fit(file, stat.st_mtime_ns, stat.st_size, inner)
    if picture is None:
        return None
    # A file narrower than asked for is never scaled up: its margin follows its own width.
    return _tiled(picture, tile, tile_margin(width if picture.width == inner else picture.width))


def tile_margin(width: int) -> int:
    """The margin around an image of `width` pixels laid on a tile: none for one of one or two pixels."""
    return max(1, round(width * 0.04)) if width >= 3 else 0


@functools.lru_cache(maxsize=256)
def _tiled(picture: Picture, colour: str, margin: int) -> Picture:
    from PIL import Image

    with Image.open(io.BytesIO(picture.data)) as opened:
        image = opened.convert("RGBA")
    tile = Image.new("RGBA", (image.width + 2 * margin, image.height + 2 * margin), colour)
    tile.alpha_composite(image, (margin, margin))
    return _encode(tile.convert("RGB"), "PNG")


@functools.lru_cache(maxsize=256)
def _fit(file: Path, _mtime: int, _size: int, width: int) -> Picture | None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if file.suffix.lower() == ".svg":
        return _from_svg(file, width)
    try:
        with Image.open(file) as opened:
            if getattr(opened, "is_animated", False):
                return _as_is(file, opened)  # scaling frames one by one would lose the animation's timing
            image = ImageOps.exif_transpose(opened)  # a phone photo's rotation lives in its EXIF data
            source_format = opened.format or ""
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
    return _encode(image, source_format)


def _as_is(file: Path, image: Image.Image) -> Picture | None:
    extension = KEPT_FORMATS.get(image.format or "")
    return Picture(file.read_bytes(), image.width, image.height, extension) if extension else None


def _encode(image: Image.Image, source_format: str) -> Picture:
    """PNG for what has transparency or few colours, JPEG for photographs; no EXIF, ICC or text chunks."""
    out = io.BytesIO()
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if source_format == "JPEG" or (source_format not in KEPT_FORMATS and not transparent):
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        extension = ".jpg"
    elif source_format == "GIF":
        image.save(out, "GIF", optimize=True)
        extension = ".gif"
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA" if transparent else "RGB")
        image.save(out, "PNG", optimize=True)
        extension = ".png"
    return Picture(out.getvalue(), image.width, image.height, extension)


def _from_svg(file: Path, width: int) -> Picture | None:
    """An SVG drawn as PNG at `width`: Gmail and Outlook show no SVG. None without cairosvg or for a broken SVG."""
    try:
        import cairosvg  # type: ignore[import-untyped]
    except (ImportError, OSError):  # cairosvg needs the cairo library, which not every system has
        return None
    try:
        png = cairosvg.svg2png(url=str(file), output_width=width, unsafe=False)
    except Exception:  # cairosvg raises whatever its XML and CSS parsers raise on a broken file
        return None
    from PIL import Image

    with Image.open(io.BytesIO(png)) as drawn:
        drawn.load()
        return _encode(drawn, "PNG")
