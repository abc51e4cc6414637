"""Delivery of the outbox by the db_worker process. Delivery is at least once: a row is claimed
before the mail server is contacted, so two copies of a task never send twice, and a mail the
worker lost track of is picked up again by requeue_mail."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from signatures.models import OutgoingMail

# With the default 30-second first retry this is about a day of trying (7 doublings up to the
# hourly cap, then hourly); after that the mail waits in the admin for "retry now".
MAX_ATTEMPTS = 30
MAX_RETRY_DELAY = timedelta(hours=1)
# How long one attempt may take before another worker may try again: well beyond the SMTP
# timeout, so a slow but live attempt is never doubled.
SEND_LEASE = timedelta(minutes=10)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: a mail server back within minutes gets the mail within minutes,
    and a long outage costs one attempt an hour."""
    delay = timedelta(seconds=settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_RETRY_DELAY)


@task
def deliver_mail(mail_id: int) -> str:
    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    if mail is None or mail.status not in OutgoingMail.UNDELIVERED:
        return "nothing to do"
    if mail.next_attempt_at is not None and mail.next_attempt_at > timezone.now():
        # A stray copy of the task (requeue_mail, "retry now"); the scheduled one will come.
        return "not due yet"
    # Claim this attempt: of two copies of the task running at once only one sees the row
    # unchanged. The claim is a lease: until it runs out, any other copy finds the row "being
    # sent" and not due, so a message is never handed to the mail server twice.
    claimed = OutgoingMail.objects.filter(
        pk=mail.pk, status=mail.status, attempts=mail.attempts
    ).update(
        status=OutgoingMail.Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=timezone.now() + SEND_LEASE,
    )
    if not claimed:
        return "claimed by another worker"
    mail.attempts += 1
    try:
        EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
    except Exception as error:  # noqa: BLE001 — any failure to hand over is retried
        return _record_failure(mail, error)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return "sent"


def _record_failure(mail: OutgoingMail, error: Exception) -> str:
    last_error = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= MAX_ATTEMPTS:
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=OutgoingMail.Status.GAVE_UP, last_error=last_error, next_attempt_at=None
        )
        return "gave up"
    next_attempt_at = timezone.now() + retry_delay(mail.attempts)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED, last_error=last_error, next_attempt_at=next_attempt_at
    )
    if deliver_mail.get_backend().supports_defer:
        deliver_mail.using(run_after=next_attempt_at).enqueue(mail.pk)
    # A backend that cannot defer (the in-process one in development and tests) leaves the
    # retry to requeue_mail, which enqueues due mail.
    return "retry scheduled"
