"""The signatories as data: the public CSV and JSON for the press and researchers, and the
staff CSV with contacts for the organizers. Public columns are listed here once, so the two
public formats cannot drift apart, and no contact field can reach them by accident."""

import csv
import io
import json

from django.utils import timezone

from letters.listing import public_signatories

PUBLIC_COLUMNS = ("name", "city", "region", "country", "lead_signer", "signed_date")

STAFF_COLUMNS = (
    "letter", "name", "website", "city", "region", "country", "group", "status", "lead_signer",
    "lead_order", "contact_name", "contact_title", "contact_email", "authorized", "note",
    "submitted_at", "confirmed_at", "reviewed_at",
)  # fmt: skip

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
    return _csv(columns, rows)


def public_json(letter) -> str:
    columns, rows = public_rows(letter)
    data = {"letter": letter.title, "url": letter.get_canonical_url(), "signatories": rows}
    return json.dumps(data, ensure_ascii=False, indent=1)


def staff_csv(signatures) -> str:
    rows = [
        {
            "letter": s.letter.title,
            "name": s.name,
            "website": s.website,
            "city": s.city,
            "region": s.region,
            "country": s.country,
            "group": s.group.name if s.group else "",
            "status": s.get_status_display(),
            "lead_signer": s.is_lead,
            "lead_order": s.lead_order,
            "contact_name": s.contact_name,
            "contact_title": s.contact_title,
            "contact_email": s.contact_email,
            "authorized": s.authorized,
            "note": s.note,
            "submitted_at": _isoformat(s.submitted_at),
            "confirmed_at": _isoformat(s.confirmed_at),
            "reviewed_at": _isoformat(s.reviewed_at),
        }
        for s in signatures
    ]
    return _csv(STAFF_COLUMNS, rows)


def _isoformat(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _csv(columns, rows) -> str:
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
