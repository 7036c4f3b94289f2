"""`unsupported-css`: CSS a project's own email template adds that Outlook or Gmail drops.

The support data comes from caniemail.com (tools/caniemail_css.py writes email_css_support.json).
Only what a template adds to the theme's file of the same name is reported: the theme already
uses a few such properties on purpose (the hidden preheader's `opacity`, for one).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from newsletter.diagnostics import Diagnostic, warning
from newsletter.errors import SourceLocation
from newsletter.templates import THEME_DIR

SUPPORT_FILE = Path(__file__).with_name("email_css_support.json")
CLIENTS = ("Outlook for Windows", "Outlook.com", "Gmail")
# Where a template writes CSS: style attributes, <mj-style> and <style> blocks.
_CSS = re.compile(r"""\sstyle\s*=\s*(["'])(.*?)\1|<(mj-style|style)\b[^>]*>(.*?)</\3>""", re.S | re.I)
_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_DECLARATION = re.compile(r"(?<![\w-])([a-z][a-z-]*)\s*:(?!:)")


@functools.cache
def css_support() -> dict[str, dict[str, str]]:
    """Property -> client -> "y", "a" (partly) or "n"."""
    data: dict[str, dict[str, str]] = json.loads(SUPPORT_FILE.read_text(encoding="utf-8"))
    return data


def css_properties(template: str) -> list[tuple[str, int]]:
    """Every CSS property a template writes, with its line, in order."""
    # A Jinja comment is no CSS: blanked, its line breaks kept for the lines after it.
    template = _COMMENT.sub(lambda comment: re.sub(r"[^\n]", " ", comment.group(0)), template)
    found = []
    for block in _CSS.finditer(template):
        group = 2 if block.group(2) is not None else 4
        start = block.start(group)
        for declaration in _DECLARATION.finditer(block.group(group)):
            found.append((declaration.group(1).lower(), template.count("\n", 0, start + declaration.start()) + 1))
    return found


def check_template_css(root: Path) -> list[Diagnostic]:
    """A warning for each property a project's email template adds that a major client drops."""
    own = root / "templates" / "email"
    if not own.is_dir():
        return []
    support, findings = css_support(), []
    for file in sorted(own.rglob("*")):
        if not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # `template-error` reports a template that cannot be read
        default = THEME_DIR / "email" / file.relative_to(own)
        theirs = {name for name, _line in css_properties(default.read_text(encoding="utf-8"))} if default.is_file() else set()
        reported: set[str] = set()
        for name, line in css_properties(text):
            dropped = [client for client in CLIENTS if support.get(name, {}).get(client) == "n"]
            if not dropped or name in theirs or name in reported:
                continue
            reported.add(name)
            findings.append(warning(
                "unsupported-css", SourceLocation(file.relative_to(root), line),
                f"'{name}' is dropped by {', '.join(dropped)} (caniemail.com), so the email looks different there",
                "leave it out, or check that the email still reads well without it"))
    return findings
