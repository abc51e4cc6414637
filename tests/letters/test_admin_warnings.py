"""Warnings before consequences: staff confirm opening a letter that has no deadline, give the
organizers' address before opening, and are told how many signers a material change will
email before anything is sent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from letters.models import Letter, LetterRevision
from signatures.models import Signature
from tests.factories import make_confirmed_signature, make_letter, make_signature
from tests.letters.admin_pages import change_form_data, change_url

pytestmark = pytest.mark.django_db

ADDRESS = "desk@example.org"


@pytest.fixture
def draft():
    return make_letter(status=Letter.Status.DRAFT, contact_email=ADDRESS)


def errors_of(response, field):
    return [str(error) for error in response.context["adminform"].form.errors.get(field, [])]


def test_opening_a_letter_without_a_deadline_asks_to_confirm(staff_client, draft):
    response = staff_client.post(
        change_url(draft), change_form_data(staff_client, draft, status="open")
    )

    assert response.status_code == 200
    assert errors_of(response, "open_without_deadline") == [
        "This letter has no signing deadline, so it will take signatures until you close it. "
        "Set a deadline, or tick the box to open it without one."
    ]
    assert Letter.objects.get(pk=draft.pk).status == Letter.Status.DRAFT

    confirmed = change_form_data(staff_client, draft, status="open", open_without_deadline="on")
    assert staff_client.post(change_url(draft), confirmed).status_code == 302
    assert Letter.objects.get(pk=draft.pk).status == Letter.Status.OPEN


def test_opening_with_a_deadline_asks_nothing(staff_client, draft):
    deadline = timezone.localtime() + timedelta(days=14)
    data = change_form_data(
        staff_client,
        draft,
        status="open",
        signing_deadline_0=deadline.date().isoformat(),
        signing_deadline_1="12:00:00",
    )

    assert staff_client.post(change_url(draft), data).status_code == 302
    assert Letter.objects.get(pk=draft.pk).status == Letter.Status.OPEN


def test_an_open_letter_is_not_asked_again_about_its_deadline(staff_client, draft):
    draft.status = Letter.Status.OPEN
    draft.save()
    page = staff_client.get(change_url(draft)).content.decode()
    assert "open_without_deadline" not in page

    data = change_form_data(staff_client, draft, title="A better title")
    assert staff_client.post(change_url(draft), data).status_code == 302


def test_a_letter_opens_only_with_the_organizers_address(staff_client, draft):
    data = change_form_data(
        staff_client, draft, status="open", open_without_deadline="on", contact_email=""
    )

    response = staff_client.post(change_url(draft), data)

    assert errors_of(response, "contact_email") == [
        "An open letter needs the organizers’ contact address: its pages and mail tell signers "
        "to write to it."
    ]
    assert Letter.objects.get(pk=draft.pk).status == Letter.Status.DRAFT


def test_material_change_says_how_many_it_will_email_and_sends_nothing_unconfirmed(
    staff_client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        make_confirmed_signature(letter)
    make_signature(letter, status=Signature.Status.WITHDRAWN)
    make_signature(letter, status=Signature.Status.UNCONFIRMED)
    page = staff_client.get(change_url(letter)).content.decode()
    assert "a material change: this will email 2 signers, asking them to re-confirm" in page

    data = change_form_data(staff_client, letter, body="New words.", revision_kind="material")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(letter), data)

    assert errors_of(response, "confirm_mailing") == [
        "Saving this material change will email 2 signers, asking them to re-confirm or "
        "withdraw. Tick the box to send it, or call the edit a typo fix."
    ]
    assert mailoutbox == []
    assert not LetterRevision.objects.filter(kind="material").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            change_url(letter), data | {"confirm_mailing": "on"}, follow=True
        )

    assert "2 signers were emailed to re-confirm or withdraw." in [
        str(message) for message in response.context["messages"]
    ]
    assert len(mailoutbox) == 2
