"""The funder's terms for activity and audience types, and the defaults read from an item's type.

Sources, and how far each term could be checked:

- The Funding & Tenders Portal's "Communication activities" questionnaire (Horizon Europe continuous
  and periodic reporting) is described at
  https://webgate.ec.europa.eu/funding-tenders-opportunities/display/IT/Completing+the+Communication+Activities
  That page confirms the tab, its fields "marked with an *" and the status values (Delivered, Ongoing,
  Postponed), but not the labels of its drop-down lists.
- The labels below are those of the H2020 continuous-reporting list "Dissemination & communication
  activities" (Participant Portal), which Horizon Europe projects kept using. They could NOT be checked
  against a primary source (the HE periodic report template and the Portal's pop-up were not readable):
  they are written as consortia's reports quote them. A project whose Portal shows other words lists
  them under `[report] activity_types` / `audiences` in newsletter.toml, which adds them to these.
- "Newsletter" and "Scientific publication" are not in the recalled H2020 list: newsletters were reported
  there as "Other" or a non-scientific publication, and scientific publications have a Portal list of
  their own (written to publications.csv). They are kept as terms of their own, as the funder's reviewers
  read them, so that a row says what it is; change them with `report: activity:` where the Portal wants
  another word.
"""

from __future__ import annotations

import re

from newsletter.content.models import ItemType, NewsItem

ORGANISED_CONFERENCE = "Organisation of a Conference"
ORGANISED_WORKSHOP = "Organisation of a Workshop"
PRESS_RELEASE = "Press release"
TRAINING = "Training"
NEWSLETTER = "Newsletter"
SCIENTIFIC_PUBLICATION = "Scientific publication"

# H2020 "Type of dissemination and communication activities" (unverified labels, see above), then ours.
ACTIVITY_TYPES: tuple[str, ...] = (
    ORGANISED_CONFERENCE,
    ORGANISED_WORKSHOP,
    PRESS_RELEASE,
    "Non-scientific and non-peer-reviewed publication (popularised publication)",
    "Exhibition",
    "Flyer",
    TRAINING,
    "Social Media",
    "Website",
    "Communication Campaign (e.g. Radio, TV)",
    "Participation to a Conference",
    "Participation to a Workshop",
    "Participation to an Event other than a Conference or a Workshop",
    "Video/Film",
    "Brokerage Event",
    "Pitch Event",
    "Trade Fair",
    # H2020 wrote "other H2020 projects"; for a Horizon Europe project, "EU projects".
    "Participation in activities organized jointly with other EU projects",
    "Other",
    NEWSLETTER,
    SCIENTIFIC_PUBLICATION,
)

SCIENTIFIC_COMMUNITY = "Scientific Community (higher education, Research)"
INDUSTRY = "Industry"
CIVIL_SOCIETY = "Civil Society"
GENERAL_PUBLIC = "General Public"
POLICY_MAKERS = "Policy makers"
MEDIA = "Media"

# H2020 "Type of audience" (multi-select; unverified labels, see above). EC guidance names the same
# groups: "the scientific community, stakeholders, industry, policy makers, investors, civil society",
# and for communication "the media and the general public" (paraphrased, not the Portal's labels).
AUDIENCES: tuple[str, ...] = (
    SCIENTIFIC_COMMUNITY, INDUSTRY, CIVIL_SOCIETY, GENERAL_PUBLIC, POLICY_MAKERS, MEDIA,
    "Investors", "Customers", "Other",
)

# What an event is when its report: block does not say: read from its title, first match wins.
_EVENT_KINDS = (
    (re.compile(r"\b(summer school|winter school|training|course|tutorial)\b", re.I), TRAINING),
    (re.compile(r"\b(conference|symposium|congress|forum)\b", re.I), ORGANISED_CONFERENCE),
)

_DEFAULT_AUDIENCES = {
    ORGANISED_CONFERENCE: (SCIENTIFIC_COMMUNITY, INDUSTRY),
    ORGANISED_WORKSHOP: (SCIENTIFIC_COMMUNITY, INDUSTRY),
    TRAINING: (SCIENTIFIC_COMMUNITY,),
    PRESS_RELEASE: (MEDIA, GENERAL_PUBLIC),
    "Website": (GENERAL_PUBLIC, SCIENTIFIC_COMMUNITY),
    "Social Media": (GENERAL_PUBLIC,),
    "Participation to a Conference": (SCIENTIFIC_COMMUNITY, INDUSTRY),
    "Participation to a Workshop": (SCIENTIFIC_COMMUNITY, INDUSTRY),
    "Participation in activities organized jointly with other EU projects": (SCIENTIFIC_COMMUNITY,),
    NEWSLETTER: (SCIENTIFIC_COMMUNITY, INDUSTRY, GENERAL_PUBLIC),
    SCIENTIFIC_PUBLICATION: (SCIENTIFIC_COMMUNITY,),
}


def default_activity(item: NewsItem) -> str | None:
    """The activity an item is when it does not say: None for news and deliverables, which could be many."""
    if item.type is ItemType.EVENT:
        return next((kind for pattern, kind in _EVENT_KINDS if pattern.search(item.title)), ORGANISED_WORKSHOP)
    return {ItemType.PRESS: PRESS_RELEASE, ItemType.PUBLICATION: SCIENTIFIC_PUBLICATION}.get(item.type)


def default_audience(activity: str | None) -> tuple[str, ...]:
    """Who an activity of this type usually reaches; nothing for a type with no usual audience."""
    return _DEFAULT_AUDIENCES.get(activity or "", ())
