"""`newsletter init` and `newsletter new`: create projects and items without overwriting anything."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import yaml

from newsletter.errors import UsageError
from newsletter.settings import SETTINGS_FILE, load_settings
from newsletter.slugs import slugify

SETTINGS_TEMPLATE = """\
# Settings of this newsletter. Paths are relative to content/.
[project]
name = {name}
tagline = {tagline}
site_url = "https://example.eu/newsletter/"   # where the output/ folder will be published
language = "en"
timezone = "Europe/Brussels"
contact = "comms@example.eu"

[funding]
programme = "Horizon Europe"
grant_agreement = "101000000"                 # replace with your grant agreement number
granting_authority = "the granting authority" # e.g. CINEA, HaDEA, REA, ERCEA
emblem = true

[brand]
primary_color = "#0B5394"
secondary_color = "#1B3A5C"

[email]
from = {sender}
reply_to = "comms@example.eu"
esp = "mailchimp"                             # mailchimp | brevo | listmonk | buttondown | generic

[social]
hashtags = [{hashtag}]
"""

ITEM_TEMPLATE = """\
---
{front}---
Write the news here in Markdown. The first paragraph is the teaser in emails, feeds and
social posts unless you set `summary:` above.
"""

ISSUE_TEMPLATE = """\
---
{front}---
Welcome to the first issue of our newsletter. Here is what happened in the project.
"""

GITIGNORE = "output/\n.newsletter-cache/\n"
TEMPLATES_README = """\
Put a file here with the same name as a file of the default theme to replace it,
for example `web/item_card.html`. To change only one block, start the file with
`{% extends "default:web/item_card.html" %}`.
"""


def init_project(directory: Path, name: str | None = None, today: date | None = None) -> list[Path]:
    """Create a project in `directory`; refuse if it already holds one."""
    directory = directory.resolve()
    if (directory / SETTINGS_FILE).exists():
        raise UsageError(f"{directory / SETTINGS_FILE} already exists", hint="pick an empty folder for a new project")
    name = name or directory.name.replace("-", " ").replace("_", " ").title() or "Newsletter"
    if not name.strip() or any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise UsageError(f"the name {name!r} is empty or holds a line break or another control character",
                         hint="give the project's name on one line, e.g. --name OPINCHARGE")
    day = (today or date.today()).isoformat()
    hashtag = "".join(part.capitalize() for part in slugify(name).split("-")) or "News"
    # Written as TOML and YAML strings, so any name (quotes, backslashes) reads back as typed.
    settings = SETTINGS_TEMPLATE.format(
        name=toml_string(name), tagline=toml_string(f"News from the {name} project"),
        sender=toml_string(f"{name} News <news@example.eu>"), hashtag=toml_string(hashtag))
    issue = {"title": f"{name} newsletter, issue 1", "number": 1, "date": date.fromisoformat(day),
             "preheader": f"The first issue of the {name} newsletter"}
    files = {
        SETTINGS_FILE: settings,
        f"content/news/{day}-welcome.md": _item_text("Welcome to our newsletter", "news", day),
        f"content/issues/{day}-issue-1.md": ISSUE_TEMPLATE.format(
            front=yaml.safe_dump(issue, sort_keys=False, allow_unicode=True, width=10_000)),
        "content/images/.gitkeep": "",
        "templates/README.md": TEMPLATES_README,
        ".gitignore": GITIGNORE,
    }
    created = []
    for relative, text in files.items():
        target = directory / relative
        if target.exists():
            continue  # never overwrite what someone already wrote
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        created.append(target)
    return created


def toml_string(text: str) -> str:
    """`text` as a TOML basic string: JSON's escapes are TOML's, and DEL must be escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def new_item(root: Path, title: str, item_type: str = "news", day: date | None = None) -> Path:
    """Create content/news/YYYY-MM-DD-slug.md for `title`; refuse to overwrite."""
    settings = load_settings(root)
    day = day or datetime.now(settings.project.tz).date()
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a file name from the title {title!r}", hint="use a title with letters or digits")
    target = root / "content" / "news" / f"{day.isoformat()}-{slug}.md"
    if target.exists():
        raise UsageError(f"{target.relative_to(root)} already exists", hint="choose another title or --date")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as stream:  # "x": fail rather than overwrite in a race
        stream.write(_item_text(title, item_type, day.isoformat()))
    return target.relative_to(root) if root in target.parents else Path(os.path.relpath(target, root))


def _item_text(title: str, item_type: str, day: str) -> str:
    front: dict[str, object] = {"title": title, "date": day, "type": item_type, "summary": "", "tags": []}
    if item_type == "event":
        front["event"] = {"start": day, "end": day, "location": ""}
    elif item_type == "publication":
        front["publication"] = {"doi": "", "venue": "", "authors": []}
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, default_flow_style=None)
    return ITEM_TEMPLATE.format(front=text)
