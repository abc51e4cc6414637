"""Every write that has side effects: one transaction each, mail queued inside it and handed to
the worker only after commit. Views and admin actions call these; nothing else writes status."""

import enum
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from letters.listing import PUBLIC_COLUMNS
from letters.models import Letter, LetterRevision
from letters.services import letter_current_revision, letter_record_revision
from signatures import trust
from signatures.mail import queue_mail, share_links_for
from signatures.models import (
    LookAlikeLink,
    Organization,
    OutgoingMail,
    Signature,
    SignatureImport,
    normalize_organization_name,
    signing_ended_before,
)
from signatures.tokens import EMAIL_CHANGE_MAIL
from signatures.trust.domains import identity_domain


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


# However many people (or addresses) submit a duplicate, the first contact gets at most this
# many links an hour: a resend must not become a way to flood someone's mailbox.
CONFIRMATION_MAILS_PER_HOUR = 3
# A duplicate sent within minutes of the first is a colleague pressing "Sign" too, or someone
# sending again after an error page: the first link is still on its way or in the inbox.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)

LAPSED_CLAIM_REASON = "Never confirmed; the name was claimed again by a later submission."

# What the public sees of an approved signature (letters/listing.py), as model fields.
PUBLIC_FIELDS = frozenset(column.removesuffix("_id") for column in PUBLIC_COLUMNS) - {"id"}
# What a look-alike is recognized by, and what ties a signature to its organization's record:
# a change to one of them has the worker judge the signature again (signatures/trust/).
IDENTITY_FIELDS = frozenset({"name", "website", "contact_email", "organization"})


def _lock_letters(letter_ids) -> None:
    """Every service that may change what the public sees of a letter locks the letter's row
    first, as confirming a signature does (letters/services.py): such changes then commit one
    after the other, each with a public version of its own, and locks are always taken in the
    same order (the letter, then its signatures), so two of them never wait on each other.
    FOR NO KEY UPDATE: signing, which inserts rows referring to the letter, does not wait."""
    locked = Letter.objects.select_for_update(no_key=True).filter(pk__in=set(letter_ids))
    locked = locked.order_by("pk")
    list(locked.values_list("pk", flat=True))


def _publish(letter_ids) -> None:
    """The public forms of these letters change as this transaction commits."""
    if letter_ids:
        Letter.objects.filter(pk__in=set(letter_ids)).bump_public_version()


def signature_submit(
    *, letter: Letter, data: dict, ip: str | None, language: str = settings.LANGUAGE_CODE
) -> SubmitResult:
    """Store a new, unconfirmed signature and mail its confirmation link. A second submission
    for an organization already standing on the letter stores nothing: if the first was never
    confirmed its contact gets the link again, otherwise it is simply already on the letter.
    `language` is the interface language the form was filled in; mail to the contact uses it."""
    if not letter.accepts_signatures:
        raise LetterClosed
    normalized = normalize_organization_name(data["name"])
    standing = Signature.objects.standing().filter(letter=letter, normalized_name=normalized)
    with transaction.atomic():
        signature = _insert_signature(letter=letter, data=data, ip=ip, language=language)
        if signature is None:
            existing = standing.get()
            if not _claim_lapsed(existing):
                return _handle_duplicate(existing)
            _retire_lapsed_claim(existing)
            trust.refresh_later(signatures=[existing], relink=False)
            signature = _insert_signature(letter=letter, data=data, ip=ip, language=language)
            if signature is None:  # claimed again, by someone else, a moment ago
                return _handle_duplicate(standing.get())
        # Its trust signals are the worker's job: nothing here grows with the letter.
        trust.refresh_later(signatures=[signature])
        queue_mail(signature=signature, kind="confirm")
        return SubmitResult(SubmitOutcome.CREATED, signature)


def _insert_signature(*, letter, data, ip, language) -> Signature | None:
    """The new signature; None when the unique constraint finds its organization standing on
    the letter already (perhaps submitted by a colleague a moment ago). Inserting without
    looking first saves a query in the common case, and only the constraint can tell under
    concurrency anyway; the savepoint keeps the transaction usable when it refuses."""
    try:
        with transaction.atomic():
            return Signature.objects.create(
                letter=letter,
                submitted_ip=ip,
                language=language,
                organization=organization_find_or_create(
                    name=data["name"], website=data.get("website", "")
                ),
                **{field: data[field] for field in Signature.SIGNER_FIELDS if field in data},
            )
    except IntegrityError:
        return None


def organization_find_or_create(*, name: str, website: str) -> Organization:
    """The organization record this signer speaks for: the one with the same normalized name,
    else the one with the same website domain, else a new one."""
    normalized = normalize_organization_name(name)
    domain = identity_domain(website)
    same = models.Q(normalized_name=normalized)
    if domain:
        same |= models.Q(website_domain=domain)
    # Both are unique: at most two records, the one with the name preferred.
    found = sorted(Organization.objects.filter(same), key=lambda o: o.normalized_name != normalized)
    if found:
        return found[0]
    try:
        # A concurrent signer may create the same record; its savepoint keeps ours usable.
        with transaction.atomic():
            return Organization.objects.create(name=name, website_domain=domain)
    except IntegrityError:
        return Organization.objects.filter(
            normalized_name=normalized
        ).first() or Organization.objects.get(website_domain=domain)


def _claim_lapsed(signature: Signature) -> bool:
    """An unconfirmed entry whose confirmation links have all expired no longer holds its
    organization's name, so nobody can squat a name by never confirming."""
    if signature.status != Signature.Status.UNCONFIRMED:
        return False
    valid_since = timezone.now() - timedelta(seconds=settings.CONFIRMATION_LINK_MAX_AGE)
    return not signature.mails.filter(kind="confirm", created_at__gt=valid_since).exists()


def _retire_lapsed_claim(signature: Signature) -> None:
    """Kept (as rejected, with the reason) so the moderator still sees who claimed the name;
    the new submission gets a row of its own, which the old claimant's links cannot reach."""
    now = timezone.now()
    Signature.objects.filter(pk=signature.pk).update(
        status=Signature.Status.REJECTED,
        rejection_reason=LAPSED_CLAIM_REASON,
        reviewed_at=now,
        updated_at=now,
    )


def _handle_duplicate(existing: Signature) -> SubmitResult:
    """The link goes to the contact given first, never to whoever submitted again, at most
    CONFIRMATION_MAILS_PER_HOUR times and not again within CONFIRMATION_RESEND_AFTER."""
    if existing.status != Signature.Status.UNCONFIRMED:
        return SubmitResult(SubmitOutcome.ALREADY_SIGNED, existing)
    now = timezone.now()
    recent = existing.mails.filter(kind="confirm", created_at__gt=now - timedelta(hours=1))
    fresh = recent.filter(created_at__gt=now - CONFIRMATION_RESEND_AFTER)
    if recent.count() < CONFIRMATION_MAILS_PER_HOUR and not fresh.exists():
        queue_mail(signature=existing, kind="confirm")
        return SubmitResult(SubmitOutcome.CONFIRMATION_RESENT, existing)
    return SubmitResult(SubmitOutcome.ALREADY_SIGNED, existing)


def signature_confirm(*, signature: Signature) -> bool:
    """Mark the contact's confirmation of the letter's text as it stands now (its current
    revision). Confirming again, or after review, changes nothing."""
    with transaction.atomic():
        revision = letter_current_revision(letter=signature.letter)
        updated = Signature.objects.filter(
            pk=signature.pk, status=Signature.Status.UNCONFIRMED
        ).update(
            status=Signature.Status.PENDING,
            confirmed_at=timezone.now(),
            confirmed_revision=revision,
            updated_at=timezone.now(),
        )
    signature.refresh_from_db()
    return bool(updated)


def signature_reconfirm(*, signature: Signature, revision: LetterRevision) -> bool:
    """Record that the contact agrees to `revision`, the text they were shown, if it is still
    the letter's newest; if staff revised the letter again meanwhile nothing is recorded and
    the contact is shown the newer changes. Approval is untouched: re-confirming keeps an
    approved signature on the letter and leaves a pending one to the moderators."""
    with transaction.atomic():
        current = letter_current_revision(letter=signature.letter)
        if revision.pk != current.pk:
            return False
        updated = (
            Signature.objects.confirmed()
            .filter(pk=signature.pk)
            .update(confirmed_revision=current, updated_at=timezone.now())
        )
    signature.refresh_from_db()
    return bool(updated)


@dataclass(frozen=True)
class LetterRevised:
    revision: LetterRevision
    mailed: int  # how many signers were asked to re-confirm


def letter_revise(*, letter: Letter, changed_by, kind: str, note: str = "") -> LetterRevised:
    """Save staff's edit of an agreed letter's text as the next revision (`letter` carries the
    edited, not yet saved, text). A material change mails every signer who stands behind the
    letter (confirmed, and not rejected or withdrawn) a link to re-confirm or withdraw; a typo
    fix asks nobody again. The letter's admin form says beforehand how many that will be."""
    with transaction.atomic():
        revision = letter_record_revision(
            letter=letter, changed_by=changed_by, kind=kind, note=note
        )
        mailed = 0
        if revision.is_material:
            for signature in letter.signatures.to_ask_again().select_related("letter"):
                queue_mail(signature=signature, kind="reconfirm", extra={"revision": revision})
                mailed += 1
        return LetterRevised(revision=revision, mailed=mailed)


def letter_announce_outcome(*, letter: Letter, delivered: bool, answered: bool) -> int:
    """Tell the signers who asked, when signing, that the letter was delivered or answered:
    one mail each time staff first record either (the response's mail also says when it was
    delivered). Only organizations on the letter are told; returns how many mails."""
    kind = "answered" if answered else "delivered" if delivered else None
    if kind is None:
        return 0
    with transaction.atomic():
        signers = letter.signatures.approved().filter(notify_outcome=True).exclude(contact_email="")
        count = 0
        for signature in signers:
            signature.letter = letter  # one letter for all, not one query each
            count += queue_mail(signature=signature, kind=kind) is not None
    return count


def signature_approve(*, signatures, reviewer, seen_at=None, group=None) -> int:
    """Approve confirmed signatures (pending or earlier rejected) and tell each contact;
    unconfirmed ones are left alone because nobody at the organization has yet said yes.
    With `seen_at` (when the moderator's page was rendered), an entry changed since then (a
    signer's rename, say) is left alone too: nobody approves a name they have not seen.
    With `group`, those approved are listed under it, in the same transaction, so they are
    never public under no group first; only signatures of the group's letter are approved."""
    with transaction.atomic():
        _lock_letters(signature.letter_id for signature in signatures)
        allowed = _unchanged_since(seen_at).filter(status__in=Signature.APPROVABLE_STATUSES)
        if group is not None:
            allowed = allowed.filter(letter_id=group.letter_id)
        done = _review_all(
            signatures,
            reviewer,
            allowed=allowed,
            status=Signature.Status.APPROVED,
            reason="",
        )
        if group is not None and done:
            # Not signature_set_group: that publishes on its own, and this approval publishes
            # the letter once, below, with its group already set.
            Signature.objects.filter(pk__in=[signature.pk for signature in done]).update(
                group=group
            )
            for signature in done:
                signature.group = group
        _publish({signature.letter_id for signature in done})
        for signature in done:
            share = share_links_for(signature)
            queue_mail(signature=signature, kind="approved", extra={"share": share})
        # An approval makes the organization known, which changes its other signatures' flags.
        trust.refresh_later(signatures=done, relink=False)
    return len(done)


def signature_reject(*, signatures, reviewer, reason: str = "", seen_at=None) -> int:
    """Reject signatures, keeping the moderator's reason, and tell each contact who confirmed
    their address. An unconfirmed entry's address was never shown to belong to anyone, so it
    gets no mail: a rejection notice must not become a way to send mail to strangers."""
    reason = reason.strip()
    with transaction.atomic():
        _lock_letters(signature.letter_id for signature in signatures)
        # Only an approval changes this, and it needs the letters' locks, now held.
        public = set(
            Signature.objects.approved()
            .filter(pk__in=[signature.pk for signature in signatures])
            .values_list("pk", flat=True)
        )
        done = _review_all(
            signatures,
            reviewer,
            allowed=_unchanged_since(seen_at).filter(status__in=Signature.REJECTABLE_STATUSES),
            status=Signature.Status.REJECTED,
            reason=reason,
        )
        _publish({signature.letter_id for signature in done if signature.pk in public})
        for signature in done:
            if signature.confirmed_at is not None:
                queue_mail(signature=signature, kind="rejected", extra={"reason": reason})
        # A rejected entry no longer makes its look-alikes on the letter suspicious.
        trust.refresh_later(signatures=done, relink=False)
    return len(done)


def _unchanged_since(seen_at):
    signatures = Signature.objects.all()
    return signatures if seen_at is None else signatures.filter(updated_at__lte=seen_at)


def _review_all(signatures, reviewer, *, allowed, status, reason) -> list[Signature]:
    """The signatures among these that this review changed (those in `allowed`)."""
    return [
        signature
        for signature in signatures
        if _review(signature, reviewer, allowed=allowed, status=status, reason=reason)
    ]


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


def signature_staff_edit(*, signature: Signature, changed_fields) -> None:
    """Save staff's edit from the signature page: only the fields they changed, so that a
    confirmation or withdrawal by the signer that landed while the page was open is not
    overwritten with the status the page was loaded with. A change to what look-alikes are
    recognized by has the worker judge the signature (and its old look-alikes) again."""
    changed = set(changed_fields)
    with transaction.atomic():
        _lock_letters([signature.letter_id])
        public = Signature.objects.approved().filter(pk=signature.pk).exists()
        fields = [*changed, "updated_at"]
        if relink := bool(changed & IDENTITY_FIELDS):
            signature.risk_assessed_at = None
            fields.append("risk_assessed_at")
        signature.save(update_fields=fields)
        if public and changed & PUBLIC_FIELDS:
            _publish([signature.letter_id])
        if relink:
            trust.refresh_later(signatures=[signature])


def signature_set_group(*, signatures, group) -> int:
    """Lists the signatures under `group`, or under no group when it is None. Only signatures
    of the group's own letter move; returns how many did."""
    with transaction.atomic():
        selected = Signature.objects.filter(pk__in=[s.pk for s in signatures])
        if group is not None:
            selected = selected.filter(letter_id=group.letter_id)
        return _update_listing(selected, group=group)


def signature_set_lead(*, signatures, lead: bool) -> int:
    with transaction.atomic():
        return _update_listing(
            Signature.objects.filter(pk__in=[s.pk for s in signatures]), is_lead=lead
        )


def _update_listing(selected, **changes) -> int:
    """Change how these signatures are listed; the public sees it where they are approved."""
    _lock_letters(selected.values_list("letter_id", flat=True).distinct())
    _publish(set(selected.approved().values_list("letter_id", flat=True)))
    return selected.update(**changes, updated_at=timezone.now())


class NameTaken(Exception):
    """Another signature on the same letter already has this (normalized) name."""


class DetailsClosed(Exception):
    """The entry no longer takes corrections: withdrawn or rejected (final), or its contact
    details were purged (new ones would escape the purge)."""


def signature_update_details(*, signature: Signature, data: dict) -> Signature:
    """Apply a signer's corrections. Any change to the name as displayed (even of case) sends
    an approved entry back to review, since the public would read a name nobody approved.
    A new contact address is not applied: it is asked to confirm itself, and the address on
    record is told (signature_change_contact_email applies it). Only the stored row counts:
    unsaved changes on the signature passed in are ignored."""
    with transaction.atomic():
        _lock_letters([signature.letter_id])
        current = Signature.objects.select_for_update().get(pk=signature.pk)
        if current.status not in Signature.STANDING_STATUSES or current.contacts_purged_at:
            raise DetailsClosed
        new_email = data.get("contact_email", current.contact_email)
        public = current.status == Signature.Status.APPROVED and any(
            field in data and data[field] != getattr(current, field) for field in PUBLIC_FIELDS
        )
        renamed = "name" in data and data["name"] != current.name
        identity_changed = any(
            field in data and data[field] != getattr(current, field)
            for field in ("name", "website")
        )
        for field in Signature.CORRECTABLE_FIELDS:
            if field in data and field != "contact_email":
                setattr(current, field, data[field])
        if renamed and current.status == Signature.Status.APPROVED:
            current.status = Signature.Status.PENDING
        if identity_changed:
            # A new name or website may be an impostor's: re-link and re-flag it.
            current.organization = organization_find_or_create(
                name=current.name, website=current.website
            )
            current.risk_assessed_at = None
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            taken = (
                Signature.objects.standing()
                .filter(
                    letter_id=current.letter_id,
                    normalized_name=normalize_organization_name(current.name),
                )
                .exclude(pk=current.pk)
                .exists()
            )
            if taken:
                raise NameTaken from None
            raise
        if public:
            _publish([current.letter_id])
        if identity_changed:
            trust.refresh_later(signatures=[current])
        if new_email and new_email != current.contact_email:
            # Whoever holds the manage link (a forwarded mail, a shared inbox) must not be able
            # to move the signature to an address of theirs unseen.
            queue_mail(signature=current, kind=EMAIL_CHANGE_MAIL, to=new_email)
            queue_mail(
                signature=current, kind="email_change_notice", extra={"new_email": new_email}
            )
    return current


def signature_change_contact_email(*, signature: Signature, old_email: str, new_email: str) -> bool:
    """Make `new_email` the contact address, as its owner confirmed from the link mailed to it;
    only if `old_email` is still the address on record (a link for an earlier request, or one
    overtaken by another change, does nothing) and the entry still takes corrections."""
    with transaction.atomic():
        current = Signature.objects.select_for_update().get(pk=signature.pk)
        if (
            current.contact_email != old_email
            or current.status not in Signature.STANDING_STATUSES
            or current.contacts_purged_at
        ):
            return False
        current.contact_email = new_email
        # A new address may be an impostor's (free mail for a known organization): re-flag it.
        current.organization = organization_find_or_create(
            name=current.name, website=current.website
        )
        current.risk_assessed_at = None
        current.save()
        trust.refresh_later(signatures=[current])
    signature.refresh_from_db()
    return True


def signature_withdraw(*, signature: Signature, reason: str = "") -> bool:
    """Take an organization off the letter at its contact's request. The public page changes
    as this commits; withdrawing twice changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        _lock_letters([signature.letter_id])
        public = Signature.objects.approved().filter(pk=signature.pk).exists()
        withdrawn = (
            Signature.objects.filter(pk=signature.pk)
            # Only an entry that stands on the letter can be taken off it.
            .filter(status__in=Signature.STANDING_STATUSES)
            .update(
                status=Signature.Status.WITHDRAWN,
                withdrawn_at=now,
                withdrawal_reason=reason.strip(),
                updated_at=now,
            )
        )
        signature.refresh_from_db()
        if withdrawn:
            if public:
                _publish([signature.letter_id])
            queue_mail(signature=signature, kind="withdrawn")
            trust.refresh_later(signatures=[signature], relink=False)
    return bool(withdrawn)


def signature_delete(*, signatures) -> int:
    """Staff's deletion (the admin's): the public forms change where an approved one goes, and
    the flags of the look-alikes they leave behind are brought up to date."""
    ids = [signature.pk for signature in signatures]
    with transaction.atomic():
        selected = Signature.objects.filter(pk__in=ids)
        _lock_letters(selected.values_list("letter_id", flat=True).distinct())
        _publish(set(selected.approved().values_list("letter_id", flat=True)))
        partners = set(
            LookAlikeLink.objects.filter(signature__in=ids).values_list("other", flat=True)
        ) - set(ids)
        deleted, _by_model = selected.delete()
        trust.refresh_later(signatures=Signature.objects.filter(pk__in=partners), relink=False)
    return deleted


def signature_purge_contacts(*, cutoff, dry_run: bool = False) -> dict:
    """Blank the contact details of signatures on letters whose signing ended before cutoff,
    and delete the stored mails written to them. Public names and places stay. Purged rows
    are stamped, so running it again finds nothing new."""
    with transaction.atomic():
        due = Signature.objects.contacts_due_for_purge(cutoff=cutoff)
        ids = list(due.values_list("pk", flat=True))
        # Imported spreadsheets hold the contacts of their rows, imported or not.
        imports = SignatureImport.objects.filter(signing_ended_before(cutoff))
        counts = {
            "signatures": len(ids),
            "letters": Signature.objects.filter(pk__in=ids).values("letter").distinct().count(),
            "mails": OutgoingMail.objects.filter(signature__in=ids).count(),
            "imports": imports.count(),
        }
        if not dry_run:
            imports.delete()
        if not dry_run and ids:
            # The stored mails hold the contact's address and name in their body.
            OutgoingMail.objects.filter(signature__in=ids).delete()
            Signature.objects.filter(pk__in=ids).update(
                email_key="",
                contact_name="",
                contact_title="",
                contact_email="",
                note="",
                withdrawal_reason="",
                submitted_ip=None,
                contacts_purged_at=timezone.now(),
            )
    return counts


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


# However often "Lost your link?" is asked, one contact gets at most this many an hour.
MANAGE_LINK_MAILS_PER_HOUR = 3


def signature_send_manage_link(*, letter: Letter, name: str, email: str) -> bool:
    """Mail the private manage link to the contact address of the signature on this letter
    that stands under this organization name, if the email given is that address. The caller
    must not reveal the result: the page is the same whether or not an entry matched."""
    with transaction.atomic():
        signature = (
            Signature.objects.standing()
            .filter(
                letter=letter,
                normalized_name=normalize_organization_name(name),
                contact_email__iexact=email.strip(),
            )
            .select_related("letter")
            .first()
        )
        if signature is None:
            return False
        recent = signature.mails.filter(
            kind="manage_link", created_at__gt=timezone.now() - timedelta(hours=1)
        )
        if recent.count() >= MANAGE_LINK_MAILS_PER_HOUR:
            return False
        queue_mail(signature=signature, kind="manage_link")
        return True
