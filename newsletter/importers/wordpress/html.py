"""Turn a post's stored HTML into plain, self-contained HTML ready for Markdown conversion."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, PageElement, Tag

from newsletter.content.markdown import MAX_NESTING
from newsletter.importers.wordpress.autop import add_paragraphs
from newsletter.importers.footnotes import mark_footnotes
from newsletter.importers.wordpress.gutenberg import drop_site_rendered_blocks, has_blocks
from newsletter.importers.wordpress.shortcodes import expand_shortcodes
from newsletter.importers.wordpress.export import Attachment

# Markup deeper than this is flattened: converting it to Markdown recurses once per element.
MAX_ELEMENT_DEPTH = 150
# Characters authors type at the start of a paragraph to fake a bulleted list.
BULLETS = "•●▪◦‣∙·"
_BULLET_START = re.compile(rf"^\s*[{BULLETS}]\s*")
_DROPPED_ELEMENTS = ("script", "style", "noscript", "template", "form", "input", "button", "select", "textarea")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\ufeff\u00ad"), None)
_DOUBLE_ENCODED = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|figcaption|td|th)>", re.IGNORECASE)
_BARE_URL = re.compile(r"^https?://\S+$")
# Player addresses of embeds, and the page a reader should open instead.
_PLAYER_PAGES = (
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+).*$"), r"https://www.youtube.com/watch?v=\1"),
    (re.compile(r"^https?://player\.vimeo\.com/video/(\d+).*$"), r"https://vimeo.com/\1"),
)
# The footer WordPress SEO plugins add to every feed item.
_FEED_FOOTER = re.compile(r"^The post .+ appeared first on .+\.$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Finding:
    """Something the conversion could not carry over faithfully."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PreparedContent:
    soup: BeautifulSoup
    findings: tuple[Finding, ...]
    footnotes: tuple[str, ...] = ()


def prepare_content(
    text: str,
    *,
    attachments: Mapping[int, Attachment],
    post_id: int | None,
    site_url: str,
    resolve_image: Callable[[str], str],
    footnotes_json: str = "",
) -> PreparedContent:
    """Expand blocks and shortcodes, add WordPress's paragraphs, and simplify the markup."""
    findings: list[Finding] = []
    blocks = has_blocks(text)
    if blocks:
        block_content = drop_site_rendered_blocks(text)
        text = block_content.html
        dropped_blocks = [name for name in block_content.dropped if not (name == "footnotes" and footnotes_json)]
        if dropped_blocks:
            names = ", ".join(dropped_blocks)
            findings.append(Finding("dynamic-block", f"dropped blocks that only the WordPress site can render: {names}"))
    expanded = expand_shortcodes(text, attachments, post_id)
    for name in expanded.unknown:
        findings.append(Finding("unknown-shortcode", f"kept [{name}] as text: not a shortcode the importer knows"))
    if expanded.empty_galleries:
        findings.append(Finding("empty-gallery", "dropped a gallery whose images are not in the export"))
    soup = BeautifulSoup(expanded.html.replace("\r\n", "\n"), "html.parser")
    if _flatten_deep_markup(soup):
        findings.append(Finding("deep-nesting", f"flattened lists or quotes nested more than {MAX_NESTING} levels "
                                f"deep, or markup more than {MAX_ELEMENT_DEPTH}, into plain text"))
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    dropped = sorted({element.name for element in soup.find_all(_DROPPED_ELEMENTS)})
    for element in soup.find_all(_DROPPED_ELEMENTS):
        element.decompose()
    if set(dropped) - {"style"}:
        findings.append(Finding("dropped-element", f"dropped elements a newsletter cannot carry: {', '.join(dropped)}"))
    if not blocks:
        add_paragraphs(soup)
    _simplify_rendered_markup(soup)
    _links_for_embeds(soup)
    _lists_from_bullets(soup)
    _clean_text(soup)
    notes = mark_footnotes(soup, footnotes_json)
    findings.extend(_fix_urls(soup, site_url, resolve_image))
    _drop_empty(soup)
    return PreparedContent(soup, tuple(findings), notes)


def _flatten_deep_markup(soup: BeautifulSoup) -> bool:
    """Replace lists and quotes nested deeper than a news item may hold, and any deeper markup, by their text.

    The Markdown converter recurses once per element and a news item refuses lists nested more
    than MAX_NESTING deep: both would fail on a post with hundreds of nested lists. This walk
    keeps no stack (bs4's find_all and get_text do not recurse).
    """
    depth: dict[int, int | None] = {id(soup): 0}
    lists: dict[int, int] = {id(soup): 0}
    flattened = False
    for element in soup.find_all(True):
        parent = depth.get(id(element.parent))
        if parent is None:  # inside a subtree already flattened
            depth[id(element)] = None
            continue
        depth[id(element)] = parent + 1
        lists[id(element)] = lists[id(element.parent)] + (element.name in ("ul", "ol", "blockquote"))
        if parent + 1 > MAX_ELEMENT_DEPTH or lists[id(element)] > MAX_NESTING:
            depth[id(element)] = None
            element.replace_with(NavigableString(" ".join(element.get_text(" ").split())))
            flattened = True
    return flattened


def html_to_text(fragment: str) -> str:
    """Give the plain text of an HTML fragment (titles, excerpts), entities decoded, one line."""
    # Blocks and line breaks separate words; inline tags (<em>, <sup>) do not.
    text = BeautifulSoup(_BLOCK_END.sub(" ", fragment), "html.parser").get_text()
    text = html.unescape(text) if _DOUBLE_ENCODED.search(text) else text
    return " ".join(text.translate(_INVISIBLE).split())


def _simplify_rendered_markup(soup: BeautifulSoup) -> None:
    """Rewrite markup WordPress generates (captions, galleries, verses, quotes) as plain elements."""
    for caption_box in soup.select("div.wp-caption"):
        caption_box.name = "figure"
        caption_box.attrs = {}
    for caption in soup.select("figure .wp-caption-text, figure .wp-caption-dd"):
        caption.name = "figcaption"
    for item in soup.select(".gallery dl.gallery-item, .tiled-gallery .tiled-gallery-item"):
        item.name = "figure"
        for icon in item.select("dt"):
            icon.unwrap()
        for text in item.select("dd"):
            text.name = "figcaption"
    for table in soup.find_all("table"):
        # A Markdown table has one header row and then plain rows: footer rows go last.
        for footer in table.find_all("tfoot", recursive=False):
            table.append(footer.extract())
        for section in table.find_all(["thead", "tbody", "tfoot"], recursive=False):
            section.unwrap()
    for button in soup.select(".wp-block-file a.wp-block-file__button"):
        button.decompose()  # repeats the file link next to it
    for verse in soup.select("pre.wp-block-verse"):
        lines = verse.get_text().strip("\n").split("\n")
        verse.name = "p"
        verse.attrs = {}
        verse.clear()
        for index, line in enumerate(lines):
            if index:
                verse.append(soup.new_tag("br"))
            verse.append(NavigableString(line))
    for cite in soup.select("blockquote cite, blockquote > footer"):
        if cite.parent is not None and cite.parent.name == "blockquote":
            cite.name = "p"
        cite.insert(0, NavigableString("— "))
    for summary in soup.find_all("summary"):
        summary.name = "p"
        strong = soup.new_tag("strong")
        for child in list(summary.children):
            strong.append(child.extract())
        summary.append(strong)


def _link_paragraph(soup: BeautifulSoup, url: str, text: str = "") -> Tag:
    paragraph = soup.new_tag("p")
    anchor = soup.new_tag("a", href=url)
    anchor.string = text or url
    paragraph.append(anchor)
    return paragraph


def _links_for_embeds(soup: BeautifulSoup) -> None:
    """Replace players and embeds that email and feeds cannot show by links to the media."""
    for wrapper in soup.select(".wp-block-embed__wrapper"):
        url = wrapper.get_text().strip()
        if _BARE_URL.match(url):
            wrapper.replace_with(_link_paragraph(soup, url))
    for element in soup.find_all(["iframe", "audio", "video", "object", "embed"]):
        source = element.find("source")
        found = element.get("src") or element.get("data") or (source.get("src") if isinstance(source, Tag) else "")
        url = found if isinstance(found, str) else " ".join(found or [])
        for player, page in _PLAYER_PAGES:
            url = player.sub(page, url)
        title = str(element.get("title") or "")
        element.replace_with(_link_paragraph(soup, url, title) if url else "")
    for paragraph in soup.find_all("p"):
        text = paragraph.get_text().strip()
        if paragraph.find(True) is None and _BARE_URL.match(text):
            paragraph.replace_with(_link_paragraph(soup, text))
        elif len(paragraph.find_all("a")) == 2 and _FEED_FOOTER.match(" ".join(text.split())):
            paragraph.decompose()


def _lists_from_bullets(soup: BeautifulSoup) -> None:
    """Make real lists of paragraphs (or <br>-separated lines) that start with a typed bullet."""
    for paragraph in soup.find_all("p"):
        lines: list[list[PageElement]] = [[]]
        for child in list(paragraph.children):
            if isinstance(child, Tag) and child.name == "br":
                lines.append([])
            else:
                lines[-1].append(child)
        lines = [line for line in lines if "".join(_text(node) for node in line).strip()]
        flags = [bool(_BULLET_START.match("".join(_text(node) for node in line))) for line in lines]
        if not lines or not any(flags) or not all(flags[1:]) or (not flags[0] and len(lines) < 2):
            continue
        bullet_list = soup.new_tag("ul", attrs={"data-typed-bullets": ""})
        for line, is_bullet in zip(lines, flags):
            if not is_bullet:
                continue
            item = soup.new_tag("li")
            for node in line:
                item.append(node.extract())
            _strip_bullet(item)
            bullet_list.append(item)
        paragraph.insert_after(bullet_list)
        if flags[0]:
            paragraph.decompose()
        else:
            for br in paragraph.find_all("br", recursive=False):
                br.decompose()
    for bullet_list in soup.select("ul[data-typed-bullets]"):
        following: PageElement | None = bullet_list.find_next_sibling()
        while isinstance(following, Tag) and following.name == "ul" and following.has_attr("data-typed-bullets"):
            between = following.previous_sibling
            if between is not bullet_list and not (isinstance(between, NavigableString) and not between.strip()):
                break
            for child in list(following.children):
                bullet_list.append(child.extract())
            following.decompose()
            following = bullet_list.find_next_sibling()
    for bullet_list in soup.select("ul[data-typed-bullets]"):
        del bullet_list["data-typed-bullets"]
    for item in soup.find_all("li"):
        _strip_bullet(item)  # "• " typed inside a real list item would show twice


def _text(node: PageElement) -> str:
    return node.get_text() if isinstance(node, Tag) else str(node)


def _strip_bullet(item: Tag) -> None:
    first = next((text for text in item.find_all(string=True) if text.strip()), None)
    if first is not None and _BULLET_START.match(first):
        first.replace_with(NavigableString(_BULLET_START.sub("", first, count=1)))


def _clean_text(soup: BeautifulSoup) -> None:
    """Make non-breaking spaces plain, drop invisible characters, decode doubly encoded entities."""
    for text in soup.find_all(string=True):
        value = str(text).replace("\u00a0", " ").translate(_INVISIBLE)
        if _DOUBLE_ENCODED.search(value) and not any(parent.name in ("pre", "code") for parent in text.parents):
            value = html.unescape(value)
        if value != text:
            text.replace_with(NavigableString(value))


def _fix_urls(soup: BeautifulSoup, site_url: str, resolve_image: Callable[[str], str]) -> list[Finding]:
    """Make site-relative links absolute, resolve images, give captioned images their caption as alt."""
    base = site_url.rstrip("/") + "/"
    for anchor in soup.find_all("a", href=True):
        anchor["href"] = _absolute(str(anchor["href"]), base)
    findings = []
    for image in soup.find_all("img"):
        source = str(image.get("src") or "").strip()
        if not source:
            image.decompose()
            continue
        source = _absolute(source, base)
        image["src"] = resolve_image(source)
        alt = " ".join(str(image.get("alt") or "").split())
        figure = image.find_parent("figure")
        caption = figure.find("figcaption") if figure else None
        if not alt and caption is not None:
            alt = caption.get_text(" ", strip=True)
        image["alt"] = alt
        if not alt:
            findings.append(Finding("missing-alt", f"image has no alt text: {source}"))
    return findings


def _absolute(url: str, base: str) -> str:
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/") and base != "/":
        return urljoin(base, url)
    return url


def _drop_empty(soup: BeautifulSoup) -> None:
    """Remove paragraphs, headings and spacers that show nothing (e.g. `<p>&nbsp;</p>`)."""
    for element in soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "figure", "figcaption", "span"]):
        if element.decomposed:
            continue
        if not element.get_text().strip() and element.find(["img", "hr", "table", "a"]) is None:
            element.decompose()
