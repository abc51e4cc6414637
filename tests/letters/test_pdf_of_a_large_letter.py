"""A large letter's PDF is made by the worker, never in a request, and readers get the newest
one made meanwhile (letters/pdf.py). LETTER_PDF_INLINE_MAX is lowered so that a few
signatories make a "large" letter."""

import pytest
from django.tasks import default_task_backend
from django.urls import reverse

from letters.models import LetterPdf
from letters.pdf import make_letter_pdf
from signatures.models import Signature
from signatures.services import signature_approve
from tests.factories import make_letter, make_signature
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    settings.LETTER_PDF_INLINE_MAX = 2
    # Tasks wait to be run, as in production, instead of running in the request.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    letter = make_letter(title="Fare data privacy")
    for name in ("Riders for Privacy", "Transit Justice Alliance", "Bay Area Tenants"):
        make_signature(letter, name=name)
    return letter


def pdf_url(letter):
    return reverse("letters:pdf", args=[letter.slug])


def asked(letter):
    return [r for r in default_task_backend.results if r.task.name == "make_letter_pdf"]


def test_the_first_readers_of_a_large_letter_are_asked_to_come_back_and_the_worker_is_asked_once(
    client, large
):
    answers = [client.get(pdf_url(large)) for _ in range(5)]

    assert {answer.status_code for answer in answers} == {503}
    assert answers[0]["Retry-After"] == "30"
    assert "being prepared" in answers[0].content.decode()
    assert len(asked(large)) == 1
    assert not LetterPdf.objects.exists()


def test_once_the_worker_made_it_readers_get_it_and_revalidate_it(client, large):
    client.get(pdf_url(large))

    assert make_letter_pdf.call(large.pk) == "made"
    response = client.get(pdf_url(large))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Transit Justice Alliance" in pdf_text(response.content)
    again = client.get(pdf_url(large), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert make_letter_pdf.call(large.pk) == "up to date"


def test_after_an_approval_readers_get_the_last_pdf_made_until_the_worker_makes_the_next(
    client, large, staff
):
    make_letter_pdf.call(large.pk)
    before = client.get(pdf_url(large))
    newcomer = make_signature(large, status=Signature.Status.PENDING, name="Library Freedom Net")
    signature_approve(signatures=[newcomer], reviewer=staff)
    default_task_backend.clear()

    meanwhile = [client.get(pdf_url(large)) for _ in range(3)]

    assert {answer.status_code for answer in meanwhile} == {200}
    assert {answer["ETag"] for answer in meanwhile} == {before["ETag"]}
    assert "Library Freedom Net" not in pdf_text(meanwhile[0].content)
    assert len(asked(large)) == 1
    make_letter_pdf.call(large.pk)
    after = client.get(pdf_url(large))
    assert after["ETag"] != before["ETag"]
    assert "Library Freedom Net" in pdf_text(after.content)


def test_a_slower_rendering_of_an_older_state_never_replaces_a_newer_pdf(client, large, staff):
    from letters.models import Letter

    older = Letter.objects.get(pk=large.pk)  # as a first worker read it
    newcomer = make_signature(large, status=Signature.Status.PENDING, name="Library Freedom Net")
    signature_approve(signatures=[newcomer], reviewer=staff)
    make_letter_pdf.call(large.pk)  # a second worker, faster, made the newer one

    from letters.pdf import _make

    _make(older, "an-older-version")

    kept = LetterPdf.objects.get(letter=large)
    assert kept.version != "an-older-version"
    assert "Library Freedom Net" in pdf_text(bytes(kept.content))


def test_a_small_letters_pdf_is_made_in_the_request(client, letter):
    make_signature(letter, name="Riders for Privacy")

    response = client.get(pdf_url(letter))

    assert response.status_code == 200
    assert "Riders for Privacy" in pdf_text(response.content)
    assert LetterPdf.objects.filter(letter=letter).exists()
