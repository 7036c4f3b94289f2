"""Nothing from outside the project leaks in: links leading out, pipes, and an output folder among the inputs."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from newsletter.cli import cli

from .test_send import png_pixel

ITEM = "content/news/2024-01-10-first-item.md"
ISSUE = "content/issues/2024-01-31-issue-1.md"
SECRET = b"SECRET-BYTES-FROM-ELSEWHERE"
WITH_IMAGE = """\
---
title: First item
date: 2024-01-10
summary: The first item.
image: {image}
image_alt: A picture
---
Body {body}
"""


def secret_file(folder: Path, name: str = "secret.png") -> Path:
    path = folder / name
    path.write_bytes(png_pixel() + SECRET)
    return path


def leaked(root: Path) -> list[str]:
    """Output files that hold the secret, as is or base64-encoded (an .eml attachment)."""
    encoded = base64.b64encode(png_pixel() + SECRET)[:40]
    found = []
    for path in (root / "output").rglob("*") if (root / "output").exists() else ():
        if path.is_file():
            data = path.read_bytes()
            if SECRET in data or encoded in data.replace(b"\r\n", b""):
                found.append(path.relative_to(root).as_posix())
    return found


def build(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31", *args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# Where a link may sit, and how it may point out: absolutely, relatively, through a link inside.
LOCATIONS = ["content/images/leak.png", "content/images/sub/leak.png", "templates/static/leak.png",
             "content/news/2024-01-05-leak.md", "content/issues/2024-01-20-leak.md", "templates/email/footer.mjml"]
TARGETS = ["absolute", "relative", "chain"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("location", LOCATIONS)
def test_a_link_leading_out_of_the_project_is_one_line_at_the_link(make_project, runner, watch_tree, tmp_path: Path,
                                                                   location: str, target: str):
    root = make_project()
    secret = secret_file(tmp_path)
    link = root / location
    link.parent.mkdir(parents=True, exist_ok=True)
    if target == "absolute":
        link.symlink_to(secret)
    elif target == "relative":
        link.symlink_to(os.path.relpath(secret, link.parent))
    else:
        (root / "content/images").mkdir(parents=True, exist_ok=True)
        hop = root / "content/images/hop.png"
        hop.symlink_to(secret)
        link.symlink_to(os.path.relpath(hop, link.parent))
    watch = watch_tree(root)
    line = one_line_error(build(runner, root))
    watch.assert_unchanged()
    assert line.startswith("error: content/") or line.startswith("error: templates/")
    assert "outside the project" in line
    assert leaked(root) == []


def test_an_item_image_leading_out_is_reported_at_its_image_line(make_project, runner, tmp_path: Path):
    root = make_project({ITEM: WITH_IMAGE.format(image="images/leak.png", body="")})
    (root / "content/images").mkdir(parents=True)
    (root / "content/images/leak.png").symlink_to(secret_file(tmp_path))
    line = one_line_error(build(runner, root))
    assert line.startswith(f"error: {ITEM}:5: image file 'images/leak.png' is a link to ")
    assert line.endswith("outside the project; copy the picture into content/images/")


@pytest.mark.parametrize("image", ["../newsletter.toml", "/etc/passwd", "images/../../newsletter.toml",
                                   "..", "images\\..\\..\\x.png", "C:/x.png"])
def test_an_image_path_leaving_content_is_refused_at_its_line(make_project, runner, image: str):
    root = make_project({ITEM: WITH_IMAGE.format(image=f'"{image}"' if "\\" not in image else f"'{image}'", body="")})
    line = one_line_error(build(runner, root))
    assert line.startswith(f"error: {ITEM}:5: 'image' must be a path inside content/ or an http(s) URL")


def test_links_between_the_projects_own_folders_are_followed(make_project, runner):
    root = make_project({ITEM: WITH_IMAGE.format(image="images/shared.png", body=""), "shared/pic.png": png_pixel()})
    (root / "content/images").mkdir(parents=True)
    (root / "content/images/shared.png").symlink_to("../../shared/pic.png")
    result = build(runner, root)
    assert result.exit_code == 0, result.output
    assert (root / "output/images/shared.png").read_bytes() == png_pixel()


def test_an_absolute_url_climbing_out_of_site_url_attaches_nothing(make_project, runner, tmp_path: Path):
    body = "![a](https://example.org/news/../../secret.png) ![b](https://example.org/news/../secret.png)"
    root = make_project({ISSUE: f"---\ntitle: Issue one\ndate: 2024-01-31\n---\nHello {body}\n"})
    secret_file(tmp_path)
    secret_file(root)
    result = build(runner, root)
    assert result.exit_code == 0, result.output
    assert leaked(root) == []


def test_a_pipe_named_like_an_item_is_one_line_not_a_hang(make_project, runner):
    root = make_project()
    os.mkfifo(root / "content/news/2024-01-11-pipe.md")
    line = one_line_error(build(runner, root))
    assert line.startswith("error: content/news/2024-01-11-pipe.md: the file is not a regular file but a pipe")


def test_a_pipe_among_images_and_templates_is_left_alone(make_project, runner):
    root = make_project({"content/images/a.png": png_pixel()})
    os.mkfifo(root / "content/images/pipe.png")
    (root / "templates/email").mkdir(parents=True)
    os.mkfifo(root / "templates/email/footer.mjml")
    result = build(runner, root)
    assert result.exit_code == 0, result.output
    assert not (root / "output/images/pipe.png").exists()


@pytest.mark.parametrize("out", ["content/images", "content", "templates/static", ".newsletter-cache/out", ".", ".."])
def test_an_output_folder_among_the_inputs_is_refused(make_project, runner, watch_tree, out: str):
    root = make_project({"content/images/a.png": png_pixel(), "templates/static/x.css": "p {}"})
    watch = watch_tree(root)
    result = build(runner, root, "--out", str(root / out))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: the output folder ") and result.stderr.count("\n") == 1
    watch.assert_unchanged()
