"""Approving and rejecting: each contact hears the outcome, with the moderator's reason."""

import pytest

from signatures import services
from signatures.models import OutgoingMail, Signature
from tests.factories import make_letter, make_signature, make_staff, submit_signature

pytestmark = pytest.mark.django_db


def test_approve_mails_each_contact_and_counts_only_reviewable_signatures(
    django_capture_on_commit_callbacks, mailoutbox
):
    letter = make_letter(title="Stop tracking riders")
    pending = [submit_signature(letter) for _ in range(2)]
    unconfirmed = submit_signature(letter, status=Signature.Status.UNCONFIRMED)
    mailoutbox.clear()
    staff = make_staff()

    with django_capture_on_commit_callbacks(execute=True):
        done = services.signature_approve(signatures=[*pending, unconfirmed], reviewer=staff)

    assert done == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.contact_email for s in pending)
    assert "Stop tracking riders" in mailoutbox[0].subject
    assert letter.get_absolute_url() in mailoutbox[0].body
    pending[0].refresh_from_db()
    assert pending[0].status == Signature.Status.APPROVED
    assert pending[0].reviewed_by == staff
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Signature.Status.UNCONFIRMED


def test_reject_with_reason_keeps_it_and_mails_it_to_the_contact(
    django_capture_on_commit_callbacks, mailoutbox
):
    signature = submit_signature(make_letter(), contact_email="ana@riders.example")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        done = services.signature_reject(
            signatures=[signature], reviewer=None, reason="  We could not reach your office.  "
        )

    assert done == 1
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.rejection_reason == "We could not reach your office."
    [message] = mailoutbox
    assert message.to == ["ana@riders.example"]
    assert "We could not reach your office." in message.body
    assert OutgoingMail.objects.get(signature=signature, kind="rejected").status == "sent"


def test_reject_without_reason_still_mails_the_contact(
    django_capture_on_commit_callbacks, mailoutbox
):
    signature = submit_signature(make_letter())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.signature_reject(signatures=[signature], reviewer=None)

    [message] = mailoutbox
    assert "reason" not in message.body.lower()


def test_rejecting_an_unconfirmed_entry_mails_nobody(
    django_capture_on_commit_callbacks, mailoutbox
):
    signature = submit_signature(make_letter(), status=Signature.Status.UNCONFIRMED)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        done = services.signature_reject(signatures=[signature], reviewer=None, reason="Spam")

    assert done == 1
    assert mailoutbox == []


def test_reject_skips_already_rejected_and_approve_clears_the_old_reason(
    django_capture_on_commit_callbacks, mailoutbox
):
    signature = make_signature(make_letter(), status=Signature.Status.PENDING)
    services.signature_reject(signatures=[signature], reviewer=None, reason="Unsure")

    assert services.signature_reject(signatures=[signature], reviewer=None, reason="x") == 0
    signature.refresh_from_db()
    assert signature.rejection_reason == "Unsure"

    services.signature_approve(signatures=[signature], reviewer=None)
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.rejection_reason == ""
