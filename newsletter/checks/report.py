"""What `check` says about the report: activities it cannot classify, publications it cannot report in full."""

from __future__ import annotations

from pathlib import Path

from newsletter.content.frontmatter import locate
from newsletter.content.models import Catalog, ItemType
from newsletter.diagnostics import Diagnostic, warning
from newsletter.report.vocabulary import default_activity
from newsletter.settings.load import Settings


def report_findings(root: Path, settings: Settings, catalog: Catalog) -> list[Diagnostic]:
    """Warnings about items as `newsletter report` would list them, oldest first.

    Only a project that reports to a funder (it has `[report] start`) is asked for them.
    """
    if settings.report.start is None:
        return []
    findings = []
    for item in reversed(catalog.items):
        if item.draft or (item.report is not None and item.report.skip):
            continue
        classified = (item.report is not None and item.report.activity) or default_activity(item)
        if not classified:
            findings.append(warning(
                "unclassified-activity", locate(root, item.source, "report" if item.report else "type"),
                f"the report cannot tell what kind of activity this {item.type.value} item is",
                "add 'report:' and below it '  activity: Website' (or another of the funder's types, listed in "
                "the README), or write 'report: false' to leave it out of the report"))
        if item.type is not ItemType.PUBLICATION:
            continue
        publication = item.publication
        where = locate(root, item.source, "publication" if publication else "type")
        if publication is None or not publication.doi:
            findings.append(warning(
                "publication-without-doi", where, "a publication without a DOI: the funder's list asks for one",
                "add 'publication:' and below it '  doi: 10.xxxx/...' (Zenodo gives one to every deposit)"))
        if publication is None or not publication.open_access_url:
            findings.append(warning(
                "publication-not-open", where,
                "a publication without an open-access link: Horizon Europe requires open access to it",
                "deposit it in a repository (e.g. Zenodo) and add '  open_access_url: https://...' under "
                "'publication:'"))
    return findings
