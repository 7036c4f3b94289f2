"""`newsletter init` and `newsletter new`: create projects and items without overwriting anything,
and recognise what they wrote for the user to replace."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from newsletter.cache import CACHE_DIR
from newsletter.errors import UsageError
from newsletter.settings.doc import TableDoc, settings_file
from newsletter.settings.load import TABLES, SettingsProblems, load_settings, parse_settings
from newsletter.settings import SETTINGS_FILE
from newsletter.slugs import slugify


# What `init` and `new` write for the user to replace. `check` reports each one left (checks/placeholders.py).
PLACEHOLDER_HOST = "example.eu"
PLACEHOLDER_GRANT = "101000000"
PLACEHOLDER_AUTHORITY = "the granting authority"
NEWS_PLACEHOLDER = "Write the news here in Markdown."
EDITORIAL_PLACEHOLDER = "Write the editorial here in Markdown."
DEFAULT_TIMEZONE = "Europe/Brussels"
FIRST_WINDOW = timedelta(days=30)  # the first issue takes the news of the month before it

ITEM_TEMPLATE = f"""\
---
{{front}}---
{NEWS_PLACEHOLDER} The first paragraph is the teaser in emails, feeds and
social posts unless you set `summary:` above.
"""

ISSUE_TEMPLATE = f"""\
---
{{front}}---
{EDITORIAL_PLACEHOLDER} A few words to your readers about this issue; the news items
dated since the previous issue follow below it.
"""

GITIGNORE = f"output/\n{CACHE_DIR}/\n"
TEMPLATES_README = """\
Put a file here with the same name as a file of the default theme to replace it,
for example `web/item_card.html`. To change only one block, start the file with
`{% extends "default:web/item_card.html" %}`.
"""


@dataclass(frozen=True, slots=True)
class Question:
    """A value `init` asks for on a terminal: the settings key it fills, the prompt, the answer Enter accepts."""

    key: str
    prompt: str
    default: str


def init_questions(directory: Path, name: str | None = None) -> tuple[Question, ...]:
    """The few values a new project needs first; every default is what `--no-input` writes."""
    return (
        Question("project.name", "Project name", name or default_name(directory)),
        Question("project.site_url", "Address where output/ will be published", f"https://{PLACEHOLDER_HOST}/newsletter/"),
        Question("funding.grant_agreement", "Grant agreement number", PLACEHOLDER_GRANT),
        Question("funding.granting_authority", "Granting authority (CINEA, HaDEA, REA, ERCEA, ...)",
                 PLACEHOLDER_AUTHORITY),
        Question("project.timezone", "Time zone", DEFAULT_TIMEZONE),
    )


def answer_problem(key: str, answer: str) -> str | None:
    """What the settings would say is wrong with `answer` as the value of `key`, or None if nothing is."""
    if not answer.strip():
        return f"'{key}' is empty; write a value"
    table, _, name = key.partition(".")
    data: dict[str, dict[str, object]] = {"project": {"name": "Project", "site_url": "https://project.eu/"}}
    data.setdefault(table, {})[name] = answer
    try:
        parse_settings(data, Path(SETTINGS_FILE))
    except SettingsProblems as exc:
        return next((problem.message for problem in exc.problems if problem.message.startswith(f"'{key}'")), None)
    return None


def settings_docs() -> tuple[TableDoc, ...]:
    """What every table of newsletter.toml means, in the order the settings file lists them."""
    return tuple(table.doc for table in TABLES if table.doc is not None)


def default_name(directory: Path) -> str:
    """A project's name from its folder's: `opincharge-news` is "Opincharge News"."""
    return directory.resolve().name.replace("-", " ").replace("_", " ").title() or "Newsletter"


def refuse_existing(directory: Path) -> None:
    """Refuse a folder that holds a project already: init never overwrites settings."""
    if (directory / SETTINGS_FILE).exists():
        raise UsageError(f"{directory.resolve() / SETTINGS_FILE} already exists",
                         hint="pick an empty folder for a new project")


def init_project(directory: Path, name: str | None = None, today: date | None = None,
                 answers: Mapping[str, str] | None = None) -> list[Path]:
    """Create a project in `directory`; refuse if it already holds one.

    `answers` (settings key -> text, from init_questions) replace the defaults the settings file shows.
    """
    directory = directory.resolve()
    refuse_existing(directory)
    answers = dict(answers or {})
    name = answers.pop("project.name", None) or name or default_name(directory)
    if not name.strip() or any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise UsageError(f"the name {name!r} is empty or holds a line break or another control character",
                         hint="give the project's name on one line, e.g. --name OPINCHARGE")
    day = (today or date.today()).isoformat()
    hashtag = "".join(part.capitalize() for part in slugify(name).split("-")) or "News"
    # Written as TOML and YAML strings, so any name (quotes, backslashes) reads back as typed.
    values = {
        "project.name": toml_string(name), "project.tagline": toml_string(f"News from the {name} project"),
        "project.timezone": toml_string(DEFAULT_TIMEZONE), "email.from": toml_string(f"{name} News <news@{PLACEHOLDER_HOST}>"),
        "social.hashtags": f"[{toml_string(hashtag)}]",
        **{key: toml_string(answer.strip()) for key, answer in answers.items()},
    }
    settings = settings_file(values, settings_docs())
    # The first issue has no earlier one to start its window: `since` keeps out a past imported later.
    issue = {"title": f"{name} newsletter, issue 1", "number": 1, "date": date.fromisoformat(day),
             "since": date.fromisoformat(day) - FIRST_WINDOW, "preheader": f"The first issue of the {name} newsletter"}
    files = {
        SETTINGS_FILE: settings,
        f"content/news/{day}-welcome.md": _item_text("Welcome to our newsletter", "news", day),
        f"content/issues/{day}-issue-1.md": ISSUE_TEMPLATE.format(front=re.sub(
            r"(?m)^(since: .*)$", r"\1  # the first day of news it takes; without it, every earlier item",
            yaml.dump(issue, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, width=10_000),
            count=1)),
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
    when = date.fromisoformat(day)
    front: dict[str, object] = {"title": title, "date": when, "type": item_type, "summary": "", "tags": []}
    if item_type == "event":
        front["event"] = {"start": when, "end": when, "location": ""}
    elif item_type == "publication":
        front["publication"] = {"doi": "", "venue": "", "authors": []}
    # Blocks, not {flow: maps}: the README and check's hints show nested keys as indented lines.
    text = yaml.dump(front, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return ITEM_TEMPLATE.format(front=text)


class _FrontMatterDumper(yaml.SafeDumper):
    """Writes each value out: `start: 2025-01-10`, never `&id001` and `*id001` for a date used twice."""

    def ignore_aliases(self, data: object) -> bool:
        return True

    def represent_str(self, data: str) -> yaml.ScalarNode:
        # YAML reads U+0085, U+2028 and U+2029 as line breaks, folded into spaces, unless escaped in double quotes.
        if any(char in data for char in "\x85\u2028\u2029"):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


_FrontMatterDumper.add_representer(str, _FrontMatterDumper.represent_str)

