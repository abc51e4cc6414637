"""The staff export: the selected signatures with their contacts, for the organizers' own
spreadsheets. Written with the same CSV writer as the public list (letters/exports.py), so a
name that starts like a formula is never run as one."""

from django.utils import timezone

from letters.exports import csv_text

STAFF_COLUMNS = (
    "letter", "name", "website", "city", "region", "country", "group", "status", "lead_signer",
    "lead_order", "contact_name", "contact_title", "contact_email", "authorized", "note",
    "submitted_at", "confirmed_at", "reviewed_at",
)  # fmt: skip


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
    return csv_text(STAFF_COLUMNS, rows)


def _isoformat(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""
