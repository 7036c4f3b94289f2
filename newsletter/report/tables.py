"""The report's tables: activities.csv, activities.xlsx and publications.csv, one column list for each."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from newsletter.csvfiles import csv_text
from newsletter.report.activities import Activity
from newsletter.report.publications import PublicationRow

ACTIVITY_COLUMNS = ("date", "title", "activity_type", "lead", "partners", "work_packages", "audience",
                    "audience_size", "countries", "url", "channels", "period", "reach")
PUBLICATION_COLUMNS = ("doi", "title", "authors", "venue", "year", "open_access", "open_access_url", "url")
LIST_SEPARATOR = "; "
_WIDEST = 60  # characters: a longer title wraps rather than push the other columns off screen
# The earliest moment a ZIP entry can carry (MS-DOS time): every entry gets it, so equal workbooks are equal bytes.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def activity_cells(row: Activity) -> list[object]:
    """A row's cells in ACTIVITY_COLUMNS order: lists joined, unknowns empty, the date a date."""
    return [row.day, row.title, row.activity_type or "", row.lead or "", _joined(row.partners),
            _joined(row.work_packages), _joined(row.audience), _number(row.audience_size), _joined(row.countries),
            row.url, _joined(row.channels), _number(row.period), _number(row.reach)]


def publication_cells(row: PublicationRow) -> list[object]:
    return [row.doi or "", row.title, _joined(row.authors), row.venue or "", row.year,
            "yes" if row.open_access else "no", row.open_access_url or "", row.url]


def activities_csv(rows: Sequence[Activity]) -> bytes:
    return csv_text(ACTIVITY_COLUMNS, (activity_cells(row) for row in rows)).encode("utf-8")


def publications_csv(rows: Sequence[PublicationRow]) -> bytes:
    return csv_text(PUBLICATION_COLUMNS, (publication_cells(row) for row in rows)).encode("utf-8")


def activities_xlsx(rows: Sequence[Activity], stamped: date) -> bytes:
    """The activities as a workbook: header frozen, filters on, real dates, columns as wide as their text.

    `stamped` is written as its creation and modification date, so the same report is the same bytes.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Activities"
    sheet.append(list(ACTIVITY_COLUMNS))
    for row in rows:
        sheet.append(activity_cells(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            elif isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1B2A4A")
        cell.alignment = Alignment(vertical="center")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(ACTIVITY_COLUMNS, start=1):
        width = max([len(name), *(len(_shown(cells[index - 1])) for cells in map(activity_cells, rows))])
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, _WIDEST)
    moment = datetime.combine(stamped, time(0))
    book.properties.created = book.properties.modified = moment
    book.properties.creator = "newsletter"
    return _save(book)


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED)
    # openpyxl's save_workbook stamps the modification time with now(); its writer alone does not.
    ExcelWriter(book, archive).save()
    return buffer.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """A ZIP whose entries all carry one fixed time instead of the moment they were written."""

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any, *args: Any, **kwargs: Any) -> None:
        super().writestr(self._fixed(zinfo_or_arcname), data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl writes each worksheet to a temporary file first: its time would be the file's.
        with open(filename, "rb") as stream:
            self.writestr(str(arcname or filename), stream.read())

    def _fixed(self, name: str | zipfile.ZipInfo) -> zipfile.ZipInfo:
        if isinstance(name, zipfile.ZipInfo):
            return name
        entry = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
        entry.compress_type = self.compression
        entry.external_attr = 0o644 << 16
        return entry


def _joined(values: Sequence[str]) -> str:
    return LIST_SEPARATOR.join(values)


def _number(value: int | None) -> int | str:
    return "" if value is None else value


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
