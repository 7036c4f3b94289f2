"""Read Gutenberg block comments: keep what a post shows, drop what only the site can render."""

from __future__ import annotations

import re
from dataclasses import dataclass

# <!-- wp:name {"json":1} --> opens, <!-- /wp:name --> closes, <!-- wp:name /--> stands alone.
# WordPress escapes "--" inside the JSON, so the first "-->" ends the comment.
BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<closing>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)"
    r"(?:\s+(?P<attributes>\{.*?\}))?\s*(?P<void>/)?-->",
    re.DOTALL,
)
# Containers whose inner blocks are templates filled in by the site (post lists, comments, menus):
# their static HTML is scaffolding without the content a reader saw.
SITE_RENDERED_CONTAINERS = frozenset(
    {
        "query",
        "post-template",
        "query-no-results",
        "query-pagination",
        "comments",
        "comment-template",
        "comments-pagination",
        "navigation",
        "navigation-submenu",
        "template-part",
        "widget-group",
    }
)


@dataclass(frozen=True, slots=True)
class BlockContent:
    """The post's HTML without site-rendered blocks, and the names of the blocks dropped."""

    html: str
    dropped: tuple[str, ...]


def has_blocks(text: str) -> bool:
    """Tell block-editor content from classic content, as WordPress's has_blocks() does."""
    return "<!-- wp:" in text


def drop_site_rendered_blocks(text: str) -> BlockContent:
    """Remove self-closing dynamic blocks and site-rendered containers with everything inside."""
    kept: list[str] = []
    dropped: list[str] = []
    open_blocks: list[str] = []
    skip_until_depth: int | None = None  # depth at which the container being removed was opened
    position = 0
    for match in BLOCK_COMMENT.finditer(text):
        name = match.group("name").removeprefix("core/")
        if skip_until_depth is None:
            kept.append(text[position : match.start()])
        position = match.end()
        if match.group("void"):
            if skip_until_depth is None and name not in dropped:
                dropped.append(name)
        elif match.group("closing"):
            if open_blocks and open_blocks[-1] == name:
                open_blocks.pop()
            if skip_until_depth is not None and len(open_blocks) == skip_until_depth:
                skip_until_depth = None
        else:
            if skip_until_depth is None and name in SITE_RENDERED_CONTAINERS:
                skip_until_depth = len(open_blocks)
                if name not in dropped:
                    dropped.append(name)
            open_blocks.append(name)
    if skip_until_depth is None:
        kept.append(text[position:])
    return BlockContent("".join(kept), tuple(dropped))
