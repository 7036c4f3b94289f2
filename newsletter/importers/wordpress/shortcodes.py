"""Expand the WordPress shortcodes a news item can keep; leave the others as text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from newsletter.importers.wordpress.export import Attachment, Image

# The grammar of WordPress's get_shortcode_regex() (wp-includes/shortcodes.php), for any name:
# 1 opening "[" of an escaped [[code]], 2 name, 3 attributes, 4 self-closing "/",
# 5 enclosed content, 6 closing "]" of an escaped code.
SHORTCODE = re.compile(
    r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])"
    r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:(/)\]|\](?:([^\[]*(?:\[(?!/\2\])[^\[]*)*)\[/\2\])?)"
    r"(\]?)"
)
# shortcode_parse_atts(): name="v", name='v', name=v, "positional", 'positional', positional.
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_CAPTIONED_IMAGE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)
_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")
_MEDIA_KEYS = ("src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv", "flv", "wmv")


@dataclass(frozen=True, slots=True)
class Shortcode:
    """One shortcode as written in a post."""

    name: str
    attributes: dict[str, str]
    positional: tuple[str, ...]
    content: str | None


@dataclass(slots=True)
class ShortcodeResult:
    """The HTML with known shortcodes expanded, and what could not be expanded."""

    html: str
    unknown: list[str] = field(default_factory=list)
    empty_galleries: int = 0


def parse_attributes(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Split shortcode attributes into named and positional values, entities decoded."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ATTRIBUTE.finditer(html.unescape(text).replace("\u00a0", " ")):
        groups = match.groups()
        for name_index in (0, 2, 4):
            if groups[name_index]:
                named[groups[name_index].lower()] = groups[name_index + 1]
                break
        else:
            positional.append(next(group for group in groups[6:] if group is not None))
    return named, tuple(positional)


def expand_shortcodes(
    text: str,
    attachments: Mapping[int, Attachment],
    post_id: int | None,
) -> ShortcodeResult:
    """Replace caption, gallery, embed, audio and video shortcodes by plain HTML."""
    result = ShortcodeResult(text)
    handlers: dict[str, Callable[[Shortcode], str]] = {
        "caption": _caption,
        "wp_caption": _caption,
        "embed": _embed,
        "audio": _media,
        "video": _media,
        "gallery": lambda code: _gallery(code, attachments, post_id, result),
    }

    def replace(match: re.Match[str]) -> str:
        if match.group(1) == "[" and match.group(6) == "]":
            return match.group(0)[1:-1]  # [[name]] is how authors write a literal [name]
        name = match.group(2).lower()
        handler = handlers.get(name)
        if handler is None:
            if name not in result.unknown:
                result.unknown.append(name)
            return match.group(0)
        attributes, positional = parse_attributes(match.group(3))
        return handler(Shortcode(name, attributes, positional, match.group(5)))

    result.html = SHORTCODE.sub(replace, text)
    return result


def _figure(image: Image, link: str = "") -> str:
    img = f'<img src="{html.escape(image.url)}" alt="{html.escape(image.alt)}">'
    if link:
        img = f'<a href="{html.escape(link)}">{img}</a>'
    caption = f"<figcaption>{image.caption}</figcaption>" if image.caption.strip() else ""
    return f"\n<figure>{img}{caption}</figure>\n"


def _caption(code: Shortcode) -> str:
    content = code.content or ""
    match = _CAPTIONED_IMAGE.match(content)
    if not match:
        return content
    caption = code.attributes.get("caption") or match.group(2).strip()
    return f"\n<figure>{match.group(1)}<figcaption>{caption}</figcaption></figure>\n" if caption else match.group(1)


def _link(url: str) -> str:
    url = html.escape(url.strip())
    return f'\n<p><a href="{url}">{url}</a></p>\n' if url else ""


def _embed(code: Shortcode) -> str:
    return _link(html.unescape(code.content or ""))


def _media(code: Shortcode) -> str:
    url = next((code.attributes[key] for key in _MEDIA_KEYS if code.attributes.get(key)), "")
    url = url or next((value for value in code.positional if "://" in value), "")
    return _link(url)


def _gallery(
    code: Shortcode,
    attachments: Mapping[int, Attachment],
    post_id: int | None,
    result: ShortcodeResult,
) -> str:
    """List the gallery's images: `ids`/`include` in order, else the post's attached images."""
    wanted = code.attributes.get("ids") or code.attributes.get("include") or ""
    excluded = {int(value) for value in re.findall(r"\d+", code.attributes.get("exclude", ""))}
    if wanted:
        chosen = [attachments[int(value)] for value in re.findall(r"\d+", wanted) if int(value) in attachments]
    else:
        parent = int(code.attributes["id"]) if code.attributes.get("id", "").isdigit() else post_id
        chosen = sorted(
            (entry for entry in attachments.values() if parent is not None and entry.parent == parent),
            key=lambda entry: (entry.menu_order, entry.post_id),
        )
    images = [
        entry.image
        for entry in chosen
        if entry.post_id not in excluded and entry.image.url.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS)
    ]
    if not images:
        result.empty_galleries += 1
        return ""
    return "".join(_figure(image) for image in images)
