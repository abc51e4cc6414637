"""Spreadsheets as coalitions bring them: a Google Form's responses, as CSV or XLSX."""

import io

from openpyxl import Workbook

GOOGLE_FORM_HEADERS = [
    "Timestamp", "Organization name", "Organization website", "City", "State", "Country",
    "Your name", "Email Address", "Lead signer", "Group",
]  # fmt: skip


def form_row(n: int, **changes) -> list:
    row = {
        "Timestamp": "2026-10-01 10:00:00",
        "Organization name": f"Imported Organization {n}",
        "Organization website": f"https://imported{n}.example.org",
        "City": "Springfield",
        "State": "IL",
        "Country": "United States",
        "Your name": f"Contact {n}",
        "Email Address": f"contact{n}@imported{n}.example.org",
        "Lead signer": "",
        "Group": "",
    } | changes
    return [row[header] for header in GOOGLE_FORM_HEADERS]


def xlsx_bytes(rows, headers=GOOGLE_FORM_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, headers=GOOGLE_FORM_HEADERS, delimiter=",", encoding="utf-8") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
