"""What the admin shows of a signature's trust signals: the flags and look-alikes the worker
stored (refresh.py), what the signature's own fields say, and its organization's records.
Nothing is judged again here, so a page costs the same whatever the size of the letters."""

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from signatures.models import LookAlikeLink
from signatures.trust.assessment import (
    Flag,
    history_of,
    known_domains,
    organization_records,
)


def attach_look_alikes(rows, *, shown: int = 2) -> None:
    """Give each row `look_alikes_shown`, its first look-alikes (oldest first) as (id, name),
    and `look_alike_count`: one query for the whole page."""
    by_row = {row.pk: row for row in rows}
    for row in rows:
        row.look_alikes_shown, row.look_alike_count = [], 0
    links = (
        LookAlikeLink.objects.filter(signature__in=list(by_row))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("signature"),
                order_by=(F("other__submitted_at").asc(), F("other").asc()),
            ),
            total=Window(Count("pk"), partition_by=F("signature")),
        )
        .filter(rank__lte=shown)
        .order_by("signature", "rank")
        .values_list("signature", "other", "other__name", "total")
    )
    for signature_id, other_id, name, total in links:
        row = by_row[signature_id]
        row.look_alikes_shown.append((other_id, name))
        row.look_alike_count = total


def stored_flags(signature) -> tuple[Flag, ...]:
    return tuple(Flag(code) for code in signature.risk_flags.split(",") if code in Flag.values)


def organization_view(signature):
    """The organization's signatures on other letters (oldest first), and the domains it is
    known to write from: two queries."""
    organizations, by_organization = organization_records([signature])
    history = history_of(signature, by_organization)
    return history, known_domains(history, organizations.get(signature.organization_id))
