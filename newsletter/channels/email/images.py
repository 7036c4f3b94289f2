"""The email's images: each project file made at twice its display width, kept beside the issue's email.

Outlook for Windows draws an <img> at its `width` attribute and ignores CSS, so every image gets
`width` and `height` within the column; phones show 2x or 3x, so the file holds twice the width.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import lxml.html

from newsletter.cache.freshness import file_digest
from newsletter.content.markdown import sanitize
from newsletter.images import Picture, fit_width
from newsletter.outputs import Memo, no_memo
from newsletter.channels.email.context import EmailImage, local_file
from newsletter.site import Site

SCALE = 2  # file pixels per display pixel
_DENSITY = re.compile(r"@\d+(?:\.\d+)?x$")
# Logos are drawn for a light background: Thunderbird's dark reader, Gmail's apps and Outlook darken
# the background around a transparent one, and a navy wordmark then all but vanishes (1.26:1).
LOGO_TILE = "#FFFFFF"


@dataclass(slots=True)
class EmailImages:
    """Makes the images of one issue's email and remembers what it made, by output path."""

    site: Site
    folder: str  # the folder inside output/, e.g. "issues/issue-2/"
    memo: Memo = no_memo  # remembers each image made, by the file's bytes, between builds
    made: dict[str, Picture] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # URL of a made file -> URL of the file it is made from

    def image(self, path: str, alt: str, max_width: int) -> EmailImage:
        """A content file (`images/x.png`) or an absolute URL, fitted to `max_width` display pixels."""
        return self.fit(self.site.asset_url(path), alt, max_width)

    def logo(self, path: str, alt: str, max_width: int) -> EmailImage:
        """A logo, laid on an opaque white tile so that it survives clients that force dark mode."""
        return self.fit(self.site.asset_url(path), alt, max_width, tile=LOGO_TILE)

    def fit(self, src: str, alt: str, max_width: int, width: int | None = None, height: int | None = None,
            tile: str | None = None) -> EmailImage:
        """The image at URL `src` (shown `width` wide if the author said so) as the email shows it."""
        file = local_file(self.site, src)
        if file is None:
            # Another site's image keeps its address: the build downloads nothing.
            shown = min(width or max_width, max_width)
            return EmailImage(src, alt, shown, round(height * shown / width) if width and height else None)
        digest = file_digest(file)  # read once per build, however many issues show the file
        natural_width, natural_height, picture = _made(file, width, max_width, tile) if digest is None else self.memo(
            "email-image", (digest.hex(), file.suffix.lower(), width, max_width, tile),
            lambda: _made(file, width, max_width, tile),
            pack=lambda made: (*made[:2], None if made[2] is None else dataclasses.astuple(made[2])),
            unpack=lambda packed: (packed[0], packed[1], None if packed[2] is None else Picture(*packed[2])),
        )
        shown = _shown(natural_width, width, max_width)
        if picture is None:
            # Not an image we can read or draw: the file as it is, for `check` to report.
            return EmailImage(src, alt, shown, round(natural_height * shown / natural_width) if natural_width > 0 else None)
        shown = min(shown, picture.width)
        made = self._path(src, picture)
        self.made[made] = picture
        url = self.site.url(made)
        self.origins[url] = src
        return EmailImage(url, alt, shown, max(1, round(picture.height * shown / picture.width)))

    def _path(self, src: str, picture: Picture) -> str:
        """`images/team/photo.jpeg` at 1104 px -> `<issue folder>images/team/photo-1104w.jpg`."""
        relative = PurePosixPath(unquote(urlsplit(src[len(self.site.settings.project.site_url):]).path))
        if relative.parts[0] == "images":
            relative = relative.relative_to("images")
        stem = _DENSITY.sub("", relative.with_suffix("").as_posix())  # `logo@2x`: the width says it now
        return f"{self.folder}images/{stem}-{picture.width}w{picture.extension}"

    def editorial(self, fragment: str, max_width: int) -> str:
        """The editorial's HTML with every <img> made for email and given its width and height."""
        if "<img" not in fragment:
            return fragment
        holder = lxml.html.fragment_fromstring(fragment, create_parent="div")
        for element in holder.iter("img"):
            src = element.get("src")
            if not src:
                continue
            image = self.fit(src, element.get("alt") or "", max_width,
                             _pixels(element.get("width")), _pixels(element.get("height")))
            element.set("src", image.src)
            element.set("width", str(image.width))
            if image.height:
                element.set("height", str(image.height))
            elif "height" in element.attrib:
                del element.attrib["height"]  # the author's height belongs to the author's width
        # Sanitised again: lxml leaves `>` raw in attribute values, which MRML's parser would end a tag at.
        return sanitize(html.escape(holder.text or "", quote=False) + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in holder))

    def attachments(self) -> dict[str, tuple[bytes, str, str]]:
        """URL -> (data, MIME type, file name) of every image made, for the .eml."""
        return {self.site.url(path): (picture.data, picture.mime_type, PurePosixPath(path).name)
                for path, picture in self.made.items()}


def _made(file: Path, width: int | None, max_width: int, tile: str | None) -> tuple[int, int, Picture | None]:
    """The file's own size in pixels (0 where it has none) and the picture made of it for the email.

    Both are remembered between builds by the file's bytes: a build that makes no new image
    loads neither Pillow nor imagesize."""
    import imagesize  # type: ignore[import-untyped]  # only for a local image: it loads urllib's HTTP client

    natural_width, natural_height = (round(size) for size in imagesize.get(file))  # an SVG's are floats
    return natural_width, natural_height, fit_width(file, _shown(natural_width, width, max_width) * SCALE, tile)


def _shown(natural_width: int, width: int | None, max_width: int) -> int:
    """The width an image is shown at: the author's (`width`) or its own, never wider than itself or the column."""
    if natural_width > 0:
        return min(width or natural_width, natural_width, max_width)
    return min(width or max_width, max_width)  # an SVG without a size in pixels: it scales to any width


def _pixels(value: str | None) -> int | None:
    """A `width`/`height` attribute as whole pixels (`300`, `300px`); None for percentages or nonsense."""
    digits = (value or "").strip().removesuffix("px")
    return int(digits) if digits.isdigit() and int(digits) > 0 else None
