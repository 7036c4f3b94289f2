"""A rebuild loads Pillow only when a part it renders again makes an image, what makes an email only for an
email it renders again, and what composes a post only for a post it composes again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from newsletter.build import BuildOptions, build_project

from .conftest import EXAMPLE_AS_OF, copy_example

IMAGE_LIBRARIES = ("PIL",)
EMAIL_LIBRARIES = ("mjml", "css_inline", "inscriptis", "email.headerregistry", "newsletter.channels.email.context")
POST_MAKERS = ("newsletter.channels.social.compose", "newsletter.channels.social.fit", "newsletter.platforms.x",
               "newsletter.platforms.mastodon", "newsletter.platforms.splitting")
PROBE = """
import sys
from pathlib import Path
from datetime import date
from newsletter.build import BuildOptions, build_project
result = build_project(Path.cwd(), BuildOptions(as_of=date.fromisoformat(sys.argv[1])))
print("WROTE", len(result.report.written))
print("LOADED", " ".join(sorted(name for name in sys.argv[2:] if name in sys.modules)))
"""


def loaded_by_rebuild(root: Path, libraries: tuple[str, ...] = IMAGE_LIBRARIES) -> list[str]:
    """Build `root` in a process of its own; which of `libraries` it imported."""
    run = subprocess.run([sys.executable, "-c", PROBE, EXAMPLE_AS_OF.isoformat(), *libraries],
                         cwd=root, capture_output=True, text=True, check=True)
    assert "WROTE 0" not in run.stdout  # it did rebuild
    return run.stdout.split("LOADED", 1)[1].split()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("imports") / "example")
    build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF))
    return root


@settings(max_examples=3, deadline=None)
@given(st.text(st.characters(codec="ascii", categories=("L", "N", "Zs")), min_size=1, max_size=40))
def test_a_new_item_outside_every_issue_loads_no_image_library(built: Path, body: str):
    root = built
    # After the last issue, without an image of its own: no email, and no picture, needs it.
    (root / "content/news/2024-12-30-late-news.md").write_text(
        f"---\ntitle: Late news\ndate: 2024-12-30\n---\n{body}\n", encoding="utf-8")
    assert loaded_by_rebuild(root) == []


def test_an_edit_to_an_item_in_an_issue_makes_no_image_again(built: Path):
    # Its summary is on its issue's email, rendered again with the images every issue shows: remembered, not made.
    item = next(path for path in sorted((built / "content/news").glob("*.md"))
                if "image:" not in path.read_text() and "\nsummary: " in path.read_text())
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("\nsummary: ", "\nsummary: Revised. ", 1), encoding="utf-8")
    assert loaded_by_rebuild(built, (*IMAGE_LIBRARIES, "mjml")) == ["mjml"]  # an email was made, no image


def test_an_edit_of_an_items_text_loads_nothing_that_makes_an_email(built: Path):
    # The email shows the item's card, not its text: every email is remembered.
    item = next(path for path in sorted((built / "content/news").glob("*.md")))
    item.write_text(item.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert loaded_by_rebuild(built, EMAIL_LIBRARIES) == []


def test_an_edit_of_an_items_text_loads_nothing_that_composes_a_post(built: Path):
    # The posts read of the text only the partners it names: every post is remembered, none is counted again.
    item = next(path for path in sorted((built / "content/news").glob("*.md")))
    item.write_text(item.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert loaded_by_rebuild(built, POST_MAKERS) == []


@pytest.mark.parametrize("channel", ["email.renderer.EmailRenderer", "social.renderer.SocialRenderer"])
def test_what_makes_emails_and_posts_is_all_loaded_ahead_by_load_makers(built: Path, channel: str):
    # A big build loads it before its workers start: the channel rendered after that imports none of our modules.
    module, name = channel.rsplit(".", 1)
    probe = f"""
import sys
from pathlib import Path
from datetime import date
from newsletter.build import BuildOptions, load_makers, load_site, project_templates
from newsletter.channels.{module} import {name}
site = load_site(Path.cwd(), BuildOptions(as_of=date.fromisoformat(sys.argv[1]), use_cache=False))
load_makers()
before = set(sys.modules)
list({name}().render(site, project_templates(Path.cwd())))
print(" ".join(sorted(name for name in set(sys.modules) - before if name.startswith("newsletter"))))
"""
    run = subprocess.run([sys.executable, "-c", probe, EXAMPLE_AS_OF.isoformat()], cwd=built,
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == []
