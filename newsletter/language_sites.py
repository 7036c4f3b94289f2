"""The site in each further language, built under `output/<lang>/` with the main language's layout.

A further language's site holds the items translated into it, and the issues translated into it.
Those issues show every item of the original issue: translated ones in the language, the others
in their own language, marked with their `lang`, linking to their page in that language; the
latter get no page under `output/<lang>/` and no place in its feeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath

from newsletter.assemble import Edition
from newsletter.content.models import Catalog, Issue, NewsItem
from newsletter.errors import UsageError
from newsletter.outputs import Output
from newsletter.settings.languages import language_funding
from newsletter.site import Site


def language_sites(site: Site) -> list[tuple[str, Site]]:
    """Every language's site, the main one first, each knowing every page's versions in all languages."""
    sites = [(site.settings.project.language, site)]
    sites += [(language, site_in(site, language)) for language in site.settings.project.further_languages]
    if len(sites) == 1:
        return sites  # a page in one language has no other versions to name
    alternates = page_versions(sites)
    return [(language, replace(each, alternates=alternates[language])) for language, each in sites]


def site_in(site: Site, language: str) -> Site:
    """The site as readers of `language` see it, its URLs under `<site_url><language>/`."""
    main = site.settings.project.language
    project = replace(site.settings.project, language=language, tagline=site.settings.project.taglines.get(
        language, site.settings.project.tagline), site_url=f"{site.settings.project.site_url}{language}/")
    settings = replace(site.settings, project=project, funding=language_funding(site.settings.funding, language, main=False))
    items = {record.slug: record for record in site.catalog.translations
             if record.language == language and isinstance(record, NewsItem)}
    issues = {record.slug: record for record in site.catalog.translations
              if record.language == language and isinstance(record, Issue)}

    def shown(item: NewsItem) -> NewsItem:
        if item.slug in items:
            return items[item.slug]
        # Untranslated: in its own language, linking to its own page (or its canonical address).
        return replace(item, language=main, url=site.reader_url(item))

    catalog = Catalog(
        items=tuple(shown(item) for item in site.catalog.items),
        issues=tuple(issues[issue.slug] for issue in site.catalog.issues if issue.slug in issues),
        translations=site.catalog.translations,
    )
    editions = _editions(site.editions, issues, shown)
    return replace(site, settings=settings, catalog=catalog, editions=editions,
                   foreign=frozenset(item.slug for item in site.catalog.items if item.slug not in items),
                   diagnostics=())


def _editions(editions: tuple[Edition, ...], issues: dict[str, Issue],
              shown: Callable[[NewsItem], NewsItem]) -> tuple[Edition, ...]:
    """The editions whose issue is translated, their items as the language shows them, linked among themselves."""
    translated = [replace(edition, issue=issues[edition.slug], items=tuple(shown(item) for item in edition.items))
                  for edition in editions if edition.slug in issues]
    for index, edition in enumerate(translated):
        translated[index] = replace(
            edition,
            previous=translated[index - 1].issue if index > 0 else None,
            next=translated[index + 1].issue if index + 1 < len(translated) else None,
        )
    return tuple(translated)


def page_versions(sites: list[tuple[str, Site]]) -> dict[str, dict[str, tuple[tuple[str, str], ...]]]:
    """For each language, each of its pages' versions in every language that has it: (language, URL)."""
    pages = {language: {path for path in each.pages if path == "" or path.endswith("/")} for language, each in sites}
    versions: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
    for language, each in sites:
        versions[language] = {
            path: tuple((other, site.url(path)) for other, site in sites if path in pages[other])
            for path in sorted(pages[language])
        }
    return versions


def in_language(language: str, outputs: list[Output]) -> list[Output]:
    """A further language's outputs, moved under `<language>/`."""
    return [replace(output, path=PurePosixPath(language, output.path)) for output in outputs]


def language_edition(site: Site, language: str, slug: str) -> tuple[Site, str]:
    """The site an issue is sent from in `language` ("" for the main one), and its folder in output/."""
    if not language or language == site.settings.project.language:
        return site, ""
    further = site.settings.project.further_languages
    if language not in further:
        raise UsageError(f"'{language}' is not one of the languages the project publishes",
                         hint=f"use one of: {', '.join(further) or 'none: set [project] languages'}")
    translated = site_in(site, language)
    if not any(edition.slug == slug for edition in translated.editions):
        raise UsageError(f"issue '{slug}' has no {language} translation",
                         hint=f"write content/issues/<its file>.{language}.md, or send '{slug}'")
    return translated, f"{language}/"
