"""Reach from an email service: a campaign report exported from Mailchimp or Brevo, matched to the issues.

Neither vendor documents the header row of its CSV export (checked: Mailchimp's "About Email Campaign
Reports" help page names the metrics Recipients, Successful deliveries, Opened, Clicked and Subject;
Brevo documents its statistics by API field: sent, delivered, uniqueViews, uniqueClicks, name, subject,
sentDate). So columns are found by name, the documented names and the usual variants of each
(Total Recipients, Unique Opens, Send Date, ...), case, spaces and punctuation ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from dateutil import parser as dateparser

from newsletter.assemble import Edition
from newsletter.errors import NewsletterError, SourceLocation, UsageError
from newsletter.report.activities import Reach

# Normalised header names (lowercase letters and digits only) for each thing we read.
_NAME = ("title", "campaigntitle", "campaignname", "name", "campaign")
_SUBJECT = ("subject", "subjectline", "emailsubject", "subjecta")
_DATE = ("senddate", "sendtime", "sentdate", "datesent", "sendingdate", "sentat", "date", "delivered")
_RECIPIENTS = ("totalrecipients", "recipients", "emailssent", "sent", "numberofrecipients", "totalsent")
_DELIVERED = ("successfuldeliveries", "delivered", "deliveries")
_OPENS = ("uniqueopens", "opened", "uniqueviews", "uniqueopeners", "openers", "opens")
_CLICKS = ("uniqueclicks", "clicked", "uniqueclickers", "uniquesubscriberclicks")
# How long after an issue's date a campaign may go out and still be taken for it, when nothing else matches.
SEND_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Campaign:
    """One row of the export."""

    line: int
    name: str
    subject: str
    sent: date | None
    recipients: int | None
    opens: int | None
    clicks: int | None


@dataclass(frozen=True, slots=True)
class Metrics:
    """The reach of each issue matched (by slug), and the campaigns that matched none."""

    reach: dict[str, Reach]
    unmatched: tuple[Campaign, ...]
    path: Path


def read_campaigns(path: Path, shown_as: Path | None = None) -> list[Campaign]:
    """Read a campaign export; a file we cannot read is one error naming the file and line."""
    shown = shown_as or path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"no file {shown}", hint="give the CSV file your email service exported (--metrics FILE)") \
            from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    lines = text.splitlines()
    if not lines:
        raise NewsletterError("the campaign report is empty", SourceLocation(shown, 1),
                              "export the campaigns' report as CSV from your email service")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = [_normal(cell) for cell in next(reader)]
    columns = {what: _column(header, names) for what, names in (
        ("name", _NAME), ("subject", _SUBJECT), ("date", _DATE), ("recipients", _RECIPIENTS),
        ("delivered", _DELIVERED), ("opens", _OPENS), ("clicks", _CLICKS))}
    if columns["recipients"] is None and columns["delivered"] is None and columns["opens"] is None:
        raise NewsletterError(
            "the campaign report has no column of recipients or opens", SourceLocation(shown, 1),
            "export the campaigns' report (Mailchimp: Reports; Brevo: Campaigns > Statistics) with its header row, "
            "with columns such as Subject, Send Date, Recipients, Unique Opens")
    if columns["subject"] is None and columns["name"] is None and columns["date"] is None:
        raise NewsletterError("the campaign report has no subject, title or send date column", SourceLocation(shown, 1),
                              "export it with the campaigns' subject (or title) so each can be matched to an issue")
    campaigns = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num

        def cell(what: str) -> str:
            index = columns[what]
            return row[index].strip() if index is not None and index < len(row) else ""

        recipients = _count(cell("recipients"))
        campaigns.append(Campaign(
            line=line, name=cell("name"), subject=cell("subject"), sent=_day(cell("date")),
            recipients=recipients if recipients is not None else _count(cell("delivered")),
            opens=_count(cell("opens")), clicks=_count(cell("clicks")),
        ))
    return campaigns


def match_campaigns(campaigns: Sequence[Campaign], editions: Sequence[Edition], path: Path) -> Metrics:
    """Give each campaign to the issue it sent: same subject, else same title or slug, else sent within a week."""
    reach: dict[str, Reach] = {}
    unmatched = []
    for campaign in campaigns:
        edition = _match(campaign, editions)
        if edition is None:
            unmatched.append(campaign)
            continue
        # A campaign sent again (to new subscribers, or a resend to those who did not open) adds to the reach.
        before = reach.get(edition.slug)
        reach[edition.slug] = Reach(
            recipients=_add(before.recipients if before else None, campaign.recipients),
            opens=_add(before.opens if before else None, campaign.opens),
            clicks=_add(before.clicks if before else None, campaign.clicks),
            campaign="; ".join(filter(None, (before.campaign if before else "", campaign.name or campaign.subject))),
        )
    return Metrics(reach, tuple(unmatched), path)


def _match(campaign: Campaign, editions: Sequence[Edition]) -> Edition | None:
    subject, name = _words(campaign.subject), _words(campaign.name)
    for edition in editions:
        if subject and subject in (_words(edition.issue.subject), _words(edition.issue.title)):
            return edition
    for edition in editions:
        if name and (name in (_words(edition.issue.title), _words(edition.issue.subject), _words(edition.slug))):
            return edition
    if campaign.sent is None:
        return None
    near = [edition for edition in editions if edition.issue.date <= campaign.sent <= edition.issue.date + SEND_WINDOW]
    return near[-1] if near else None


def _normal(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _column(header: list[str], names: Sequence[str]) -> int | None:
    return next((header.index(name) for name in names if name in header), None)


def _words(text: str) -> str:
    """Text compared as words: case, spacing and a leading [TEST] tag ignored."""
    text = re.sub(r"^\s*\[test\]\s*", "", text, flags=re.I)
    return " ".join(text.casefold().split())


def _count(text: str) -> int | None:
    digits = re.sub(r"[\s,.'\u00a0\u202f]", "", text)  # 1,234 / 1.234 / 1 234
    return int(digits) if digits.isdigit() else None


def _day(text: str) -> date | None:
    if not text or _count(text) is not None:
        return None  # a count in a column named like a date (Brevo's "Delivered")
    try:
        return dateparser.parse(text).date()
    except (ValueError, OverflowError):
        return None


def _add(first: int | None, second: int | None) -> int | None:
    return second if first is None else first if second is None else first + second



