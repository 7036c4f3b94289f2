"""email.zip: the issue's email as an email service imports it, opened with zipfile."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project, load_site
from newsletter.htmltree import image_sources
from newsletter.channels.email.esp_zip import email_zip
from newsletter.site import Site

from .conftest import EXAMPLE_AS_OF, MINIMAL_SETTINGS, REPO, copy_example

PNG = (REPO / "content" / "images" / "summer-school.png").read_bytes()
# Names Mailchimp asks to avoid (spaces, accents, capitals, `#`, `%`), one stem twice, and types it does not take.
IMAGES = ("images/Reactor diagram.PNG", "images/équipe #1.jpg", "images/logo.png", "images/partners/logo.png",
          "images/100%.gif", "images/chart.svg", "images/photo.webp", "images/a.jpeg")
REMOTE = "https://cdn.example.org/banner.png"
SAFE_NAME = re.compile(r"images/[a-z0-9-]+\.(png|jpg|jpeg|gif)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("zip")
    (root / "newsletter.toml").write_text(MINIMAL_SETTINGS)
    for number, path in enumerate(IMAGES):
        (root / "content" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / path).write_bytes(PNG + bytes([number]))  # each file its own bytes
    (root / "content" / "news").mkdir()
    (root / "content" / "issues").mkdir()
    return load_site(root, BuildOptions(as_of=EXAMPLE_AS_OF))


def document(site: Site, sources: list[str]) -> str:
    images = "".join(f'<img src="{site.asset_url(path) if path != REMOTE else path}" alt="">' for path in sources)
    return f'<!doctype html><html><body><a href="{site.url()}">Home</a>{images}</body></html>'


def opened(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from((*IMAGES, REMOTE)), max_size=12))
def test_every_image_path_resolves_inside_the_zip(site: Site, sources: list[str]) -> None:
    data = email_zip(site, document(site, sources))
    archive = opened(data)
    names = archive.namelist()
    assert names == sorted(names) and [name for name in names if name.endswith(".html")] == ["index.html"]
    assert all(SAFE_NAME.fullmatch(name) for name in names if name != "index.html")
    html = archive.read("index.html").decode()
    referenced = set()
    for src, path in zip(image_sources(html), dict.fromkeys(sources)):
        if path == REMOTE or path.endswith((".svg", ".webp")):
            assert src == (REMOTE if path == REMOTE else site.asset_url(path))  # stays at its address
        else:
            assert archive.read(src) == (site.root / "content" / path).read_bytes()
            referenced.add(src)
    assert referenced == set(names) - {"index.html"}  # nothing in the zip the email does not show
    assert site.settings.project.site_url + '"' in html  # links stay absolute: only images move
    assert email_zip(site, document(site, sources)) == data


def test_the_zip_holds_fixed_dates_and_permissions_whatever_the_files_say(site: Site) -> None:
    source = document(site, list(IMAGES))
    before = email_zip(site, source)
    for path in IMAGES:
        os.utime(site.root / "content" / path, (1_800_000_000, 1_800_000_000))
    assert email_zip(site, source) == before
    for info in opened(before).infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr >> 16 == 0o100644


def test_each_issue_of_the_example_has_its_zip(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    result = build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    for edition in result.site.editions:
        folder = result.out_dir / "issues" / edition.slug
        archive = opened((folder / "email.zip").read_bytes())
        html = archive.read("index.html").decode()
        assert not [src for src in image_sources(html) if src.startswith(result.site.settings.project.site_url)]
        assert {f"images/{Path(src).name}" for src in image_sources(html)} <= set(archive.namelist())
