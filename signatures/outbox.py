"""The outbox: every message is stored as an OutgoingMail row inside the transaction of the
change that caused it, handed to the worker only once that transaction commits, and delivered
by `manage.py db_worker`. Its whole lifecycle is here: the lease each attempt takes, the
backoff between attempts, and the two ways a stalled mail is sent again (requeue_mail and the
admin's "retry now"). What a message says is decided by its sender (signatures/mail.py).

Delivery is at least once. Each attempt leases the row before the mail server is contacted,
so two copies of a task running at once never both hand a message over. With the lease the
attempt leaves a copy of its task for when the lease runs out: if the worker dies mid-send
(killed, or its machine lost), that copy sends the mail then. A database restart does not lose
or double a mail either: the task waits for the database to come back, and the fact that the
server accepted a message is written down before the lease can run out. Only a worker that
dies after the server accepted a message, and before recording it as sent, can cause a second
copy: a duplicate is better than a lost confirmation link.

A stored message never holds a usable private link (signatures/tokens.py): the links are made
as it is sent."""

import logging
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from config.outage import DATABASE_ERRORS
from signatures import tokens
from signatures.models import OutgoingMail

logger = logging.getLogger(__name__)

# With the default 30-second first retry this is about a day of trying (7 doublings up to the
# hourly cap, then hourly); after that the mail waits in the admin for "retry now".
MAX_ATTEMPTS = 30
MAX_RETRY_DELAY = timedelta(hours=1)
# How long a task waits for the database to come back (a restart takes seconds), retrying.
DATABASE_PATIENCE_SECONDS = 60


def store(
    *, signature, kind: str, to: str, subject: str, body: str, reply_to: str = ""
) -> OutgoingMail:
    """Keep a message in the caller's transaction; the worker gets it once that commits."""
    mail = OutgoingMail.objects.create(
        signature=signature, kind=kind, to=to, subject=subject, body=body, reply_to=reply_to
    )
    enqueue_delivery(mail.pk)
    return mail


def enqueue_delivery(mail_id: int) -> None:
    """Hand a stored mail to the worker. The database task queue is a table beside the
    outbox, so its task is written in the same transaction: a mail exists exactly when its
    task does, whatever dies right after the commit. Another queue gets it once the
    transaction commits (robustly: if it cannot take it, the committed change stands and
    requeue_mail sends it later)."""
    if isinstance(deliver_mail.get_backend(), DatabaseBackend):
        deliver_mail.enqueue(mail_id)
    else:
        transaction.on_commit(partial(deliver_mail.enqueue, mail_id), robust=True)


def send_lease() -> timedelta:
    return timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: a mail server back within minutes gets the mail within minutes,
    and a long outage costs one attempt an hour."""
    delay = timedelta(seconds=settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_RETRY_DELAY)


@task
def deliver_mail(mail_id: int) -> str:
    deadline = time.monotonic() + DATABASE_PATIENCE_SECONDS
    while True:
        try:
            return _deliver(mail_id)
        except DATABASE_ERRORS:
            # Before the mail server was reached (afterwards _deliver keeps trying itself):
            # starting again is safe, the lease stops a second hand-over.
            if time.monotonic() > deadline:
                raise
            _wait_for_the_database()


def _deliver(mail_id: int) -> str:
    mail = OutgoingMail.objects.filter(pk=mail_id).select_related("signature").first()
    if mail is None or mail.status not in OutgoingMail.UNDELIVERED:
        return "nothing to do"
    if mail.next_attempt_at is not None and mail.next_attempt_at > timezone.now():
        # A stray copy of the task (requeue_mail, "retry now", the lease's own copy); the
        # scheduled one will come.
        return "not due yet"
    lease_ends = timezone.now() + send_lease()
    with transaction.atomic():
        # Claim this attempt: of two copies of the task running at once only one sees the row
        # unchanged. The claim is a lease: until it runs out, any other copy finds the row
        # "being sent" and not due, so a message is never handed to the mail server twice.
        claimed = OutgoingMail.objects.filter(
            pk=mail.pk, status=mail.status, attempts=mail.attempts
        ).update(
            status=OutgoingMail.Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=lease_ends,
        )
        if claimed and deliver_mail.get_backend().supports_defer:
            # Should this worker die mid-send, this copy takes the mail up when the lease ends;
            # otherwise it finds the mail sent and does nothing.
            deliver_mail.using(run_after=lease_ends).enqueue(mail.pk)
    if not claimed:
        return "claimed by another worker"
    mail.attempts += 1
    body = mail.body
    if mail.signature is not None:
        body = tokens.reveal(body, signature=mail.signature, to=mail.to, kind=mail.kind)
    try:
        EmailMessage(
            subject=mail.subject,
            body=body,
            to=[mail.to],
            reply_to=[mail.reply_to] if mail.reply_to else None,
        ).send()
    except Exception as error:  # noqa: BLE001 — any failure to hand over is retried
        return _record_failure(mail, error)
    _record_sent(mail, before=lease_ends - timedelta(seconds=10))
    return "sent"


def _wait_for_the_database() -> None:
    if not connection.in_atomic_block:
        connection.close()  # a broken connection goes back to the pool, which drops it
    time.sleep(1)


def _record_sent(mail: OutgoingMail, *, before) -> None:
    """The server has the message: write that down, waiting out a database restart, before
    the lease runs out and another attempt would send it again."""
    while True:
        try:
            OutgoingMail.objects.filter(pk=mail.pk).update(
                status=OutgoingMail.Status.SENT, sent_at=timezone.now(), next_attempt_at=None
            )
            return
        except DATABASE_ERRORS:
            if timezone.now() >= before:
                raise
            logger.warning("Mail %s was sent; waiting for the database to record it.", mail.pk)
            _wait_for_the_database()


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


def retry_now(*, mails) -> int:
    """Send undelivered mail again now, including mail the worker gave up on: the moderator
    has presumably fixed what was wrong. Sent mail is left alone."""
    with transaction.atomic():
        ids = list(
            OutgoingMail.objects.filter(pk__in=[m.pk for m in mails])
            .exclude(status=OutgoingMail.Status.SENT)
            # A mail being sent right now is left to its worker.
            .exclude(status=OutgoingMail.Status.SENDING, next_attempt_at__gt=timezone.now())
            .select_for_update()
            .values_list("pk", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=ids).update(
            status=OutgoingMail.Status.QUEUED, next_attempt_at=None
        )
        for mail_id in ids:
            enqueue_delivery(mail_id)
    return len(ids)


def requeue_overdue() -> int:
    """The safety net behind enqueue-on-commit: a mail still undelivered well after its
    attempt was due has lost its task (a process died between commit and enqueue, or the
    task backend was unavailable); give it a new one. A second copy of a live task is
    harmless, since deliver_mail leases each attempt."""
    cutoff = timezone.now() - timedelta(seconds=settings.MAIL_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        ids = list(OutgoingMail.objects.overdue(cutoff=cutoff).values_list("pk", flat=True))
        for mail_id in ids:
            enqueue_delivery(mail_id)
    return len(ids)
