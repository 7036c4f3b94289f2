"""Map request paths to files of the build folder, refusing anything that would leave it."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

# Types the standard table lacks or gets wrong for review: show text inline, download messages.
_TYPES = {
    ".md": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/plain; charset=utf-8",
    ".eml": "message/rfc822",
    ".json": "application/json",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME_QUERY = re.compile(rb"\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)", re.IGNORECASE)
# Media queries that always and never match, so either scheme can be shown whatever the reviewer's own.
_ALWAYS = b"(min-width: 0px)"
_NEVER = b"(max-width: 0px) and (min-width: 1px)"


class Refused(Exception):
    """The path tries to leave the build folder (answered with 403)."""


class Missing(Exception):
    """Nothing is there (answered with 404)."""


@dataclass(frozen=True, slots=True)
class Found:
    path: Path
    redirect: str | None = None  # a folder asked for without its trailing slash


def resolve(base: Path, url_path: str) -> Found:
    """The file inside `base` that `url_path` (already percent-decoded) names."""
    if not url_path.startswith("/") or url_path.startswith("//"):
        raise Refused(url_path)
    if "\x00" in url_path or "\\" in url_path:
        raise Refused(url_path)
    parts = [part for part in url_path.split("/") if part]
    if any(part in ("..", ".") or _DRIVE.match(part) for part in parts):
        raise Refused(url_path)
    if any(part.startswith(".") for part in parts):
        raise Missing(url_path)  # staging files of atomic writes and other hidden files
    try:
        root = base.resolve()
        target = root.joinpath(*parts).resolve()
        if target != root and root not in target.parents:
            raise Refused(url_path)  # a symbolic link pointing outside
        if target.is_dir():
            if not url_path.endswith("/"):
                return Found(target, redirect=url_path + "/")
            target = target / "index.html"
        if not target.is_file():
            raise Missing(url_path)
    except (OSError, RuntimeError):  # a name too long for the file system, a loop of links
        raise Missing(url_path) from None
    return Found(target)


def content_type(path: Path) -> str:
    """The Content-Type header for a file of the build."""
    known = _TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _encoding = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def is_text_page(path: Path) -> bool:
    return path.suffix.lower() in (".html", ".css")


def force_scheme(data: bytes, scheme: str) -> bytes:
    """Make the page's `prefers-color-scheme` queries match `scheme`, whatever the browser prefers."""
    def replace(match: re.Match[bytes]) -> bytes:
        return _ALWAYS if match.group(1).lower().decode() == scheme else _NEVER

    return _SCHEME_QUERY.sub(replace, data)


def has_dark_styles(data: bytes) -> bool:
    """Tell whether a page or stylesheet declares styles for dark mode."""
    return any(match.group(1).lower() == b"dark" for match in _SCHEME_QUERY.finditer(data))


def localize(data: bytes, site_url: str, local_prefix: str) -> bytes:
    """Point absolute links into the published site at the local build (emails use absolute URLs)."""
    return data.replace(site_url.encode("utf-8"), local_prefix.encode("utf-8"))
