"""Every hostile input and fault, run through the CLI: one line or success, and nothing outside output/ touched.

Each case builds (or checks, or sends) a project that holds one hostile thing while `watch_tree`
watches the project and its parent folder: only output/ and .newsletter-cache/ may change.
Killed and full-disk builds are watched in test_faults.py.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from newsletter.cli import cli
from newsletter.cache import CACHE_DIR
from newsletter.cache.documents import CACHE_FILE

from .conftest import MINIMAL_ITEM, MINIMAL_SETTINGS
from .test_link_redirects import redirecting  # noqa: F401 - a fixture
from .test_send import png_pixel

ITEM = "content/news/2024-01-10-first-item.md"
ISSUE = "content/issues/2024-01-31-issue-1.md"
Setup = Callable[[Path, Path], list[str] | None]  # (project, its parent) -> extra CLI arguments


def item_with(**front: object) -> str:
    meta = {"title": "First item", "date": "2024-01-10", **front}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\nBody.\n"


def edit(root: Path, relative: str, text: str | bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def tampered_manifest(*paths: str) -> Setup:
    def setup(root: Path, parent: Path) -> None:
        (parent / "victim.txt").write_text("precious")
        manifest = json.loads((root / "output/manifest.json").read_text())
        for path in paths:
            manifest["files"].append({"path": path.format(parent=parent), "kind": "x", "sha256": "0" * 64, "size": 1})
        (root / "output/manifest.json").write_text(json.dumps(manifest))
    return setup


def link_out(location: str) -> Setup:
    def setup(root: Path, parent: Path) -> None:
        (parent / "secret.png").write_bytes(png_pixel() + b"SECRET")
        (root / location).parent.mkdir(parents=True, exist_ok=True)
        (root / location).symlink_to(parent / "secret.png")
    return setup


def files(changes: dict[str, str | bytes], args: list[str] | None = None) -> Setup:
    def setup(root: Path, parent: Path) -> list[str] | None:
        for relative, text in changes.items():
            edit(root, relative, text)
        return args
    return setup


def settings_plus(extra: str) -> Setup:
    return files({"newsletter.toml": MINIMAL_SETTINGS + extra})


def settings_replace(old: str, new: str) -> Setup:
    return files({"newsletter.toml": MINIMAL_SETTINGS.replace(old, new)})


def crafted_cache(root: Path, parent: Path) -> None:
    path = root / CACHE_DIR / CACHE_FILE
    engine, entries = marshal.loads(path.read_bytes()[32:])
    payload = marshal.dumps((engine, {key: ("<script>", 1) for key in entries}))
    path.write_bytes(hashlib.sha256(payload).digest() + payload)
    (root / ITEM).write_text((root / ITEM).read_text() + "\n")


def fifo(root: Path, parent: Path) -> None:
    os.mkfifo(root / "content/news/2024-01-11-pipe.md")


def deep(text: str) -> Setup:
    return files({ITEM: MINIMAL_ITEM.replace("Body of the first item with a [link](https://example.org/a).", text)})


def manifest_gone(root: Path, parent: Path) -> None:
    (root / "output/manifest.json").unlink()
    (root / ITEM).write_text((root / ITEM).read_text().replace("Body of", "New body of"))


# name: (setup, exit codes allowed, whether the project is built before the watch starts)
CASES: dict[str, tuple[Setup, tuple[int, ...], bool]] = {
    "manifest names ../victim.txt": (tampered_manifest("../../victim.txt", "../victim.txt"), (0,), True),
    "manifest names content": (tampered_manifest(f"../{ITEM}", "../newsletter.toml"), (0,), True),
    "manifest names a folder": (tampered_manifest("news", "issues/issue-1"), (0,), True),
    "manifest names an absolute path": (tampered_manifest("{parent}/victim.txt", "/etc/hostname"), (0,), True),
    "manifest deleted": (manifest_gone, (1,), True),
    "image links out": (link_out("content/images/leak.png"), (1,), False),
    "template links out": (link_out("templates/email/footer.mjml"), (1,), False),
    "item links out": (link_out("content/news/2024-01-05-leak.md"), (1,), False),
    "partner url javascript:": (settings_plus('\n[[partners]]\nname = "E"\nurl = "javascript:alert(1)"\n'), (1,), False),
    "partner logo data:": (settings_plus('\n[[partners]]\nname = "E"\nlogo = "data:text/html,x"\n'), (1,), False),
    "unsubscribe javascript:": (settings_replace('esp = "mailchimp"', 'esp = "generic"\nunsubscribe_url = '
                                                 '"javascript:alert(1)"'), (1,), False),
    "formula title": (files({ITEM: item_with(title='=HYPERLINK("http://evil.example","x")')}), (0,), False),
    "authors: 5": (files({ITEM: item_with(type="publication", publication={"authors": 5})}), (1,), False),
    "date in year 1": (files({ITEM: item_with(date="0001-01-01T00:00:00+14:00")}), (1,), False),
    "image without suffix": (files({ITEM: item_with(image="images/photo", image_alt="A"),
                                    "content/images/photo": png_pixel()}), (0,), False),
    "image .jfif": (files({ITEM: item_with(image="images/p.jfif", image_alt="A"), "content/images/p.jfif": png_pixel()}),
                    (0,), False),
    "image ../newsletter.toml": (files({ITEM: item_with(image="../newsletter.toml", image_alt="A")}), (1,), False),
    "image /etc/passwd": (files({ITEM: item_with(image="/etc/passwd", image_alt="A")}), (1,), False),
    "CR/LF in subject": (files({ISSUE: "---\ntitle: One\ndate: 2024-01-31\nsubject: \"Hi\\r\\nBcc: x@evil.example\"\n"
                                       "---\nHi.\n"}), (0,), False),
    "CR/LF in title": (files({ITEM: item_with(title="First\r\nitem")}), (0,), False),
    "CR/LF in from": (settings_replace('from = "Test News <news@example.org>"',
                                       'from = "Test <t@example.org>\\nBcc: x@evil.example"'), (1,), False),
    "CR/LF in reply_to": (settings_plus('reply_to = "a@example.org\\r\\nBcc: x@evil.example"\n'), (1,), False),
    "CR/LF in name": (settings_replace('name = "Test Project"', 'name = "Test\\nProject"'), (1,), False),
    "site_url in another script": (settings_replace("example.org/news/", "bücher.example/news/"), (0,), False),
    "site_url https://": (settings_replace("https://example.org/news/", "https://"), (1,), False),
    "site_url with ?x=1": (settings_replace("https://example.org/news/", "https://example.org/?x=1"), (1,), False),
    "!!timestamp": (files({ITEM: "---\ntitle: !!timestamp 2024-01-01\ndate: !!timestamp 2024-01-10\n---\nB\n"}),
                    (0,), False),
    "list 5000 deep": (deep("".join("    " * level + "- x\n" for level in range(5000))), (1,), False),
    "quote 5000 deep": (deep(">" * 5000 + " x\n"), (1,), False),
    "key written twice": (files({ITEM: MINIMAL_ITEM.replace("summary:", "title: Again\nsummary:")}), (1,), False),
    "pipe named .md": (fifo, (1,), False),
    "crafted cache": (crafted_cache, (0,), True),
    "settings nested deep": (settings_plus("x = " + "[" * 3000 + "]" * 3000 + "\n"), (1,), False),
    "--out content/images": (files({"content/images/a.png": png_pixel()}, ["--out", "content/images"]), (2,), False),
    "--out the project": (files({}, ["--out", "."]), (2,), False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_build_is_one_line_or_works_and_touches_nothing_else(make_project, runner, watch_tree, name: str):
    setup, codes, built_first = CASES[name]
    root = make_project()
    as_of = ["--as-of", "2024-12-31"]
    if built_first:
        assert runner.invoke(cli, ["--project", str(root), "build", *as_of]).exit_code == 0
    extra = setup(root, root.parent) or []
    extra = [str(root / value) if value.startswith(("content/", ".")) else value for value in extra]
    watch = watch_tree(root)
    previous = Path.cwd()
    os.chdir(root)  # relative --out values mean the project's folders
    try:
        result = runner.invoke(cli, ["--project", str(root), "build", *as_of, *extra])
    finally:
        os.chdir(previous)
    watch.assert_unchanged()
    assert result.exit_code in codes, (result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    if (root / "output").exists():
        leftovers = [p for p in root.rglob("*") if p.name.startswith(".newsletter-") and p.name.endswith(".tmp")]
        assert leftovers == []


def test_checking_online_and_sending_touch_nothing_outside_the_cache(make_project, runner, watch_tree, redirecting):
    from .test_smtp_login import EchoingServer

    url, targets = redirecting
    targets["location"] = "file:///etc/passwd"
    root = make_project({ITEM: MINIMAL_ITEM.replace("https://example.org/a", url)})
    watch = watch_tree(root)
    checked = runner.invoke(cli, ["--project", str(root), "check", "--online", "--as-of", "2024-12-31"])
    assert checked.exit_code == 1 and "which is not a web address" in checked.output
    server = EchoingServer()
    try:
        env = {"NEWSLETTER_SMTP_HOST": "127.0.0.1", "NEWSLETTER_SMTP_PORT": str(server.port),
               "NEWSLETTER_SMTP_SECURITY": "none", "NEWSLETTER_SMTP_USER": "jürgen",
               "NEWSLETTER_SMTP_PASSWORD": "pässwörd-geheim"}
        sent = runner.invoke(cli, ["--project", str(root), "send-test", "issue-1", "--to", "a@example.org"], env=env)
    finally:
        server.close()
    assert sent.exit_code == 1 and "pässwörd" not in sent.output and "Traceback" not in sent.output
    watch.assert_unchanged()
