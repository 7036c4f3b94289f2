"""The benchmark corpus generator: deterministic, well formed, and buildable by every tool."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from newsletter.build import BuildOptions, build_project

BENCH = Path(__file__).resolve().parents[1] / "bench"
ITEM_TYPES = {"news", "event", "publication", "deliverable", "press"}


@pytest.fixture(scope="module")
def generate():
    """Import bench/generate.py the way `python bench/run.py` does."""
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("generate")
    finally:
        sys.path.remove(str(BENCH))


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def split_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_same_seed_gives_same_bytes(generate, tmp_path: Path) -> None:
    generate.generate(tmp_path / "a", 30, seed=7)
    generate.generate(tmp_path / "b", 30, seed=7)
    generate.generate(tmp_path / "c", 30, seed=8)
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    assert first != tree(tmp_path / "c")
    assert {"newsletter/newsletter.toml", "hugo/config.toml", "pelican/pelicanconf.py"} <= first.keys()


def test_news_items_are_well_formed(generate, tmp_path: Path) -> None:
    generate.generate(tmp_path, 40, seed=1)
    items = sorted((tmp_path / "newsletter" / "content" / "news").glob("*.md"))
    assert len(items) == 40
    slugs = set()
    types = set()
    for path in items:
        meta, body = split_front_matter(path)
        assert {"title", "date", "summary", "type", "tags", "work_packages", "author", "image", "image_alt"} <= meta.keys()
        assert isinstance(meta["date"], dt.date)
        assert path.name.startswith(f"{meta['date']:%Y-%m-%d}-")
        assert meta["type"] in ITEM_TYPES
        types.add(meta["type"])
        assert meta["image"].startswith("https://") and meta["image_alt"]
        if meta["type"] == "event":
            assert {"start", "end", "location", "url"} <= meta["event"].keys()
        if meta["type"] == "publication":
            assert {"doi", "venue", "authors", "open_access_url"} <= meta["publication"].keys()
        assert 150 <= len(body.split()) <= 600
        slug = path.name[len("YYYY-MM-DD-") : -len(".md")]
        assert slug not in slugs
        slugs.add(slug)
    assert types == {"news", "event", "publication"}


def test_issues_and_settings_are_well_formed(generate, tmp_path: Path) -> None:
    generate.generate(tmp_path, 40, seed=1)
    project = tmp_path / "newsletter"
    settings = tomllib.loads((project / "newsletter.toml").read_text(encoding="utf-8"))
    assert settings["project"]["name"] and settings["project"]["site_url"].startswith("https://")
    assert settings["funding"]["grant_agreement"] and settings["social"]["hashtags"]
    assert len(settings["partners"]) >= 3
    slugs = {path.name[11:-3] for path in (project / "content" / "news").glob("*.md")}
    issues = sorted((project / "content" / "issues").glob("*.md"))
    assert len(issues) == 4
    for path in issues:
        meta, _ = split_front_matter(path)
        assert {"title", "number", "date"} <= meta.keys()
        assert set(meta.get("items", [])) <= slugs


def test_hugo_and_pelican_mirror_every_item(generate, tmp_path: Path) -> None:
    generate.generate(tmp_path, 20, seed=1)
    for tool in ("newsletter", "hugo", "pelican"):
        assert len(list((tmp_path / tool / "content" / "news").glob("*.md"))) == 20
        assert len(list((tmp_path / tool / "content" / "issues").glob("*.md"))) == 2
    meta, _ = split_front_matter(next((tmp_path / "hugo" / "content" / "news").glob("*.md")))
    assert "type" not in meta and meta["item_type"] in ITEM_TYPES
    pelican = next((tmp_path / "pelican" / "content" / "news").glob("*.md")).read_text(encoding="utf-8")
    header = pelican.split("\n\n", 1)[0]
    assert {line.split(":", 1)[0] for line in header.splitlines()} >= {"Title", "Date", "Slug", "Tags", "Summary"}


def test_newsletter_builds_the_generated_project(generate, tmp_path: Path) -> None:
    generate.generate(tmp_path, 20, seed=1)
    out = tmp_path / "out"
    result = build_project(tmp_path / "newsletter", BuildOptions(out_dir=out, as_of=dt.date(2026, 1, 1)))
    # The corpus is addressed at example.eu domains, kept for examples: `check` would say so, and nothing else.
    assert [str(found) for found in result.diagnostics if found.code != "placeholder"] == []
    assert (out / "index.html").is_file() and (out / "feed.xml").is_file()
    pages = list((out / "news").glob("*/index.html"))
    drafts = sum("\ndraft: true\n" in path.read_text(encoding="utf-8") for path in (tmp_path / "newsletter" / "content" / "news").glob("*.md"))
    assert len(pages) == 20 - drafts
    assert len(list((out / "issues").glob("*/index.html"))) == 2


FORKED_BLOCK = """
import os, time
block = bytearray(80_000_000)
block[::4096] = b"\\1" * len(block[::4096])  # every page resident
pid = os.fork()
time.sleep(0.6)  # long enough for a few samples of both processes
if pid:
    os.waitpid(pid, 0)
else:
    os._exit(0)
"""


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="needs Linux's /proc")
def test_memory_a_forked_child_shares_counts_once_in_pss(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        measure = importlib.import_module("measure")
    finally:
        sys.path.remove(str(BENCH))
    sample = measure.measure([sys.executable, "-c", FORKED_BLOCK], cwd=tmp_path, log=tmp_path / "log")
    assert sample.tree_mb > 160  # the summed resident sizes count the block in both processes
    assert 80 < sample.pss_mb < 130  # the proportional sizes count it once
