"""Who attended, read from the CSV report Zoom gives of a webinar.

Zoom's web portal exports a webinar's attendee report (Reports > Webinar > Attendee report) as
one CSV of several sections: a title line, the webinar's figures, then "Host Details",
"Panelist Details" and "Attendee Details", each with its own header row. The attendee
section's columns include ``Attended`` (``Yes``/``No``) and ``Email``; a person who joined
twice has a row per join. The usage report's participant list (``Name (Original Name)``,
``User Email``, ``Join Time`` …) lists only those who joined, and is read too.

Only the attendee section is read (hosts and panelists are not registrants). Addresses are
compared lower-cased; nothing of the file is kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

MAX_BYTES = 5 * 1024 * 1024
EMAIL_COLUMNS = ("email", "user email", "メールアドレス", "メール")
ATTENDED_COLUMNS = ("attended", "出席")
SECTION_TITLES = ("host details", "panelist details", "attendee details", "other attended")


class ReportUnreadable(ValueError):
    """The file is not a Zoom attendee or participant report (its message says why)."""


@dataclass
class Attendance:
    attended: set[str] = field(default_factory=set)  # addresses, lower-cased
    absent: set[str] = field(default_factory=set)  # registered but did not join


def read(raw: bytes) -> Attendance:
    if len(raw) > MAX_BYTES:
        raise ReportUnreadable("too_large")
    text = _decode(raw)
    rows = list(csv.reader(io.StringIO(text)))
    header_at, columns = _attendee_header(rows)
    email = _column(columns, EMAIL_COLUMNS)
    attended = _column(columns, ATTENDED_COLUMNS)
    found = Attendance()
    for row in rows[header_at + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) == 1 and row[0].strip().lower() in SECTION_TITLES:
            break  # the next section
        if len(row) <= email:
            continue
        address = row[email].strip().lower()
        if "@" not in address:
            continue
        if attended is None or (len(row) > attended and row[attended].strip().lower() in YES):
            found.attended.add(address)
        else:
            found.absent.add(address)
    found.absent -= found.attended  # a person with one "No" row and one "Yes" row attended
    if not found.attended and not found.absent:
        raise ReportUnreadable("no_rows")
    return found


YES = {"yes", "はい", "y", "true", "1"}


def _decode(raw: bytes) -> str:
    if b"\x00" in raw:  # a binary file (an image, a spreadsheet) named .csv
        raise ReportUnreadable("encoding")
    for encoding in ("utf-8-sig", "cp932"):  # Zoom's UTF-8 (with a BOM), or Excel's Shift_JIS
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportUnreadable("encoding")


def _attendee_header(rows: list[list[str]]) -> tuple[int, list[str]]:
    """The header row of the attendee section, or of the one table in a participant list."""
    in_attendees = False
    candidate = None
    for index, row in enumerate(rows):
        cells = [cell.strip().lower() for cell in row]
        if len(cells) == 1 and cells[0] in SECTION_TITLES:
            in_attendees = cells[0] == "attendee details"
            continue
        if any(cell in EMAIL_COLUMNS for cell in cells):
            if in_attendees:
                return index, cells
            if candidate is None and not any(t in SECTION_TITLES for t in cells):
                candidate = (index, cells)
    if candidate is not None and not any(
        len(r) == 1 and r[0].strip().lower() in SECTION_TITLES for r in rows
    ):
        return candidate
    raise ReportUnreadable("no_header")


def _column(columns: list[str], names: tuple[str, ...]) -> int | None:
    for index, name in enumerate(columns):
        if name in names:
            return index
    return None
