from datetime import timedelta

from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from signatures.models import OutgoingMail

MAX_ATTEMPTS = 12


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from 30 seconds, capped at an hour: a mail server back within the
    hour gets the mail within minutes, and a day-long outage costs about 24 attempts."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


@task
def deliver_mail(mail_id: int) -> str:
    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    if mail is None or mail.status in (OutgoingMail.Status.SENT, OutgoingMail.Status.GAVE_UP):
        return "nothing to do"
    mail.attempts += 1
    try:
        EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
    except Exception as error:  # noqa: BLE001 — any failure to hand over is retried
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.status = OutgoingMail.Status.GAVE_UP
            mail.next_attempt_at = None
        else:
            mail.status = OutgoingMail.Status.FAILED
            mail.next_attempt_at = timezone.now() + retry_delay(mail.attempts)
        mail.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        if mail.status == OutgoingMail.Status.FAILED:
            deliver_mail.using(run_after=mail.next_attempt_at).enqueue(mail.pk)
        return "retry scheduled" if mail.status == OutgoingMail.Status.FAILED else "gave up"
    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.next_attempt_at = None
    mail.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"])
    return "sent"
