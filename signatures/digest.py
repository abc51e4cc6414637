"""The review digest: staff who opt in are mailed "N signatures await review on <letter>", with
a link to that letter's queue, when there is new work, at most once an hour. `manage.py
send_review_digests` (run by the scheduler every few minutes) sends what is due; the mail
goes through the outbox like every other."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from signatures import outbox
from signatures.models import ReviewDigestSubscription, Signature

DIGEST_INTERVAL = timedelta(hours=1)


def review_digest_subscribe(*, user, subscribe: bool) -> None:
    with transaction.atomic():
        if subscribe:
            ReviewDigestSubscription.objects.get_or_create(user=user)
        else:
            ReviewDigestSubscription.objects.filter(user=user).delete()


def awaiting_review(*, since) -> list[dict]:
    """The letters with entries awaiting review that arrived (or changed) after `since`, each
    with how many await review in all and how many of them are new. Entries already decided
    are not awaiting review, so they are never counted."""
    pending = Signature.objects.filter(status=Signature.Status.PENDING)
    new = Q() if since is None else Q(updated_at__gt=since)
    rows = (
        pending.values("letter_id", "letter__title")
        .annotate(total=Count("id"), new=Count("id", filter=new))
        .filter(new__gt=0)
        .order_by("letter__title", "letter_id")
    )
    queue = reverse("admin:signatures_signature_changelist")
    return [
        row
        | {
            "queue_url": f"{settings.SITE_URL}{queue}?letter__id__exact={row['letter_id']}"
            f"&status__exact={Signature.Status.PENDING}"
        }
        for row in rows
    ]


def review_digest_send() -> int:
    """Mail each subscriber whose last digest is an hour old or more, if work arrived since.
    One transaction, and subscriptions another run is sending are skipped, so two schedulers
    never send the same digest twice. Returns how many were queued."""
    now = timezone.now()
    sent = 0
    with transaction.atomic():
        due = (
            ReviewDigestSubscription.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(user__is_active=True, user__is_staff=True)
            .exclude(user__email="")
            .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - DIGEST_INTERVAL))
        )
        for subscription in due:
            letters = awaiting_review(since=subscription.last_sent_at)
            if not letters:
                continue
            _queue_digest(subscription.user, letters)
            subscription.last_sent_at = now
            subscription.save(update_fields=["last_sent_at"])
            sent += 1
    return sent


def _queue_digest(user, letters):
    context = {
        "user": user,
        "letters": letters,
        "total": sum(row["total"] for row in letters),
        "settings_url": settings.SITE_URL + reverse("admin:review_digest"),
    }
    # Staff have no language of their own on record: the site's.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("signatures/mail/review_digest_subject.txt", context).strip()
        body = render_to_string("signatures/mail/review_digest.txt", context)
    outbox.store(signature=None, kind="review_digest", to=user.email, subject=subject, body=body)
