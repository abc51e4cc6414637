"""The outbox and its delivery task, on the in-process task backend of the test settings."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.utils import timezone

from signatures import outbox
from signatures.mail import queue_mail
from signatures.models import OutgoingMail
from tests.concurrency import run_together
from tests.conftest import LINK
from tests.factories import make_signature, sign_form_data
from tests.signatures.mail_server import SMTPSink, free_port, smtp_mailers


def without_links(text):
    """What a mail says, its links aside (the stored copy's are hidden, see test_privacy)."""
    return LINK.sub("<link>", text)


def queued_mail(letter, **fields):
    """A stored mail whose delivery task never ran: the transaction it was queued in (the
    test's) does not commit, so on_commit never fires. That is what a lost task looks like."""
    mail = queue_mail(signature=make_signature(letter), kind="confirm")
    if fields:
        OutgoingMail.objects.filter(pk=mail.pk).update(**fields)
        mail.refresh_from_db()
    return mail


@pytest.mark.django_db
def test_mail_is_delivered_once_the_transaction_commits(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail = queue_mail(signature=make_signature(letter), kind="confirm")
        assert mailoutbox == []

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.attempts == 1
    assert mail.sent_at is not None
    [message] = mailoutbox
    assert message.to == [mail.to]
    assert without_links(message.body) == without_links(mail.body)


@pytest.mark.django_db
def test_a_second_copy_of_the_task_does_not_send_again(letter, mailoutbox):
    mail = queued_mail(letter)

    first = outbox.deliver_mail.enqueue(mail.pk)
    second = outbox.deliver_mail.enqueue(mail.pk)

    assert first.return_value == "sent"
    assert second.return_value == "nothing to do"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_unreachable_mail_server_keeps_the_mail_for_a_later_attempt(letter, settings):
    settings.MAILERS = smtp_mailers(free_port())
    mail = queued_mail(letter)

    result = outbox.deliver_mail.enqueue(mail.pk)

    mail.refresh_from_db()
    assert result.return_value == "retry scheduled"
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at > timezone.now()


@pytest.mark.django_db
def test_a_task_for_mail_not_yet_due_waits(letter, mailoutbox):
    mail = queued_mail(
        letter,
        status=OutgoingMail.Status.FAILED,
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )

    result = outbox.deliver_mail.enqueue(mail.pk)

    mail.refresh_from_db()
    assert result.return_value == "not due yet"
    assert mail.attempts == 1
    assert mailoutbox == []


@pytest.mark.django_db
def test_worker_gives_up_after_the_last_attempt(letter, settings):
    settings.MAILERS = smtp_mailers(free_port())
    mail = queued_mail(
        letter,
        status=OutgoingMail.Status.FAILED,
        attempts=outbox.MAX_ATTEMPTS - 1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )

    outbox.deliver_mail.enqueue(mail.pk)

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.GAVE_UP
    assert mail.attempts == outbox.MAX_ATTEMPTS
    assert mail.next_attempt_at is None


def test_retry_delay_doubles_up_to_an_hour(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 30

    delays = [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)]

    assert delays == [30, 60, 120, 3600, 3600]


def test_retries_last_about_a_day(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 30

    total = sum((outbox.retry_delay(n) for n in range(1, outbox.MAX_ATTEMPTS)), timedelta())

    assert timedelta(hours=20) < total < timedelta(hours=30)


@pytest.mark.django_db
def test_requeue_mail_delivers_mail_whose_task_was_lost(
    letter, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MAIL_REQUEUE_AFTER_SECONDS = 600
    lost = queued_mail(letter, created_at=timezone.now() - timedelta(minutes=15))
    overdue_retry = queued_mail(
        letter,
        status=OutgoingMail.Status.FAILED,
        attempts=2,
        next_attempt_at=timezone.now() - timedelta(minutes=15),
    )
    fresh = queued_mail(letter)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_mail", stdout=out)

    assert "Re-enqueued 2 overdue mail(s)." in out.getvalue()
    for mail in (lost, overdue_retry, fresh):
        mail.refresh_from_db()
    assert lost.status == overdue_retry.status == OutgoingMail.Status.SENT
    assert fresh.status == OutgoingMail.Status.QUEUED
    assert sorted(m.to[0] for m in mailoutbox) == sorted([lost.to, overdue_retry.to])


@pytest.mark.django_db
def test_signature_is_stored_when_the_mail_server_is_down(
    client, letter, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_mailers(free_port())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/letters/{letter.slug}/sign/", sign_form_data(name="Kept Org"))

    assert response.status_code == 302
    mail = OutgoingMail.objects.get(signature__name="Kept Org")
    assert mail.status == OutgoingMail.Status.FAILED


@pytest.mark.django_db
def test_loopback_smtp_server_receives_what_the_task_sends(letter, settings):
    port = free_port()
    settings.MAILERS = smtp_mailers(port)
    mail = queued_mail(letter)

    with SMTPSink(port) as server:
        outbox.deliver_mail.enqueue(mail.pk)

    [message] = server.messages
    assert message["To"] == mail.to
    sent = message.get_content().replace("\r\n", "\n").strip()
    assert without_links(sent) == without_links(mail.body.strip())


class HeldLocmemBackend(locmem.EmailBackend):
    """A mail server that holds each message until the test lets it go: it sets `sending`
    once a message reaches it and accepts the message only after `release` is set."""

    def __init__(self, *, sending: threading.Event, release: threading.Event, **options):
        super().__init__(**options)
        self.sending, self.release = sending, release

    def send_messages(self, messages):
        self.sending.set()
        if not self.release.wait(timeout=10):
            # deliver_mail records this as a failed attempt, which fails the test below.
            raise TimeoutError("the test never let the message through")
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_the_task_running_at_once_send_the_mail_once(settings):
    from django.core import mail as sent_mail

    from tests.factories import make_letter

    sending, second_copy_done = threading.Event(), threading.Event()
    settings.MAILERS = {
        "default": {
            "BACKEND": "tests.signatures.test_mail_delivery.HeldLocmemBackend",
            "OPTIONS": {"sending": sending, "release": second_copy_done},
        }
    }
    signature = make_signature(make_letter())
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    mail = queue_mail(signature=signature, kind="approved")
    sent_mail.outbox = []
    results = {}

    def first_copy():
        results["first"] = outbox.deliver_mail.call(mail.pk)

    def second_copy():
        # Runs exactly while the first copy is talking to the mail server.
        try:
            assert sending.wait(timeout=10), "the first copy never reached the mail server"
            results["second"] = outbox.deliver_mail.call(mail.pk)
        finally:
            second_copy_done.set()

    errors = run_together(first_copy, second_copy)

    assert errors == []
    # The second copy finds the first one's lease on the row: the mail is not due.
    assert results == {"first": "sent", "second": "not due yet"}
    assert len(sent_mail.outbox) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.SENT, 1)


def test_a_mail_whose_worker_died_mid_send_is_taken_up_after_its_lease(letter, mailoutbox):
    signature = make_signature(letter)
    mail = queue_mail(signature=signature, kind="approved")
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENDING,
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    mailoutbox.clear()

    assert outbox.deliver_mail.call(mail.pk) == "sent"
    assert len(mailoutbox) == 1
