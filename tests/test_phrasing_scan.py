"""The tag scan that spares the HTML parser decides as the parser would."""

from __future__ import annotations

import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsletter.content import markdown as md

TAGS = ["p", "em", "strong", "a", "span", "code", "pre", "h2", "dt", "dd", "dl", "li", "ul", "div", "blockquote",
        "table", "tr", "td", "br", "hr", "img", "figure", "b", "i", "q"]
WORDS = ["text", "a < b", "x > y", "&amp;", "é", " ", "\n", '"quoted"', "'"]


ATTRIBUTES = ["", ' title="a>b"', " class='x'", ' href="https://e.eu/?a=1&b=2"']


@st.composite
def markup(draw: st.DrawFn, depth: int = 0, tags: list[str] = TAGS, attributes: list[str] = ATTRIBUTES,
           words: list[str] = WORDS, most: int = 1) -> str:
    """Raw HTML nested up to four deep, tags left open or closed, with up to `most` attributes on a tag."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(tags))
            written = "".join(draw(st.lists(st.sampled_from(attributes), min_size=1, max_size=most)))
            closed = draw(st.booleans())  # raw HTML leaves tags open
            inner = draw(markup(depth + 1, tags, attributes, words, most))
            parts.append(f"<{tag}{written}>{inner}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(st.sampled_from(words)))
    return "".join(parts)


@given(markup())
@settings(max_examples=400, deadline=None)
@example("<em><p>a</p></em>")
@example("<h2>title<p>para</p></h2>")
@example('<p><span title="a>b">x</span></p>')
def test_the_scan_restructures_exactly_what_the_parser_does(raw: str) -> None:
    fragment = nh3.clean(raw, tags=md.ALLOWED_TAGS, attributes=md.ALLOWED_ATTRIBUTES, url_schemes=md.URL_SCHEMES,
                         link_rel=None)
    assert md._blocks_out_of_phrasing(fragment) == md._restructured(fragment)


@given(markup(), st.sampled_from(["keep", "rewrite", "drop"]))
@settings(max_examples=300, deadline=None)
@example("<em><p>a</p></em>", "rewrite")
@example('<h2><a href="https://e.eu/">x<p>para</p></a></h2>', "drop")
@example("text<dd>text<pre><dt>", "keep")  # parsed again, the term leaves the definition
def test_relinking_a_sanitised_fragment_changes_its_links_alone(raw: str, how: str) -> None:
    # Pages relink a body that sanitize made: moving blocks out of phrasing again would change nothing.
    def rewrite(href: str) -> str | None:
        return {"keep": href, "rewrite": f"../../{href}#moved", "drop": None}[how]

    fragment = md.sanitize(raw)
    relinked = md.relink(fragment, rewrite)
    assert md._blocks_out_of_phrasing(relinked) == relinked
    links = md.relink(fragment, lambda href: href).count(' href="')
    assert relinked.count(' href="') == (0 if how == "drop" else links)
    assert relinked.count('#moved"') == (links if how == "rewrite" else 0)


HOSTILE = [*TAGS, "svg", "math", "template", "script", "style", "noscript", "textarea", "title", "select", "object",
           "iframe", "form", "button", "image", "video", "source"]
LINKING = ["", ' href="https://e.eu/?a=1&amp;b=2"', ' href="../news/2024-01-16-kick-off.md#x"', " src=images/a%20b.png",
           ' href="javascript:alert(1)"', ' src="data:image/png;base64,AA"', " href='mailto:a@e.eu'", ' href=""',
           ' title="a>b" href="files/r.pdf"', ' href="&quot;q&quot;"', ' href="files/rapport é.pdf"',
           " src='images/&#233;t&eacute;.png'", ' href="a&nbsp;b.md"', ' href="/abs?x=&lt;1&gt;"']


def linking_markup() -> st.SearchStrategy[str]:
    return markup(tags=HOSTILE, attributes=LINKING, most=2,
                  words=[*WORDS, ' href="x.md"', "<a href=y.md", "&lt;img src=z&gt;"])


@given(linking_markup())
@settings(max_examples=500, deadline=None)
@example('<svg><a href="files/r.pdf">x</a></svg><img src=a.png>')
@example('<a href="a.md"><p><a href="b.md">x</a></p></a>')
@example("""<a title='say "href=x"' href="y.md">z</a><i><p><a href='a"b.md'>q</a></p></i>""")
@example("<p><select><a href=y.md<p>text<p>text")
def test_the_scan_finds_the_links_a_relinking_meets(raw: str) -> None:
    # A body is relinked without a parse when its links all stay: the scan must find every link a parse meets.
    # (Parsed again, a link around a paragraph inside a paragraph is cloned, and met twice.)
    fragment = md.sanitize(raw)
    met: list[str] = []
    md.relink(fragment, lambda href: met.append(href) or href)
    assert set(md.links_of(fragment)) == set(met)
    assert len(md.links_of(fragment)) <= len(met)


@given(linking_markup(), st.sampled_from(["keep", "rewrite", "drop", "some"]))
@settings(max_examples=400, deadline=None)
@example('<a href="a.md">x</a> href="a.md"', "rewrite")
def test_relinking_lazily_gives_what_a_parse_gives(raw: str, how: str) -> None:
    def rewrite(href: str) -> str | None:
        if how == "some":
            return href if href.startswith("http") else f"../../{href}"
        return {"keep": href, "rewrite": f"../../{href}#moved", "drop": None}[how]

    fragment = md.sanitize(raw)
    leads, make = md.relinked(fragment, rewrite)
    links = md.links_of(fragment)
    assert leads == tuple(map(rewrite, links))
    # Every link kept as written: the sanitised fragment itself, which a parse would at most restructure.
    assert make() == (fragment if leads == links else md.relink(fragment, rewrite))


@given(linking_markup())
@settings(max_examples=400, deadline=None)
@example("<p>a<br>b</p><ul><li>c</li><li>d&nbsp;e &amp;lt;f&gt;</li></ul><img alt=g>h")
@example("""<p><span title='x</p>y'>z</span></p>""")
@example("a<pre>\n\nx</pre>b")  # a parser drops the line break that starts a `pre`; a word ends before it anyway
def test_the_text_read_from_the_tags_is_what_the_sanitiser_leaves(raw: str) -> None:
    fragment = md.sanitize(raw)
    assert md.sanitised_text(fragment) == md.plain_text(fragment)
