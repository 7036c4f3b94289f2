"""Rules over the project as a whole (settings and every item), which a build reports too."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

from newsletter.checks.languages import missing_translations, stale_translations
from newsletter.diagnostics import Diagnostic, error, one_edit_apart, warning
from newsletter.content.frontmatter import locate
from newsletter.content.models import Catalog, Issue, NewsItem
from newsletter.settings.email import ESP_PRESETS
from newsletter.settings.load import Settings
from newsletter.checks.contrast import check_contrast
from newsletter.checks.placeholders import find_placeholders
from newsletter.checks.report import report_findings
from newsletter.site import preferred_spelling, tag_uses


SIMILAR_TAGS = 0.85  # difflib's ratio from which two tags count as one misspelt: "circular-econmy", "modeling"
# Numbers and one-letter words tell tags apart ("wp-1", "wp-2"; "plan-a", "plan-b"), however alike the rest.
_IDENTIFIERS = re.compile(r"\d+|\b[a-z]\b")


def project_findings(root: Path, settings: Settings, catalog: Catalog) -> list[Diagnostic]:
    """What is wrong with the project as a whole though every file loads; a build reports these too."""
    return [*_unsubscribe(settings), *find_placeholders(root, settings, catalog), *_duplicate_numbers(root, catalog),
            *_tag_spellings(root, catalog), *missing_translations(root, settings), *stale_translations(root, catalog),
            *report_findings(root, settings, catalog), *check_contrast(settings)]


def _unsubscribe(settings: Settings) -> list[Diagnostic]:
    email = settings.email
    if email.esp != "generic" or email.unsubscribe_url:
        return []
    services = ", ".join(esp for esp in ESP_PRESETS if esp != "generic")
    return [error("no-unsubscribe", settings.where("email.esp"),
                  "the emails' unsubscribe link has nowhere to go: no email service and no unsubscribe page is set",
                  f"under [email], write the service you send with, e.g. esp = \"mailchimp\" ({services}), "
                  "or unsubscribe_url = \"https://...\" for a generic one")]


def _duplicate_numbers(root: Path, catalog: Catalog) -> list[Diagnostic]:
    first: dict[int, Issue] = {}
    findings = []
    for issue in catalog.issues:  # oldest first: the later issue is the one to renumber
        if issue.number is None:
            continue
        if issue.number in first:
            findings.append(error("duplicate-number", locate(root, issue.source, "number"),
                                  f"issue number {issue.number} is also used by {first[issue.number].source.as_posix()}",
                                  "give each issue its own 'number:'"))
        else:
            first[issue.number] = issue
    return findings


def _tag_spellings(root: Path, catalog: Catalog) -> list[Diagnostic]:
    """Tags written in several ways, and tags that look like a misspelling of a more used one."""
    uses = tag_uses(catalog.items)
    names = {slug: preferred_spelling(spellings) for slug, spellings in uses.items()}
    findings = []
    for slug, spellings in sorted(uses.items()):
        for tag, items in spellings.items():
            if tag != names[slug]:
                others = len(spellings[names[slug]])
                findings += [warning(
                    "tag-spelling", locate(root, item.source, "tags"),
                    f"tag '{tag}' is written '{names[slug]}' in {others} other item{'s' * (others != 1)}",
                    f"write '{names[slug]}' here too: a topic has one name on its page and one hashtag",
                ) for item in items]
    using: dict[str, list[NewsItem]] = {}  # the items of the tags in a pair, made for those
    for slug, other in _similar_pairs(sorted(uses)):
        for each in (slug, other):
            if each not in using:
                using[each] = _items_of(uses[each])
        # The less used tag is taken for the misspelling; on a tie, the one not used as recently.
        major, minor = sorted((slug, other), key=lambda s: (-len(using[s]), -using[s][0].date.timestamp(), s))
        count = len(using[major])
        findings += [warning(
            "similar-tags", locate(root, item.source, "tags"),
            f"tag '{names[minor]}' looks like a misspelling of '{names[major]}' ({count} item{'s' * (count != 1)})",
            f"write '{names[major]}' if they are one topic: each tag gets its own page, feed and hashtag",
        ) for item in using[minor]]
    return findings


def _items_of(spellings: dict[str, list[NewsItem]]) -> list[NewsItem]:
    """The items that write a tag in any spelling, newest first, each once."""
    items = {item.slug: item for group in spellings.values() for item in group}
    return sorted(items.values(), key=lambda item: (item.date, item.slug), reverse=True)


def _similar_pairs(slugs: list[str]) -> list[tuple[str, str]]:
    """Pairs of tag slugs a letter or two apart, but not told apart by a number or a one-letter word."""
    pairs = []
    by_length = sorted(slugs, key=len)
    for index, slug in enumerate(by_length):
        for other in by_length[index + 1:]:
            if len(other) - len(slug) > 2:
                break  # longer ones are more than two letters apart
            if _IDENTIFIERS.findall(slug) != _IDENTIFIERS.findall(other):
                continue
            matcher = SequenceMatcher(None, slug, other)
            if (matcher.quick_ratio() >= SIMILAR_TAGS and matcher.ratio() >= SIMILAR_TAGS
                    or len(slug) >= 5 and one_edit_apart(slug, other)):
                pairs.append((slug, other))
    return pairs
