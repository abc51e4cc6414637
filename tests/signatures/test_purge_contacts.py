from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from letters.models import Letter
from signatures import services
from signatures.mail import queue_mail
from signatures.models import OutgoingMail, Signature
from tests.factories import make_letter, make_signature


def closed_letter(days_ago):
    letter = make_letter(status=Letter.Status.CLOSED)
    Letter.objects.filter(pk=letter.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return letter


def signature_with_contact(letter, **fields):
    signature = make_signature(
        letter,
        contact_name="Pat Private",
        contact_title="Director",
        contact_email="pat@riders.example.org",
        note="Call me first",
        submitted_ip="192.0.2.44",
        **fields,
    )
    queue_mail(signature=signature, kind="confirm")
    return signature


def purge(*args):
    out = StringIO()
    call_command("purge_contacts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def retention(settings):
    settings.CONTACT_RETENTION_DAYS = 180
    return 180


@pytest.mark.django_db
def test_purge_blanks_contacts_of_long_closed_letters_and_keeps_names(retention):
    old = closed_letter(days_ago=200)
    signature = signature_with_contact(old, name="Riders Union", city="Oakland")

    output = purge()

    signature.refresh_from_db()
    assert signature.name == "Riders Union"
    assert signature.city == "Oakland"
    assert signature.status == Signature.Status.APPROVED
    assert (signature.contact_name, signature.contact_title, signature.contact_email) == (
        "",
        "",
        "",
    )
    assert signature.note == ""
    assert signature.submitted_ip is None
    assert signature.contacts_purged_at is not None
    assert not OutgoingMail.objects.filter(signature=signature).exists()
    assert "Purged contact details of 1 signature(s) on 1 letter(s)" in output
    assert "deleted 1 stored mail(s)" in output


@pytest.mark.django_db
def test_purge_leaves_open_and_recently_closed_letters_alone(retention):
    recent = signature_with_contact(closed_letter(days_ago=10))
    still_open = signature_with_contact(make_letter())

    purge()

    for signature in (recent, still_open):
        signature.refresh_from_db()
        assert signature.contact_email == "pat@riders.example.org"
        assert signature.contacts_purged_at is None
    assert OutgoingMail.objects.count() == 2


@pytest.mark.django_db
def test_purge_counts_a_letter_whose_signing_deadline_passed_long_ago(retention):
    letter = make_letter(signing_deadline=timezone.now() - timedelta(days=365))
    signature = signature_with_contact(letter)

    purge()

    signature.refresh_from_db()
    assert signature.contact_email == ""


@pytest.mark.django_db
def test_purge_is_idempotent(retention):
    signature_with_contact(closed_letter(days_ago=200))
    purge()

    output = purge()

    assert "Purged contact details of 0 signature(s) on 0 letter(s)" in output


@pytest.mark.django_db
def test_dry_run_only_counts(retention):
    signature = signature_with_contact(closed_letter(days_ago=200))

    output = purge("--dry-run")

    signature.refresh_from_db()
    assert signature.contact_email == "pat@riders.example.org"
    assert OutgoingMail.objects.count() == 1
    assert "Would purge contact details of 1 signature(s)" in output


@pytest.mark.django_db
def test_retention_comes_from_the_setting(settings):
    settings.CONTACT_RETENTION_DAYS = 5
    signature = signature_with_contact(closed_letter(days_ago=10))

    purge()

    signature.refresh_from_db()
    assert signature.contact_email == ""


@pytest.mark.django_db
def test_public_page_still_lists_purged_organizations(client, retention):
    letter = closed_letter(days_ago=200)
    signature_with_contact(letter, name="Riders Union")

    purge()

    assert "Riders Union" in client.get(letter.get_absolute_url()).text


@pytest.mark.django_db
def test_no_mail_is_written_to_a_purged_contact(retention, mailoutbox):
    signature = signature_with_contact(closed_letter(days_ago=200))
    purge()
    signature.refresh_from_db()

    assert services.signature_withdraw(signature=signature, reason="")
    assert not OutgoingMail.objects.filter(signature=signature).exists()
