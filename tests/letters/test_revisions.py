import threading
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter, LetterRevision
from letters.revision_changes import text_changes
from letters.services import letter_current_revision
from signatures.models import OutgoingMail, Signature
from signatures.services import letter_revise, signature_confirm, signature_reconfirm
from tests.conftest import links_in
from tests.factories import make_confirmed_signature, make_letter, make_signature, make_staff

pytestmark = pytest.mark.django_db

Status = Signature.Status
Kind = LetterRevision.Kind


def confirm_path(message) -> str:
    return next(urlsplit(url).path for url in links_in(message) if "/confirm/" in url)


def revise(letter, kind, capture, note="", **text):
    """Staff's edit as the admin makes it: new text on the instance, then the service."""
    for field, value in text.items():
        setattr(letter, field, value)
    with capture(execute=True):
        return letter_revise(letter=letter, changed_by=None, kind=kind, note=note).revision


def test_first_confirmation_records_the_text_as_revision_one(letter):
    signature = make_signature(letter, status=Status.UNCONFIRMED)

    signature_confirm(signature=signature)

    revision = letter.revisions.get()
    assert (revision.number, revision.kind) == (1, Kind.INITIAL)
    assert (revision.title, revision.body) == (letter.title, letter.body)
    assert signature.confirmed_revision == revision


def test_later_confirmations_record_the_same_revision_while_the_text_stands(letter):
    first = make_confirmed_signature(letter)
    second = make_confirmed_signature(letter)

    assert letter.revisions.count() == 1
    assert first.confirmed_revision == second.confirmed_revision


def test_a_letter_nobody_has_confirmed_has_no_revisions(letter):
    make_signature(letter, status=Status.UNCONFIRMED)

    assert not letter.text_is_agreed
    assert not letter.revisions.exists()


def test_typo_fix_records_a_revision_and_sends_no_mail(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    signer = make_confirmed_signature(letter)

    revision = revise(
        letter, Kind.TYPO, django_capture_on_commit_callbacks, body="We write to ask you to stop!"
    )

    assert (revision.number, revision.kind) == (2, Kind.TYPO)
    assert revision.body == "We write to ask you to stop!"
    assert Letter.objects.get(pk=letter.pk).body == "We write to ask you to stop!"
    assert mailoutbox == []
    signer.refresh_from_db()
    assert signer.confirmed_revision.number == 1


def test_material_change_mails_every_standing_signer_and_nobody_else(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    approved = make_confirmed_signature(letter, status=Status.APPROVED)
    pending = make_confirmed_signature(letter, status=Status.PENDING)
    make_confirmed_signature(letter, status=Status.REJECTED)
    make_confirmed_signature(letter, status=Status.WITHDRAWN, withdrawn_at=timezone.now())
    make_signature(letter, status=Status.UNCONFIRMED)

    revise(
        letter,
        Kind.MATERIAL,
        django_capture_on_commit_callbacks,
        note="We now also ask for a public hearing.",
        body="We ask you to stop and to hold a public hearing.",
    )

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [approved.contact_email, pending.contact_email]
    )
    message = mailoutbox[0]
    assert "has changed" in message.subject
    assert letter.title in message.subject
    assert "We now also ask for a public hearing." in message.body
    assert OutgoingMail.objects.filter(kind="reconfirm").count() == 2


def test_reconfirmation_link_shows_the_changes_and_records_the_new_revision(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signer = make_confirmed_signature(letter, status=Status.APPROVED)
    revise(
        letter,
        Kind.MATERIAL,
        django_capture_on_commit_callbacks,
        body="We write to ask you to stop.\n\nWe also ask for a public hearing.\n\nThank you.",
    )
    path = confirm_path(mailoutbox[0])

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The letter has changed" in html
    assert "<ins>" in html and "We also ask for a public hearing." in html
    assert 'name="revision" value="2"' in html

    done = client.post(path, {"revision": "2"})

    assert done.status_code == 200
    assert "as it now reads" in done.content.decode()
    signer.refresh_from_db()
    assert signer.confirmed_revision.number == 2
    assert signer.status == Status.APPROVED
    # Once re-confirmed the link has nothing more to ask.
    assert "already confirmed" in client.get(path).content.decode()


def test_reconfirming_a_pending_signature_leaves_it_to_the_moderators(
    letter, django_capture_on_commit_callbacks
):
    signer = make_confirmed_signature(letter, status=Status.PENDING)
    revision = revise(letter, Kind.MATERIAL, django_capture_on_commit_callbacks, title="New")

    assert signature_reconfirm(signature=signer, revision=revision)

    assert (signer.status, signer.confirmed_revision) == (Status.PENDING, revision)


def test_a_revision_made_while_the_page_was_open_must_be_read_first(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signer = make_confirmed_signature(letter)
    revise(letter, Kind.MATERIAL, django_capture_on_commit_callbacks, title="Second wording")
    path = confirm_path(mailoutbox[0])
    revise(letter, Kind.MATERIAL, django_capture_on_commit_callbacks, title="Third wording")

    response = client.post(path, {"revision": "2"})

    assert "revised again" in response.content.decode()
    assert 'name="revision" value="3"' in response.content.decode()
    signer.refresh_from_db()
    assert signer.confirmed_revision.number == 1


def test_typo_fixes_alone_ask_nobody_to_reconfirm(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signer = make_confirmed_signature(letter)
    revise(letter, Kind.TYPO, django_capture_on_commit_callbacks, salutation="Dear Ms Doe:")

    from signatures import tokens

    path = reverse("signatures:confirm", args=[tokens.make_token(signer, tokens.CONFIRM)])
    assert "already confirmed" in client.get(path).content.decode()


def test_first_revision_keeps_the_text_signers_saw_when_it_predates_revisions(
    letter, django_capture_on_commit_callbacks
):
    # Confirmed before revisions were recorded: no revision yet, no confirmed_revision.
    make_signature(letter, status=Status.APPROVED)
    old_body = letter.body

    revise(letter, Kind.MATERIAL, django_capture_on_commit_callbacks, body="Entirely new.")

    first, second = letter.revisions.all()
    assert (first.number, first.kind, first.body) == (1, Kind.INITIAL, old_body)
    assert (second.number, second.body) == (2, "Entirely new.")


def test_revise_refuses_to_record_a_second_initial_text(letter):
    make_confirmed_signature(letter)

    with pytest.raises(ValueError):
        letter_revise(letter=letter, changed_by=None, kind=Kind.INITIAL, note="")


def test_revision_numbers_are_unique_per_letter(letter):
    make_confirmed_signature(letter)

    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRevision.objects.create(
            letter=letter, number=1, kind=Kind.INITIAL, title="t", addressees="a", body="b"
        )
    other = make_letter()
    make_confirmed_signature(other)
    assert other.revisions.get().number == 1


def test_only_revision_one_is_the_initial_text(letter):
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRevision.objects.create(
            letter=letter, number=2, kind=Kind.INITIAL, title="t", addressees="a", body="b"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterRevision.objects.create(
            letter=letter, number=1, kind=Kind.MATERIAL, title="t", addressees="a", body="b"
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_revisions_get_consecutive_numbers():
    letter = make_letter()
    make_confirmed_signature(letter)
    staff = make_staff()
    errors = []

    def edit(n):
        try:
            mine = Letter.objects.get(pk=letter.pk)
            mine.body = f"Wording {n}"
            letter_revise(letter=mine, changed_by=staff, kind=Kind.TYPO, note="")
        except Exception as error:  # noqa: BLE001 — reported by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(letter.revisions.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


def test_deleting_a_letter_removes_its_revisions_and_signatures(letter):
    make_confirmed_signature(letter)

    letter.delete()

    assert not LetterRevision.objects.exists()
    assert not Signature.objects.exists()


def test_a_revision_in_use_cannot_be_deleted_alone(letter):
    make_confirmed_signature(letter)

    with pytest.raises(IntegrityError), transaction.atomic():
        letter.revisions.get().delete()


def test_public_page_shows_last_revised_and_the_history(
    client, letter, django_capture_on_commit_callbacks
):
    make_confirmed_signature(letter)
    before = client.get(letter.get_absolute_url()).content.decode()  # now in the cache
    assert "Last revised" not in before

    revise(letter, Kind.TYPO, django_capture_on_commit_callbacks, salutation="Dear Ms Doe:")
    revise(
        letter,
        Kind.MATERIAL,
        django_capture_on_commit_callbacks,
        note="Adds a request for a hearing.",
        body="We ask for a hearing.",
    )

    html = client.get(letter.get_absolute_url()).content.decode()
    assert "Last revised" in html
    assert "Revision history" in html
    for number in (1, 2, 3):
        assert f'href="/letters/{letter.slug}/revisions/{number}/"' in html
    assert "<strong>Material change</strong>" in html
    assert "Typo fix" in html
    assert "Adds a request for a hearing." in html
    assert "We ask for a hearing." in html


def test_old_revision_text_is_readable_with_its_changes(
    client, letter, django_capture_on_commit_callbacks
):
    make_confirmed_signature(letter)
    original_body = letter.body
    revise(letter, Kind.MATERIAL, django_capture_on_commit_callbacks, body="Changed wording.")

    first = client.get(f"/letters/{letter.slug}/revisions/1/")
    second = client.get(f"/letters/{letter.slug}/revisions/2/")

    assert first.status_code == second.status_code == 200
    assert "We write to ask you to stop." in first.content.decode()
    assert "Changed wording." not in first.content.decode()
    assert "Changes from revision 1" in second.content.decode()
    assert "<del>" in second.content.decode() and "Changed wording." in second.content.decode()
    assert original_body.split("\n")[0] in second.content.decode()
    assert first.cookies == {}


def test_revisions_of_a_draft_are_not_public(client):
    draft = make_letter(status=Letter.Status.DRAFT)
    letter_current_revision(letter=draft)

    assert client.get(f"/letters/{draft.slug}/revisions/1/").status_code == 404
    assert client.get(f"/letters/{draft.slug}/revisions/9/").status_code == 404


def test_text_changes_compare_paragraphs_and_lines(letter):
    make_confirmed_signature(letter)
    old = letter.revisions.get()
    new = LetterRevision(
        letter=letter,
        number=2,
        kind=Kind.MATERIAL,
        title=old.title,
        addressees=old.addressees + "\nSecond Addressee",
        salutation=old.salutation,
        body="We write to ask you to stop.\n\nA new paragraph.\n\nThank you.",
        closing=old.closing + "  ",
    )

    changes = {change.label: change.hunks for change in text_changes(old, new)}

    # The closing gained only trailing spaces, which no reader could see.
    assert set(changes) == {"Addressees", "Body"}
    assert [(h.removed, h.added) for h in changes["Body"]] == [([], ["A new paragraph."])]
    assert [(h.removed, h.added) for h in changes["Addressees"]] == [([], ["Second Addressee"])]


def test_a_reconfirmation_without_a_valid_revision_records_nothing(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signer = make_confirmed_signature(letter)
    revise(letter, Kind.MATERIAL, django_capture_on_commit_callbacks, title="Second wording")
    path = confirm_path(mailoutbox[0])

    for bogus in ({}, {"revision": "two"}, {"revision": "²"}, {"revision": "99"}):
        response = client.post(path, bogus)
        assert response.status_code == 200
        assert "The letter has changed" in response.content.decode()

    signer.refresh_from_db()
    assert signer.confirmed_revision.number == 1
