"""No CSV cell is ever a formula: what every CSV writer calls, and the social drafts' file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.csvfiles import FORMULA_STARTS, csv_text

from .test_send import png_pixel

cell = st.one_of(st.text(), st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text()),
                 st.integers(), st.none())


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@given(header=st.lists(st.text(), min_size=1, max_size=4), rows=st.lists(st.lists(cell, max_size=5), max_size=5))
def test_every_cell_reads_back_as_written_and_none_starts_a_formula(header, rows):
    text = csv_text(header, rows)
    assert text.endswith("\r\n")
    read_back = read(text)
    assert len(read_back) == len(rows) + 1
    for written, got in zip([header, *rows], read_back, strict=True):
        for value, original in zip(got, written, strict=True):
            if isinstance(original, str):  # numbers stay numbers: -1 is no formula
                assert not value.startswith(FORMULA_STARTS)
                assert value == ("'" + original if original.startswith(FORMULA_STARTS) else original)
            else:
                assert value == ("" if original is None else str(original))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝"])
def test_drafts_csv_neutralizes_titles_alt_texts_and_overrides(make_project, start: str):
    front = yaml.safe_dump({
        "title": f'{start}HYPERLINK("http://evil.example","x")', "date": "2024-01-10", "image": "images/a.png",
        "image_alt": f"{start}cmd|/C calc!A0", "social": {"mastodon": f"{start}1 great", "x": f"{start}SUM(1+1)"},
    }, allow_unicode=True)
    root = make_project({
        "content/news/2024-01-10-first-item.md": f"---\n{front}---\nBody.\n",
        "content/images/a.png": png_pixel(),
    })
    result = build_project(root, BuildOptions(as_of=date(2024, 12, 31)))
    rows = read((result.out_dir / "social/drafts.csv").read_text(encoding="utf-8"))
    assert len(rows) > 1
    for row in rows:
        assert not any(value.startswith(FORMULA_STARTS) for value in row)
    texts = [row[2] for row in rows[1:]]
    override = (start + "1 great").strip()  # the loader strips text, tabs included
    assert ("'" + override if override.startswith(FORMULA_STARTS) else override) in texts
