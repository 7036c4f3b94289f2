"""publications.csv: the project's scientific publications, as the Portal's publications list asks for them."""

from __future__ import annotations

from dataclasses import dataclass

from newsletter.assemble import local_day
from newsletter.content.models import ItemType, NewsItem
from newsletter.report.periods import Span
from newsletter.site import Site


@dataclass(frozen=True, slots=True)
class PublicationRow:
    doi: str | None
    title: str
    authors: tuple[str, ...]
    venue: str | None
    year: int
    open_access_url: str | None
    url: str
    item: NewsItem

    @property
    def open_access(self) -> bool:
        """Open access where the item links a copy anyone can read (Horizon Europe asks for one)."""
        return self.open_access_url is not None


def collect_publications(site: Site, span: Span) -> list[PublicationRow]:
    """Every published `type: publication` item dated in `span`, oldest first."""
    tz = site.settings.project.tz
    rows = []
    for item in reversed(site.published):
        day = local_day(item, tz)
        if item.type is not ItemType.PUBLICATION or day not in span or (item.report and item.report.skip):
            continue
        publication = item.publication
        rows.append(PublicationRow(
            doi=publication.doi if publication else None, title=item.title,
            authors=publication.authors if publication else (), venue=publication.venue if publication else None,
            year=day.year, open_access_url=publication.open_access_url if publication else None,
            url=site.item_url(item), item=item,
        ))
    return rows
