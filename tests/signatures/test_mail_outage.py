"""End to end on the real task queue: the database backend and its db_worker, a real SMTP
server on loopback, and a signature submitted through the signing form while that server is
down. Nothing here runs in-process that would not run so in production, except the clock:
the test holds it still and moves it to the retry, instead of waiting for it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures.models import OutgoingMail, Signature
from tests.conftest import LINK
from tests.factories import make_letter, sign_form_data
from tests.signatures.mail_server import SMTPSink, free_port, smtp_mailers


def links_in_text(text):
    return LINK.findall(text)


@pytest.mark.django_db(transaction=True)
def test_signature_survives_mail_outage_and_its_mail_arrives_when_server_returns(
    client, settings, database_task_queue, run_worker, time_machine
):
    # The worker and the task compare run_after and next_attempt_at with timezone.now(): with
    # the clock held still, "not due yet" cannot lapse while the mail server starts, and the
    # retry comes due when the test moves the clock, however slow the machine.
    time_machine.move_to(timezone.now(), tick=False)
    settings.MAIL_RETRY_BASE_SECONDS = 30  # the default first backoff
    port = free_port()
    settings.MAILERS = smtp_mailers(port)  # as EMAIL_URL=smtp://127.0.0.1:PORT; nobody listens
    letter = make_letter()

    response = client.post(
        reverse("signatures:sign", args=[letter.slug]), sign_form_data(name="Night Riders")
    )

    assert response.status_code == 302
    signature = Signature.objects.get(letter=letter, name="Night Riders")
    mail = OutgoingMail.objects.get(signature=signature)
    assert mail.status == OutgoingMail.Status.QUEUED
    # The delivery, and the worker's look at the new signature's trust signals.
    assert sorted(DBTaskResult.objects.ready().values_list("task_path", flat=True)) == [
        "signatures.outbox.deliver_mail",
        "signatures.trust.refresh.refresh_trust_flags",
    ]

    run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at > timezone.now()
    # The retry, and the lease's own copy of the task (which finds nothing left to do).
    retry, lease_copy = DBTaskResult.objects.filter(status="READY").order_by("run_after")
    assert retry.run_after == mail.next_attempt_at
    assert lease_copy.run_after > retry.run_after

    with SMTPSink(port) as server:
        run_worker()  # the retry is not due yet: nothing is sent early
        assert server.messages == []

        time_machine.move_to(mail.next_attempt_at)
        run_worker()

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.attempts == 2
    [message] = server.messages
    assert message["To"] == signature.contact_email
    confirm_prefix = settings.SITE_URL + reverse("signatures:confirm", args=["T"])[:-2]
    [confirm_link] = [
        link for link in links_in_text(message.get_content()) if link.startswith(confirm_prefix)
    ]
    assert client.get(confirm_link.removeprefix(settings.SITE_URL)).status_code == 200
    assert Signature.objects.filter(pk=signature.pk).exists()
    assert not DBTaskResult.objects.ready().exists()
    assert mail.sent_at - mail.created_at < timedelta(minutes=1)
