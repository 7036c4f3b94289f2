"""The tag scan that spares the HTML parser decides as the parser would."""

from __future__ import annotations

import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsletter.content import markdown as md

TAGS = ["p", "em", "strong", "a", "span", "code", "pre", "h2", "dt", "dd", "dl", "li", "ul", "div", "blockquote",
        "table", "tr", "td", "br", "hr", "img", "figure", "b", "i", "q"]
TEXT = st.sampled_from(["text", "a < b", "x > y", "&amp;", "é", " ", "\n", '"quoted"', "'"])


@st.composite
def markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attribute = draw(st.sampled_from(["", ' title="a>b"', " class='x'", ' href="https://e.eu/?a=1&b=2"']))
            closed = draw(st.booleans())  # raw HTML leaves tags open
            inner = draw(markup(depth + 1))
            parts.append(f"<{tag}{attribute}>{inner}" + (f"</{tag}>" if closed else ""))
        else:
            parts.append(draw(TEXT))
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
