from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from signatures.mail import queue_mail
from signatures.models import OutgoingMail
from tests.factories import make_signature

CHANGELIST = "admin:signatures_outgoingmail_changelist"


def stored_mail(letter, email, **fields):
    mail = queue_mail(signature=make_signature(letter, contact_email=email), kind="confirm")
    OutgoingMail.objects.filter(pk=mail.pk).update(**fields)
    mail.refresh_from_db()
    return mail


@pytest.mark.django_db
def test_needs_attention_lists_failed_abandoned_and_stuck_mail(staff_client, letter, settings):
    settings.MAIL_REQUEUE_AFTER_SECONDS = 600
    long_ago = timezone.now() - timedelta(hours=1)
    stored_mail(letter, "failed@a.example.org", status=OutgoingMail.Status.FAILED, attempts=2)
    stored_mail(letter, "gaveup@b.example.org", status=OutgoingMail.Status.GAVE_UP, attempts=30)
    stored_mail(letter, "stuck@c.example.org", created_at=long_ago)
    stored_mail(letter, "fresh@d.example.org")
    stored_mail(letter, "sent@e.example.org", status=OutgoingMail.Status.SENT, created_at=long_ago)

    page = staff_client.get(reverse(CHANGELIST), {"attention": "yes"}).text

    for shown in ("failed@a", "gaveup@b", "stuck@c"):
        assert shown in page
    for hidden in ("fresh@d", "sent@e"):
        assert hidden not in page


@pytest.mark.django_db
def test_retry_now_sends_mail_the_worker_gave_up_on(
    staff_client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    gave_up = stored_mail(
        letter,
        "gaveup@b.example.org",
        status=OutgoingMail.Status.GAVE_UP,
        attempts=30,
        last_error="ConnectionRefusedError",
    )
    sent = stored_mail(letter, "sent@e.example.org", status=OutgoingMail.Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(CHANGELIST),
            {"action": "retry_now", "_selected_action": [gave_up.pk, sent.pk]},
            follow=True,
        )

    gave_up.refresh_from_db()
    assert gave_up.status == OutgoingMail.Status.SENT
    assert [m.to for m in mailoutbox] == [["gaveup@b.example.org"]]
    assert "1 mail queued for sending." in response.text
    assert "1 skipped: already sent." in response.text
