"""Carry the block editor's footnotes (kept in the post's metadata) over as Markdown footnotes."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from newsletter.importers.html_to_markdown import html_to_markdown

# Survives Markdown conversion untouched: no converter escapes or collapses NUL characters.
_MARKER = "\x00footnote-{}\x00"


def mark_footnotes(soup: BeautifulSoup, notes_json: str) -> tuple[str, ...]:
    """Replace footnote references by markers; give the notes' HTML in the order they are cited."""
    try:
        entries = json.loads(notes_json) if notes_json else []
        notes = {str(entry["id"]): str(entry["content"]) for entry in entries}
    except (ValueError, TypeError, KeyError):
        return ()
    cited: list[str] = []
    for reference in soup.select("sup[data-fn]"):
        note_id = str(reference["data-fn"])
        if note_id not in notes:
            continue
        if note_id not in cited:
            cited.append(note_id)
        reference.replace_with(NavigableString(_MARKER.format(cited.index(note_id) + 1)))
    return tuple(notes[note_id] for note_id in cited)


def write_footnotes(markdown: str, notes: tuple[str, ...]) -> str:
    """Turn the markers into `[^n]` references and append the notes as `[^n]: text` definitions."""
    if not notes:
        return markdown
    definitions = []
    for number, note in enumerate(notes, start=1):
        markdown = markdown.replace(_MARKER.format(number), f"[^{number}]")
        text = " ".join(html_to_markdown(BeautifulSoup(note, "html.parser")).split())
        definitions.append(f"[^{number}]: {text}")
    return markdown.rstrip("\n") + "\n\n" + "\n".join(definitions) + "\n"
