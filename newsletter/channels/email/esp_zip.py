"""The email as an email service's "import a zip": one HTML file, its images beside it, paths relative.

With the zip, an issue can be imported before the site is online: the service hosts the images.
The rules it follows come from the services' own pages:

- Mailchimp, "Import ZIP" under Templates > Code your own: one HTML file plus its images, images
  referenced by relative paths so Mailchimp uploads them (Maizzle's Mailchimp guide,
  https://maizzle.com/guides/mailchimp-package, documents the same layout).
- Mailchimp, https://mailchimp.com/help/about-template-images/: JPG, GIF or PNG only, no spaces or
  special characters in file names, images best under 1 MB (`newsletter check` warns from 1 MB:
  `large-image`). Other images (SVG, WebP) stay at their absolute address on the site.
- Brevo's "import a template" takes the same single-HTML-plus-images zip; its page was not
  reachable to confirm size limits, so none is assumed beyond the check's email-size warnings.

The bytes are the same from build to build: entries sorted, every timestamp 1980-01-01 (the
earliest a zip holds), permissions rw-r--r--.
"""

from __future__ import annotations

import html
import io
import posixpath
import zipfile
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from newsletter.channels.email.context import local_file
from newsletter.htmltree import image_sources
from newsletter.site import Site
from newsletter.slugs import slugify

HTML_NAME = "index.html"
IMAGE_FOLDER = "images"
IMAGE_TYPES = (".jpg", ".jpeg", ".gif", ".png")  # what Mailchimp's image requirements name
_EPOCH = (1980, 1, 1, 0, 0, 0)
_PERMISSIONS = 0o100644 << 16  # a regular file, rw-r--r--, in the Unix attributes zip keeps


def email_zip(site: Site, document: str, made: Mapping[str, bytes] | None = None) -> bytes:
    """The zip of an issue's email.html with the project's images inside and their paths relative.

    `made` holds the images made for the email, by URL; other images of the project come from their files.
    """
    images: dict[str, bytes] = {}  # name inside the zip -> bytes
    for src in image_sources(document):
        if made and src in made:
            stem, suffix = posixpath.splitext(posixpath.basename(urlsplit(src).path))
            data = made[src]
        elif (file := local_file(site, src)) is not None:
            stem, suffix, data = file.stem, file.suffix, file.read_bytes()
        else:
            continue  # a remote image: it stays at its address
        suffix = suffix.lower()
        if suffix not in IMAGE_TYPES:
            continue  # one the services do not take: it stays at its address
        name = _unique_name(unquote(stem), suffix, images)
        images[name] = data
        # The compiled HTML is html5ever's serialisation: attribute values are double-quoted, escaped.
        document = document.replace(f'src="{html.escape(src, quote=False)}"', f'src="{IMAGE_FOLDER}/{name}"')
    entries = {HTML_NAME: document.encode("utf-8"), **{f"{IMAGE_FOLDER}/{name}": data for name, data in images.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = _PERMISSIONS
            # Images are compressed already; deflating them again only costs time.
            info.compress_type = zipfile.ZIP_DEFLATED if name == HTML_NAME else zipfile.ZIP_STORED
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def _unique_name(stem: str, suffix: str, taken: dict[str, bytes]) -> str:
    """A file name of ASCII letters, digits and dashes (`Reactor diagram.PNG` -> `reactor-diagram.png`)."""
    base = slugify(stem) or "image"
    name, number = f"{base}{suffix}", 1
    while name in taken:
        number += 1
        name = f"{base}-{number}{suffix}"
    return name
