"""Every write that has side effects: one transaction each, mail queued inside it and handed to
the worker only after commit. Views and admin actions call these; nothing else writes status."""

import enum
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from letters.models import Letter
from signatures import trust
from signatures.mail import queue_mail
from signatures.models import Organization, Signature, normalize_organization_name


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
                        organization=organization_find_or_create(
                            name=data["name"], website=data.get("website", "")
                        ),
                        **{field: data[field] for field in SIGNER_FIELDS if field in data},
                    )
            except IntegrityError:
                existing = Signature.objects.get(letter=letter, normalized_name=normalized)
            else:
                signature_refresh_risk(signatures=[signature])
                signature.refresh_from_db(fields=["risk_score", "risk_flags"])
                queue_mail(signature=signature, kind="confirm")
                return SubmitResult(SubmitOutcome.CREATED, signature)
        return _handle_duplicate(existing)


def organization_find_or_create(*, name: str, website: str) -> Organization:
    """The organization record this signer speaks for: the one with the same normalized name,
    else the one with the same website domain, else a new one."""
    normalized = normalize_organization_name(name)
    domain = trust.identity_domain(website)
    found = Organization.objects.filter(normalized_name=normalized).first()
    if found is None and domain:
        found = Organization.objects.filter(website_domain=domain).first()
    if found is not None:
        return found
    try:
        # A concurrent signer may create the same record; its savepoint keeps ours usable.
        with transaction.atomic():
            return Organization.objects.create(name=name, website_domain=domain)
    except IntegrityError:
        return Organization.objects.filter(
            normalized_name=normalized
        ).first() or Organization.objects.get(website_domain=domain)


def signature_refresh_risk(*, signatures) -> None:
    """Store fresh trust flags for these signatures and for every signature whose flags they
    can change: look-alikes on the same letter and the same organization's other signatures."""
    with transaction.atomic():
        assessed = trust.assess(signatures)
        affected = {s.pk for s in signatures}
        for assessment in assessed.values():
            affected |= {alike.signature.pk for alike in assessment.look_alikes}
            affected |= {record.pk for record in assessment.history}
        rows = list(Signature.objects.filter(pk__in=affected))
        assessed = trust.assess(rows)
        for row in rows:
            row.risk_score = assessed[row.pk].score
            row.risk_flags = assessed[row.pk].flags_text
        Signature.objects.bulk_update(rows, ["risk_score", "risk_flags"])


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
    """Approve confirmed signatures (pending or earlier rejected) and tell each contact;
    unconfirmed ones are left alone because nobody at the organization has yet said yes."""
    with transaction.atomic():
        done = [
            signature
            for signature in signatures
            if _review(
                signature,
                reviewer,
                allowed=Signature.objects.filter(
                    status__in=[Signature.Status.PENDING, Signature.Status.REJECTED]
                ),
                status=Signature.Status.APPROVED,
                reason="",
            )
        ]
        for signature in done:
            queue_mail(signature=signature, kind="approved")
        # An approval makes the organization known, which changes its other signatures' flags.
        signature_refresh_risk(signatures=done)
    return len(done)


def signature_reject(*, signatures, reviewer, reason: str = "") -> int:
    """Reject signatures, keeping the moderator's reason, and tell each contact who confirmed
    their address. An unconfirmed entry's address was never shown to belong to anyone, so it
    gets no mail: a rejection notice must not become a way to send mail to strangers."""
    reason = reason.strip()
    with transaction.atomic():
        done = [
            signature
            for signature in signatures
            if _review(
                signature,
                reviewer,
                allowed=Signature.objects.exclude(
                    status__in=[Signature.Status.REJECTED, Signature.Status.WITHDRAWN]
                ),
                status=Signature.Status.REJECTED,
                reason=reason,
            )
        ]
        for signature in done:
            if signature.confirmed_at is not None:
                queue_mail(signature=signature, kind="rejected", extra={"reason": reason})
        # A rejected entry no longer makes its look-alikes on the letter suspicious.
        signature_refresh_risk(signatures=done)
    return len(done)


def _review(signature, reviewer, *, allowed, status, reason) -> bool:
    """Move one signature to `status` if it is in `allowed`, refreshing the caller's object."""
    now = timezone.now()
    updated = allowed.filter(pk=signature.pk).update(
        status=status,
        rejection_reason=reason,
        reviewed_at=now,
        reviewed_by=reviewer,
        updated_at=now,
    )
    if updated:
        signature.refresh_from_db()
    return bool(updated)


def signature_set_lead(*, signatures, lead: bool) -> int:
    with transaction.atomic():
        return Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(
            is_lead=lead, updated_at=timezone.now()
        )
