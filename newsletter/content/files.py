"""The image files content and settings name, resolved when loaded: each missing one is an error at its line.

Only `content/images/` is published (to `output/images/`), so an image must be found there. Front
matter and settings give paths relative to `content/`; an image in a Markdown body may also be
written relative to its own file (`../images/team.png` from `content/news/`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsletter.urls import is_absolute
from newsletter.confine import inside, link_target
from newsletter.content.frontmatter import Document
from newsletter.htmltree import image_sources
from newsletter.errors import MissingFileError, SourceLocation
from newsletter.settings.load import Settings

IMAGES = "images"


def is_remote(reference: str) -> bool:
    """Whether an image is given by its address rather than as a project file."""
    return is_absolute(reference)


def find_image(root: Path, reference: str, written_in: Path | None = None) -> tuple[Path | None, list[Path]]:
    """The published file `reference` names, and every place it was looked for (relative to `root`).

    `written_in` is the content file of a Markdown body; front matter and settings pass None.
    """
    # A file name may hold '#', '?' or '%' written as they are, or percent-encoded as a URL.
    paths = dict.fromkeys([reference, unquote(urlsplit(reference).path)])
    content = root / "content"
    bases = [content] if written_in is None else [(root / written_in).parent, content]
    tried: list[Path] = []
    for base in bases:
        for path in paths:
            candidate = Path(os.path.normpath(base / path))
            if candidate.is_relative_to(root):
                tried.append(candidate.relative_to(root))
            if is_published_image(root, candidate):
                return candidate, tried
    return None, list(dict.fromkeys(tried))


def is_published_image(root: Path, path: Path) -> bool:
    """Whether the build copies `path` to output/images/: a file in content/images/, not hidden."""
    return (path.is_relative_to(root / "content" / IMAGES) and path.is_file() and not path.name.startswith(".")
            and inside(root, path))


def missing_image(root: Path, reference: str, place: Callable[[], SourceLocation], what: str,
                  written_in: Path | None = None) -> MissingFileError | None:
    """An error when `reference` names no published image, else None; `place` tells where it is named."""
    if not reference or is_remote(reference):
        return None
    found, tried = find_image(root, reference, written_in)
    if found is not None:
        return None
    where = place()  # found again only for an error: it parses the file once more
    existing = next((path for path in tried if (root / path).is_file()), None)
    if existing is not None and not inside(root, root / existing):
        return MissingFileError(f"{what} '{reference}' is a link to {link_target(root / existing)}, outside the project",
                                where, f"copy the picture into content/{IMAGES}/")
    if existing is not None:
        return MissingFileError(
            f"{what} '{existing.as_posix()}' is not in content/{IMAGES}/, so it would not be published",
            where, f"move it into content/{IMAGES}/ and write the path from there, e.g. '{IMAGES}/{existing.name}'",
        )
    if not tried:  # an absolute path, or one leading out of the project
        return MissingFileError(f"{what} '{reference}' is outside the project", where,
                                f"put the file in content/{IMAGES}/ and write the path from there")
    looked = " or ".join(f"'{path.as_posix()}'" for path in tried)
    relative = "its own file or content/" if written_in is not None else "content/"
    return MissingFileError(f"{what} {looked} does not exist", where,
                            f"put the file there or correct the path (it is relative to {relative})")


def body_image_errors(root: Path, document: Document, body_html: str) -> Iterator[MissingFileError]:
    """An error for each image of a Markdown body that names no published file, at the line that writes it."""
    if "<img" not in body_html:  # most bodies have no image: spare them the parse
        return
    for src in image_sources(body_html):
        forms = [src, unquote(src), src.replace("&", "&amp;")]
        problem = missing_image(root, src, lambda: document.body_where(forms), "image",
                                written_in=document.path)
        if problem is not None:
            yield problem


def settings_image_errors(root: Path, settings: Settings) -> Iterator[MissingFileError]:
    """An error for the project logo and each partner logo that names no published file."""
    logos = [("project.logo", settings.project.logo)]
    logos += [(f"partners[{index}].logo", partner.logo) for index, partner in enumerate(settings.partners)]
    for key, logo in logos:
        problem = missing_image(root, logo or "", lambda: settings.where(key), "logo file")
        if problem is not None:
            yield problem
