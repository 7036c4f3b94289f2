"""CSV files for spreadsheets and schedulers: RFC 4180, and no cell a spreadsheet would run as a formula.

Every CSV the program writes (social drafts, scheduler files, reports) goes through `csv_text`,
so a title such as `=HYPERLINK(...)` or an alt text `=cmd|...` stays text when the file is
opened in Excel, LibreOffice or Google Sheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# OWASP's CSV injection guidance: a cell starting with one of these is read as a formula. The
# full-width forms are read so too by spreadsheets in East Asian locales; NUL per OWASP ASVS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize(value: object) -> object:
    """A cell as text a spreadsheet shows as written: a leading `'` before what would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str] | None, rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of a header (None: a file without one) and rows: RFC 4180, CRLF line ends, cells neutralized."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header is not None:
        writer.writerow([neutralize(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralize(cell) for cell in row])
    return buffer.getvalue()
