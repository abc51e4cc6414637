from datetime import timedelta

import pytest
from django.utils import timezone

from letters.models import Letter, LetterGroup
from signatures import services
from signatures.models import OutgoingMail, Signature
from signatures.services import SubmitOutcome
from tests.factories import make_letter, make_signature, make_staff, signer_data


def submit(letter, **fields):
    return services.signature_submit(letter=letter, data=signer_data(**fields), ip="203.0.113.9")


def test_submission_is_stored_unconfirmed_with_its_ip(letter):
    result = submit(letter, name="Riders for Privacy")
    signature = Signature.objects.get()
    assert result.outcome is SubmitOutcome.CREATED
    assert signature.status == Signature.Status.UNCONFIRMED
    assert signature.submitted_ip == "203.0.113.9"
    assert signature.confirmed_at is None


def test_confirmation_mail_is_sent_only_after_commit(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(letter, contact_email="ana@riders.example.org")
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ana@riders.example.org"]
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_second_submission_of_unconfirmed_organization_resends_confirmation(
    letter, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(letter, name="Riders for Privacy", contact_email="first@riders.example.org")
        time_machine.shift(services.CONFIRMATION_RESEND_AFTER + timedelta(seconds=1))
        result = submit(letter, name="the riders for privacy", contact_email="x@evil.example")
    assert result.outcome is SubmitOutcome.CONFIRMATION_RESENT
    assert Signature.objects.count() == 1
    # The link goes to the contact given first, never to whoever submitted the second time.
    assert [m.to for m in mailoutbox] == [["first@riders.example.org"]] * 2


def test_a_duplicate_sent_soon_after_the_first_sends_no_second_link(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(letter, name="Riders for Privacy", contact_email="first@riders.example.org")
        result = submit(letter, name="Riders for Privacy", contact_email="colleague@riders.org")
    assert result.outcome is SubmitOutcome.ALREADY_SIGNED
    assert [m.to for m in mailoutbox] == [["first@riders.example.org"]]


def test_second_submission_of_confirmed_organization_is_refused_without_mail(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    make_signature(letter, name="Riders for Privacy", status=Signature.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(letter, name="RIDERS FOR PRIVACY")
    assert result.outcome is SubmitOutcome.ALREADY_SIGNED
    assert Signature.objects.count() == 1
    assert mailoutbox == []


def test_closed_letter_refuses_submission(db):
    letter = make_letter(status="closed")
    with pytest.raises(services.LetterClosed):
        submit(letter)
    assert not Signature.objects.exists()


def test_confirming_twice_is_harmless(letter):
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    assert services.signature_confirm(signature=signature) is True
    first = Signature.objects.get().confirmed_at
    assert services.signature_confirm(signature=signature) is False
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert signature.confirmed_at == first


def test_approve_records_reviewer_and_skips_unconfirmed(letter):
    reviewer = make_staff()
    pending = make_signature(letter, status=Signature.Status.PENDING)
    unconfirmed = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    done = services.signature_approve(signatures=[pending, unconfirmed], reviewer=reviewer)
    pending.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert done == 1
    assert pending.status == Signature.Status.APPROVED
    assert pending.reviewed_by == reviewer and pending.reviewed_at is not None
    assert unconfirmed.status == Signature.Status.UNCONFIRMED


def test_approve_with_a_group_lists_the_signature_under_it_and_publishes_once(db):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    signature = make_signature(letter, status=Signature.Status.PENDING)
    version = Letter.objects.get(pk=letter.pk).public_version

    done = services.signature_approve(signatures=[signature], reviewer=None, group=national)

    assert done == 1
    assert signature.group == national
    signature.refresh_from_db()
    assert (signature.status, signature.group) == (Signature.Status.APPROVED, national)
    assert Letter.objects.get(pk=letter.pk).public_version == version + 1


def test_approve_with_another_letters_group_approves_nothing(db):
    grouped = make_letter(grouping=Letter.Grouping.GROUP)
    elsewhere = LetterGroup.objects.create(letter=grouped, name="Faraway", order=1)
    signature = make_signature(make_letter(), status=Signature.Status.PENDING)

    done = services.signature_approve(signatures=[signature], reviewer=None, group=elsewhere)

    signature.refresh_from_db()
    assert done == 0
    assert (signature.status, signature.group) == (Signature.Status.PENDING, None)


def test_reject_records_reviewer(letter):
    reviewer = make_staff()
    signature = make_signature(letter, status=Signature.Status.PENDING)
    assert services.signature_reject(signatures=[signature], reviewer=reviewer) == 1
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.reviewed_by == reviewer


def test_lead_signers_can_be_marked_and_unmarked(letter):
    signature = make_signature(letter)
    services.signature_set_lead(signatures=[signature], lead=True)
    signature.refresh_from_db()
    assert signature.is_lead
    services.signature_set_lead(signatures=[signature], lead=False)
    signature.refresh_from_db()
    assert not signature.is_lead


@pytest.mark.parametrize("status", [Signature.Status.REJECTED, Signature.Status.WITHDRAWN])
def test_a_rejected_or_withdrawn_entry_does_not_lock_the_organization_out(letter, status):
    make_signature(letter, name="Sierra Coalition", status=status)
    result = submit(letter, name="Sierra Coalition", contact_email="real@sierra.example.org")
    assert result.outcome is SubmitOutcome.CREATED
    assert Signature.objects.filter(letter=letter, name="Sierra Coalition").count() == 2
    assert result.signature.contact_email == "real@sierra.example.org"


def test_resent_links_to_the_first_contact_are_capped_per_hour(
    letter, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(letter, name="Target Org", contact_email="victim@target.example.org")
        for n in range(10):
            time_machine.shift(timedelta(minutes=5))
            submit(letter, name="Target Org", contact_email=f"attacker{n}@evil.example")
    # Within the first hour: the first link, then one every ten minutes until the cap.
    assert [m.to for m in mailoutbox] == [["victim@target.example.org"]] * 3


def test_an_unconfirmed_entry_whose_links_expired_is_taken_over_by_a_new_submission(
    letter, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(letter, name="Squatted Org", contact_email="squatter@gmail.com")
        settings.CONFIRMATION_LINK_MAX_AGE = 0  # every link sent so far has expired
        result = submit(letter, name="Squatted Org", contact_email="real@squatted.example.org")
    assert result.outcome is SubmitOutcome.CREATED
    new = Signature.objects.get(letter=letter, status=Signature.Status.UNCONFIRMED)
    old = Signature.objects.get(letter=letter, status=Signature.Status.REJECTED)
    assert new.contact_email == "real@squatted.example.org"
    assert mailoutbox[-1].to == ["real@squatted.example.org"]
    # The squatter's own links name their own, retired row: they never reach the new one.
    assert old.contact_email == "squatter@gmail.com"
    assert old.pk != new.pk
