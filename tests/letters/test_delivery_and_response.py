"""Staff record the delivery and publish the addressees' response on the letter's admin page;
the lifecycle reads draft → open → closed → delivered → answered, the public page, the .txt and
the JSON say what happened, and signers who asked when signing are mailed."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from letters.models import Letter
from signatures.models import Signature
from tests.factories import make_letter, make_signature
from tests.letters.admin_pages import change_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def a_pdf(pages=1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes, name="reply.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


DELIVERY = {
    "delivered_on": "2026-03-03",
    "delivered_to": "Jane Doe, CEO of Example Corp",
    "delivered_how": "by email and by hand",
}


def deliver(staff_client, letter, **changes):
    data = change_form_data(staff_client, letter, **(DELIVERY | changes))
    return staff_client.post(change_url(letter), data)


def test_recording_the_delivery_marks_the_letter_delivered_and_closes_signing(staff_client, letter):
    response = deliver(staff_client, letter)

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DELIVERED
    assert letter.delivered_on == date(2026, 3, 3)
    assert not letter.accepts_signatures
    # Contact details are purged counting from the end of signing, delivered or not.
    assert letter.closed_at is not None
    assert Letter.objects.public().filter(pk=letter.pk).exists()


def test_delivery_needs_a_date_and_whom_it_was_delivered_to(staff_client, letter):
    response = deliver(staff_client, letter, delivered_on="", delivered_to="")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["delivered_on"] == ["Enter the date the letter was delivered."]
    assert errors["delivered_to"] == ["Enter who the letter was delivered to."]


def test_the_status_delivered_cannot_be_chosen_without_a_delivery(staff_client, letter):
    data = change_form_data(staff_client, letter, status=Letter.Status.DELIVERED)

    response = staff_client.post(change_url(letter), data)

    assert response.context["adminform"].form.errors["status"] == [
        "Record the delivery below to mark the letter delivered."
    ]


def test_a_delivered_letter_is_not_reopened_by_choosing_open(staff_client, letter):
    deliver(staff_client, letter)
    letter.refresh_from_db()

    response = staff_client.post(
        change_url(letter), change_form_data(staff_client, letter, status=Letter.Status.OPEN)
    )

    assert "status" in response.context["adminform"].form.errors
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.DELIVERED


def test_the_database_refuses_a_delivered_letter_without_its_delivery(letter):
    with pytest.raises(IntegrityError):
        Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.DELIVERED)


def test_signers_who_asked_are_mailed_once_when_the_delivery_is_recorded(
    staff_client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    asked = make_signature(letter, notify_outcome=True, contact_email="asked@example.org")
    make_signature(letter, contact_email="quiet@example.org")
    make_signature(
        letter, status=Signature.Status.PENDING, notify_outcome=True, contact_email="p@x.org"
    )
    Signature.objects.filter(pk=asked.pk).update(language="es")

    with django_capture_on_commit_callbacks(execute=True):
        deliver(staff_client, letter)
    letter.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(change_url(letter), change_form_data(staff_client, letter, title="New"))

    assert [m.to for m in mailoutbox] == [["asked@example.org"]]
    assert mailoutbox[0].subject == f"Entregada: «{letter.title}»"
    assert "Jane Doe, CEO of Example Corp" in mailoutbox[0].body
    assert "/manage/" in mailoutbox[0].body


def test_the_page_txt_and_json_say_to_whom_and_when_it_was_delivered(client, staff_client, letter):
    make_signature(letter, name="Alpha Network")
    deliver(staff_client, letter)

    page = client.get(letter.get_absolute_url()).content.decode()
    text = client.get(reverse("letters:text", args=[letter.slug])).content.decode()
    data = client.get(reverse("letters:signatories_json", args=[letter.slug])).json()

    assert (
        'Delivered to Jane Doe, CEO of Example Corp on <time datetime="2026-03-03">'
        "March 3, 2026</time> (by email and by hand)." in page
    )
    assert "Add your organization" not in page
    assert text.endswith(
        "* * *\n\nDelivered to Jane Doe, CEO of Example Corp on March 3, 2026 "
        "(by email and by hand).\n"
    )
    assert data["status"] == "delivered"
    assert data["delivery"] == {
        "date": "2026-03-03",
        "to": "Jane Doe, CEO of Example Corp",
        "how": "by email and by hand",
    }
    assert data["response"] is None


def test_publishing_the_response_marks_the_letter_answered_and_shows_it_everywhere(
    client, staff_client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    make_signature(letter, notify_outcome=True, contact_email="asked@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(staff_client, letter)
    letter.refresh_from_db()

    data = change_form_data(
        staff_client,
        letter,
        response_on="2026-03-20",
        response_text="We will **stop** tracking riders.",
        response_pdf=upload(a_pdf()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(letter), data)

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ANSWERED
    page = client.get(letter.get_absolute_url()).content.decode()
    text = client.get(reverse("letters:text", args=[letter.slug])).content.decode()
    data = client.get(reverse("letters:signatories_json", args=[letter.slug])).json()
    pdf_url = reverse("letters:response_pdf", args=[letter.slug])

    assert '<h2 id="response-heading">The response</h2>' in page
    assert 'Received <time datetime="2026-03-20">March 20, 2026</time>' in page
    assert "We will <strong>stop</strong> tracking riders." in page
    assert f'href="{pdf_url}"' in page
    assert "Response of March 20, 2026:\n\nWe will stop tracking riders.\n\n" in text
    assert f"The response as PDF: http://127.0.0.1:8000{pdf_url}\n" in text
    assert data["status"] == "answered"
    assert data["response"] == {
        "date": "2026-03-20",
        "text": "We will **stop** tracking riders.",
        "pdf": f"http://127.0.0.1:8000{pdf_url}",
    }
    assert [m.subject for m in mailoutbox] == [
        f"Delivered: “{letter.title}”",
        f"Answered: “{letter.title}”",
    ]
    assert f"{letter.get_absolute_url()}#response" in mailoutbox[1].body


def test_the_response_pdf_is_served_as_a_pdf_and_nothing_else(client, staff_client, letter):
    deliver(staff_client, letter)
    letter.refresh_from_db()
    content = a_pdf(pages=2)
    data = change_form_data(
        staff_client, letter, response_on="2026-03-20", response_pdf=upload(content, "x.html")
    )
    staff_client.post(change_url(letter), data)

    response = client.get(reverse("letters:response_pdf", args=[letter.slug]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{letter.slug}-response.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Letter.objects.get(pk=letter.pk).response_pdf.name.startswith(
        f"responses/{letter.slug}-"
    )


def test_a_letter_without_a_response_pdf_has_none_to_serve(client, letter):
    assert client.get(reverse("letters:response_pdf", args=[letter.slug])).status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "Upload the response as a PDF file."),
        (b"%PDF-1.7\nnot really a pdf", "This PDF could not be read."),
        (
            a_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction 3 0 R", 1),
            "This PDF contains scripts or actions.",
        ),
    ],
    ids=["not-a-pdf", "broken", "opens-with-an-action"],
)
def test_an_upload_that_is_not_a_plain_pdf_is_refused(staff_client, letter, content, message):
    deliver(staff_client, letter)
    letter.refresh_from_db()
    data = change_form_data(
        staff_client, letter, response_on="2026-03-20", response_pdf=upload(content)
    )

    response = staff_client.post(change_url(letter), data)

    [error] = response.context["adminform"].form.errors["response_pdf"]
    assert error.startswith(message)
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.DELIVERED


def test_an_upload_over_the_size_limit_is_refused(staff_client, letter, settings):
    settings.RESPONSE_PDF_MAX_BYTES = 2**20
    deliver(staff_client, letter)
    letter.refresh_from_db()
    big = a_pdf() + b"%" * 2**20
    data = change_form_data(
        staff_client, letter, response_on="2026-03-20", response_pdf=upload(big)
    )

    response = staff_client.post(change_url(letter), data)

    assert response.context["adminform"].form.errors["response_pdf"] == [
        "Upload a PDF of at most 1 MB."
    ]


def test_a_response_needs_the_delivery_first(staff_client, letter):
    data = change_form_data(staff_client, letter, response_on="2026-03-20", response_text="Yes.")

    response = staff_client.post(change_url(letter), data)

    assert response.context["adminform"].form.errors["response_on"] == [
        "Record the delivery before the response."
    ]


def test_contacts_of_a_delivered_letter_are_purged_counting_from_the_end_of_signing(letter):
    make_signature(letter)
    letter.delivered_on, letter.delivered_to = date(2026, 3, 3), "Jane Doe"
    letter.full_clean()
    letter.save()

    due = Signature.objects.contacts_due_for_purge
    assert not due(cutoff=letter.closed_at - timedelta(seconds=1)).exists()
    assert due(cutoff=timezone.now()).count() == 1


def test_the_signing_page_of_a_delivered_letter_says_it_is_closed(client, staff_client):
    letter = make_letter()
    deliver(staff_client, letter)

    response = client.get(reverse("signatures:sign", args=[letter.slug]))

    assert response.status_code == 410


def test_editing_an_answered_letter_does_not_read_its_stored_pdf_again(staff_client, letter):
    deliver(staff_client, letter)
    letter.refresh_from_db()
    data = change_form_data(
        staff_client, letter, response_on="2026-03-20", response_pdf=upload(a_pdf())
    )
    staff_client.post(change_url(letter), data)
    letter.refresh_from_db()
    letter.response_pdf.storage.delete(letter.response_pdf.name)  # lost from the disk

    response = staff_client.post(
        change_url(letter), change_form_data(staff_client, letter, title="Corrected")
    )

    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).title == "Corrected"
