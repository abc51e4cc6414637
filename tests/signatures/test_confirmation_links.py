from django.urls import reverse

from signatures import tokens
from signatures.models import OutgoingMail, Signature
from tests.factories import make_signature


def confirm_url(signature):
    return reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])


def test_link_works_within_its_lifetime_and_not_after(client, letter, settings):
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    url = confirm_url(signature)
    settings.CONFIRMATION_LINK_MAX_AGE = 3600
    assert client.get(url).status_code == 200

    settings.CONFIRMATION_LINK_MAX_AGE = -1  # the same link, an hour and more later
    response = client.post(url)

    assert response.status_code == 400
    assert "This link has expired" in response.text
    assert Signature.objects.get().status == Signature.Status.UNCONFIRMED


def test_expired_link_page_offers_a_new_link_for_the_right_letter(client, letter, settings):
    url = confirm_url(make_signature(letter, status=Signature.Status.UNCONFIRMED))
    settings.CONFIRMATION_LINK_MAX_AGE = -1

    response = client.get(url)

    assert reverse("signatures:resend", args=[letter.slug]) in response.text


def test_confirming_twice_is_harmless(client, letter):
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    url = confirm_url(signature)
    client.post(url)
    first = Signature.objects.get()

    response = client.post(url)

    assert response.status_code == 200
    assert "your signature is confirmed" in response.text
    again = Signature.objects.get()
    assert again.status == Signature.Status.PENDING
    assert again.confirmed_at == first.confirmed_at
    assert OutgoingMail.objects.count() == 0


def test_an_old_confirmation_link_does_not_undo_a_review(client, letter):
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    url = confirm_url(signature)
    client.post(url)
    Signature.objects.update(status=Signature.Status.REJECTED)

    response = client.post(url)

    assert response.status_code == 200
    assert Signature.objects.get().status == Signature.Status.REJECTED
