"""The signatories as data: the public CSV and JSON for the press and researchers. Public
columns are listed here once, so the two formats cannot drift apart, and no contact field can
reach them by accident (the staff export is signatures/exports.py)."""

import csv
import io
import json

from django.utils import timezone

from letters.listing import public_signatories

PUBLIC_COLUMNS = ("name", "city", "region", "country", "lead_signer", "signed_date")

# A spreadsheet runs a cell starting with one of these as a formula; names come from the public.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def public_rows(letter) -> tuple[tuple[str, ...], list[dict]]:
    """The columns and rows of the public list, in the public order. A grouped letter adds the
    group each organization is listed under."""
    listing = public_signatories(letter)
    columns = PUBLIC_COLUMNS + (("group",) if listing.is_grouped else ())
    rows = []
    for section in listing.sections:
        for signature in section.signatures:
            row = {
                "name": signature.name,
                "city": signature.city,
                "region": signature.region,
                "country": signature.country,
                "lead_signer": signature.is_lead,
                "signed_date": timezone.localdate(signature.confirmed_at).isoformat(),
            }
            if listing.is_grouped:
                row["group"] = section.group_name
            rows.append(row)
    return columns, rows


def public_csv(letter) -> str:
    columns, rows = public_rows(letter)
    return csv_text(columns, rows)


def public_json(letter) -> str:
    columns, rows = public_rows(letter)
    data = {
        "letter": letter.title,
        "url": letter.get_canonical_url(),
        "status": letter.status,
        "delivery": _delivery(letter),
        "response": _response(letter),
        "signatories": rows,
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def _delivery(letter) -> dict | None:
    if not letter.is_delivered:
        return None
    return {
        "date": letter.delivered_on.isoformat(),
        "to": letter.delivered_to,
        "how": letter.delivered_how,
    }


def _response(letter) -> dict | None:
    if not letter.is_answered:
        return None
    return {
        "date": letter.response_on.isoformat(),
        "text": letter.response_text,
        "pdf": letter.response_pdf_url if letter.response_pdf else None,
    }


def csv_text(columns, rows) -> str:
    """Rows (dicts) as CSV that a spreadsheet opens safely: no cell is run as a formula."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()


def _cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
