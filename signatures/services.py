"""Every write that has side effects: one transaction each, mail queued inside it and handed to
the worker only after commit. Views and admin actions call these; nothing else writes status."""

import enum
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from letters.models import Letter
from signatures.mail import queue_mail
from signatures.models import Signature, normalize_organization_name


class SubmitOutcome(enum.Enum):
    CREATED = "created"
    CONFIRMATION_RESENT = "confirmation_resent"
    ALREADY_SIGNED = "already_signed"


@dataclass(frozen=True)
class SubmitResult:
    outcome: SubmitOutcome
    signature: Signature


class LetterClosed(Exception):
    """The letter stopped accepting signatures between the form and the submit."""


SIGNER_FIELDS = (
    "name", "website", "city", "region", "country",
    "contact_name", "contact_title", "contact_email", "authorized", "note",
)  # fmt: skip


def signature_submit(*, letter: Letter, data: dict, ip: str | None) -> SubmitResult:
    """Store a new, unconfirmed signature and mail its confirmation link. A second submission
    for the same organization stores nothing: if the first was never confirmed its contact
    gets the link again, otherwise the organization is simply already on the letter."""
    if not letter.accepts_signatures:
        raise LetterClosed
    normalized = normalize_organization_name(data["name"])
    with transaction.atomic():
        existing = Signature.objects.filter(letter=letter, normalized_name=normalized).first()
        if existing is None:
            try:
                # The savepoint lets a concurrent insert of the same organization, caught by
                # the unique constraint, fall through to the duplicate path below.
                with transaction.atomic():
                    signature = Signature.objects.create(
                        letter=letter,
                        submitted_ip=ip,
                        **{field: data[field] for field in SIGNER_FIELDS if field in data},
                    )
            except IntegrityError:
                existing = Signature.objects.get(letter=letter, normalized_name=normalized)
            else:
                queue_mail(signature=signature, kind="confirm")
                return SubmitResult(SubmitOutcome.CREATED, signature)
        return _handle_duplicate(existing)


def _handle_duplicate(existing: Signature) -> SubmitResult:
    if existing.status == Signature.Status.UNCONFIRMED:
        queue_mail(signature=existing, kind="confirm")
        return SubmitResult(SubmitOutcome.CONFIRMATION_RESENT, existing)
    return SubmitResult(SubmitOutcome.ALREADY_SIGNED, existing)


def signature_confirm(*, signature: Signature) -> bool:
    """Mark the contact's confirmation. Confirming again, or after review, changes nothing."""
    with transaction.atomic():
        updated = Signature.objects.filter(
            pk=signature.pk, status=Signature.Status.UNCONFIRMED
        ).update(
            status=Signature.Status.PENDING, confirmed_at=timezone.now(), updated_at=timezone.now()
        )
    signature.refresh_from_db()
    return bool(updated)


def signature_approve(*, signatures, reviewer) -> int:
    """Approve confirmed signatures (pending or earlier rejected); unconfirmed ones are left
    alone because nobody at the organization has yet said yes."""
    now = timezone.now()
    with transaction.atomic():
        return (
            Signature.objects.filter(pk__in=[s.pk for s in signatures])
            .filter(status__in=[Signature.Status.PENDING, Signature.Status.REJECTED])
            .update(
                status=Signature.Status.APPROVED,
                reviewed_at=now,
                reviewed_by=reviewer,
                updated_at=now,
            )
        )


def signature_reject(*, signatures, reviewer) -> int:
    now = timezone.now()
    with transaction.atomic():
        return (
            Signature.objects.filter(pk__in=[s.pk for s in signatures])
            .exclude(status__in=[Signature.Status.REJECTED, Signature.Status.WITHDRAWN])
            .update(
                status=Signature.Status.REJECTED,
                reviewed_at=now,
                reviewed_by=reviewer,
                updated_at=now,
            )
        )


def signature_set_lead(*, signatures, lead: bool) -> int:
    with transaction.atomic():
        return Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(
            is_lead=lead, updated_at=timezone.now()
        )


def signature_resend_confirmation(*, letter: Letter, name: str, email: str) -> bool:
    """Mail the confirmation link again if an unconfirmed signature on this letter matches
    both the organization name and the contact email. The caller must not reveal the result:
    the page someone sees is the same whether or not an entry matched."""
    with transaction.atomic():
        signature = Signature.objects.filter(
            letter=letter,
            status=Signature.Status.UNCONFIRMED,
            normalized_name=normalize_organization_name(name),
            contact_email__iexact=email.strip(),
        ).first()
        if signature is None:
            return False
        queue_mail(signature=signature, kind="confirm")
        return True
