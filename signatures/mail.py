"""Messages to signers: rendered from templates, stored as OutgoingMail inside the caller's
transaction, handed to the worker only once that transaction commits."""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from signatures import tokens
from signatures.models import OutgoingMail
from signatures.tasks import deliver_mail


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def signer_links(signature) -> dict:
    return {
        "confirm_url": absolute_url(
            reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])
        ),
        "letter_url": absolute_url(signature.letter.get_absolute_url()),
    }


def queue_mail(*, signature, kind: str, extra: dict | None = None) -> OutgoingMail:
    context = {"signature": signature, "letter": signature.letter, **signer_links(signature)}
    context |= extra or {}
    subject = render_to_string(f"signatures/mail/{kind}_subject.txt", context).strip()
    body = render_to_string(f"signatures/mail/{kind}.txt", context)
    mail = OutgoingMail.objects.create(
        signature=signature, kind=kind, to=signature.contact_email, subject=subject, body=body
    )
    transaction.on_commit(partial(deliver_mail.enqueue, mail.pk))
    return mail
