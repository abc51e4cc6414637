"""Trust signals are computed after the change that alters them, by the worker, and stored for
the admin to read: the flags and score on the signature, its look-alikes as LookAlikeLink rows,
and the comparison keys by which later signatures are compared with it (keys.py). Signing
therefore costs the same at any letter size; the moderator sees the flags seconds later, and
until then the queue says they are pending (`Signature.risk_assessed_at` is empty).

A service asks for a refresh with `refresh_later`, inside its own transaction. With the
database task backend the task's row commits with the change, or not at all, so no change loses
its refresh (and none is refreshed before it is visible); the in-process backend of the tests
runs it there and then, as the services used to.

Refreshes of one letter take turns (a PostgreSQL advisory lock; SQLite has one writer at a
time anyway), so two of them never store links from different views of the letter. A signature
row that someone else holds (a moderator approving it) is skipped rather than waited for, so a
refresh never stands in a moderator's way; it is tried again a few seconds later."""

from datetime import timedelta

from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

from signatures.models import LookAlikeLink, Signature
from signatures.trust.assessment import assess_stored, find_look_alikes
from signatures.trust.candidates import COMPARED_FIELDS
from signatures.trust.keys import KEY_FIELDS, set_keys

# Pending signatures of one letter handled by one task: a burst of signing is caught up with in
# a few runs rather than one run per signature (the tasks of those already done find nothing).
BATCH = 200
# A signature links to at most this many look-alikes (standing ones first): enough for the
# moderator and for the flag, and a letter where hundreds of entries share one contact address
# does not grow links by the square of their number.
MAX_LINKS = 50
RETRY_AFTER = timedelta(seconds=5)
# Keys the advisory locks of trust refreshes apart from any other use of them.
_LOCK_NAMESPACE = 0x7255


def refresh_later(*, signatures, relink: bool = True) -> None:
    """Have the worker bring these signatures' trust signals up to date. `relink` when their
    name, website or address is new or changed (they are pending: the caller left
    `risk_assessed_at` empty); otherwise only a status changed, which changes the flags of
    their look-alikes and of their organization's other signatures."""
    ids = sorted({signature.pk for signature in signatures})
    if ids:
        refresh_trust_flags.enqueue(ids, relink)


@task
def refresh_trust_flags(signature_ids: list[int], relink: bool = True) -> str:
    with transaction.atomic():
        letter_ids = set(
            Signature.objects.filter(pk__in=signature_ids).values_list("letter_id", flat=True)
        )
        if not letter_ids:
            return "nothing to do"
        _take_turns(letter_ids)
        if not relink:
            done, skipped = _reflag(_concerned_by(signature_ids))
            _retry(skipped, relink=False)
            return f"reflagged {len(done)}"
        # These signatures if still pending, and others pending on their letters.
        pending = Signature.objects.filter(letter_id__in=letter_ids, risk_assessed_at__isnull=True)
        ids = list(pending.filter(pk__in=signature_ids).values_list("pk", flat=True))
        ids += list(pending.exclude(pk__in=ids).order_by("pk").values_list("pk", flat=True)[:BATCH])
        assessed = 0
        for start in range(0, len(ids), BATCH):
            done, skipped = _relink(ids[start : start + BATCH])
            _retry(skipped, relink=True)
            assessed += done
        return f"assessed {assessed}" if ids else "nothing to do"


def refresh_now(signatures) -> int:
    """Recompute every trust signal of these signatures at once, pending or not (after an
    import, or for the demo). Returns how many were assessed."""
    ids = sorted({signature.pk for signature in signatures})
    assessed = 0
    with transaction.atomic():
        letter_ids = set(Signature.objects.filter(pk__in=ids).values_list("letter_id", flat=True))
        _take_turns(letter_ids)
        for start in range(0, len(ids), BATCH):
            done, _skipped = _relink(ids[start : start + BATCH])
            assessed += done
    return assessed


def _take_turns(letter_ids) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for letter_id in sorted(letter_ids):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, letter_id % 2**31]
            )


def _lock(ids):
    """The rows of these signatures that nobody else holds, locked, as they now stand."""
    return list(
        Signature.objects.select_for_update(skip_locked=True)
        .filter(pk__in=ids)
        .only(*COMPARED_FIELDS)
        .order_by("pk")
    )


def _relink(ids) -> tuple[int, list[int]]:
    """Store the keys and look-alikes of these signatures, then the flags of every signature
    whose flags that changes. Returns how many were assessed, and the ids someone else held."""
    rows = _lock(ids)
    skipped = sorted(set(ids) - {row.pk for row in rows})
    if not rows:
        return 0, skipped
    found = find_look_alikes(rows)
    row_ids = [row.pk for row in rows]
    links_before = LookAlikeLink.objects.filter(signature__in=row_ids)
    before = set(links_before.values_list("other", flat=True))
    LookAlikeLink.objects.filter(signature__in=row_ids).delete()
    LookAlikeLink.objects.filter(other__in=row_ids).delete()
    links = {}
    for row in rows:
        for alike in _most_telling(found[row.pk]):
            reasons = ",".join(alike.reasons)
            links[(row.pk, alike.signature.pk)] = reasons
            links[(alike.signature.pk, row.pk)] = reasons
    LookAlikeLink.objects.bulk_create(
        LookAlikeLink(signature_id=a, other_id=b, reasons=reasons)
        for (a, b), reasons in links.items()
    )
    concerned = set(row_ids) | before | {b for _a, b in links} | _organization_mates(rows)
    _done, others_skipped = _reflag(concerned, assessed=set(row_ids))
    return len(rows), skipped + others_skipped


def _most_telling(look_alikes):
    """Those that flag first (standing ones), then by name before other reasons, oldest first."""
    ordered = sorted(
        look_alikes,
        key=lambda alike: (
            alike.signature.status not in Signature.STANDING_STATUSES,
            alike.reasons[0] != "name",
            alike.signature.submitted_at,
            alike.signature.pk,
        ),
    )
    return ordered[:MAX_LINKS]


def _concerned_by(signature_ids) -> set[int]:
    """Whose flags a change of these signatures' status may change: their own, their
    look-alikes' (only standing look-alikes count), their organizations' other signatures'
    (an approval makes an organization's address known)."""
    partners = LookAlikeLink.objects.filter(signature__in=signature_ids)
    rows = Signature.objects.filter(pk__in=signature_ids).only("id", "organization_id")
    return (
        set(signature_ids)
        | set(partners.values_list("other", flat=True))
        | _organization_mates(rows)
    )


def _organization_mates(rows) -> set[int]:
    organization_ids = {row.organization_id for row in rows if row.organization_id}
    if not organization_ids:
        return set()
    mates = Signature.objects.filter(organization_id__in=organization_ids)
    return set(mates.values_list("pk", flat=True))


def _reflag(ids, *, assessed=frozenset()) -> tuple[list[int], list[int]]:
    """Store fresh flags of these signatures from their stored look-alikes and records; those
    in `assessed` are also marked as assessed. Returns the ids done and those skipped."""
    rows = _lock(ids)
    results = assess_stored(rows)
    now = timezone.now()
    for row in rows:
        row.risk_score = results[row.pk].score
        row.risk_flags = results[row.pk].flags_text
    fresh = [row for row in rows if row.pk in assessed]
    for row in fresh:
        row.risk_assessed_at = now
        set_keys(row)
    Signature.objects.bulk_update(
        fresh, ["risk_score", "risk_flags", "risk_assessed_at", *KEY_FIELDS]
    )
    Signature.objects.bulk_update(
        [row for row in rows if row.pk not in assessed], ["risk_score", "risk_flags"]
    )
    done = [row.pk for row in rows]
    return done, sorted(set(ids) - set(done))


def _retry(ids, *, relink: bool) -> None:
    """Signatures someone else held: again in a few seconds, where the task backend can wait
    (the database one; the in-process one cannot, and refresh_trust_signals catches up)."""
    if ids and refresh_trust_flags.get_backend().supports_defer:
        run_after = timezone.now() + RETRY_AFTER
        refresh_trust_flags.using(run_after=run_after).enqueue(sorted(ids), relink)
