"""Reading the spreadsheets staff import signatures from: CSV (comma, semicolon or tab; UTF-8
or the Windows encoding Excel writes) or XLSX, read by openpyxl. The result is the header row
and the rows as text, numbered as a spreadsheet program numbers them. Nothing here knows about
signatures; signatures/imports.py reads the columns."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_ROWS = 5000
MAX_COLUMNS = 60
# An XLSX file is a zip of XML: a few kilobytes may unpack to gigabytes.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read; the message says why, for staff."""


@dataclass
class Sheet:
    headers: list[str]
    # (the row's number in the spreadsheet, its cells), blank rows left out
    rows: list[tuple[int, list[str]]]


def read_sheet(name: str, content: bytes) -> Sheet:
    if zipfile.is_zipfile(io.BytesIO(content)):
        table = _xlsx_rows(content)
    elif name.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(_("This file is not a valid Excel workbook."))
    else:
        table = _csv_rows(content)
    return _sheet(table)


def _sheet(table) -> Sheet:
    headers = None
    rows = []
    for number, cells in enumerate(table, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if headers is None:
            if len(cells) > MAX_COLUMNS:
                raise UnreadableFile(_("The file has more columns than an import can use."))
            headers = cells
            continue
        if len(rows) == MAX_ROWS:
            raise UnreadableFile(
                _("The file has more than %(count)d rows. Split it into smaller files.")
                % {"count": MAX_ROWS}
            )
        rows.append((number, cells[: len(headers)] + [""] * (len(headers) - len(cells))))
    if headers is None:
        raise UnreadableFile(_("The file is empty."))
    return Sheet(headers=headers, rows=rows)


def _csv_rows(content: bytes):
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise UnreadableFile(_("This file is neither CSV nor an Excel workbook."))
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        message = _("The CSV file could not be read: %(error)s") % {"error": error}
        raise UnreadableFile(message) from error


def _xlsx_rows(content: bytes):
    archive = zipfile.ZipFile(io.BytesIO(content))
    if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise UnreadableFile(_("This workbook is too large to import."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds for a bad file
        raise UnreadableFile(_("This file is not a valid Excel workbook.")) from error
    try:
        # The first sheet: where a form's export or a hand-made list is.
        worksheet = workbook.worksheets[0]
        table = []
        filled = 0
        for values in worksheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in values[: MAX_COLUMNS + 1]]
            table.append(cells)
            filled += any(cell.strip() for cell in cells)
            if filled > MAX_ROWS + 1:
                break  # header and rows past the limit: _sheet refuses the file
        return table
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
