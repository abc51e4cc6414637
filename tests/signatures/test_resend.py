"""The "didn't get the email?" page: the link again for a matching unconfirmed signature, the
same answer whether or not anything matched, within its rate limits."""

import pytest
from django.urls import reverse

from signatures.forms import TRAP_FIELD
from signatures.models import OutgoingMail, Signature
from tests.conftest import links_in
from tests.factories import make_letter, make_signature
from tests.form_data import as_person


def resend_url(letter):
    return reverse("signatures:resend", args=[letter.slug])


@pytest.fixture
def unconfirmed(letter):
    return make_signature(
        letter,
        status=Signature.Status.UNCONFIRMED,
        name="Riders for Privacy",
        contact_email="ana@riders.example.org",
    )


@pytest.fixture
def ask_again(client, django_capture_on_commit_callbacks):
    def post(letter, name, email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                resend_url(letter), as_person({"name": name, "contact_email": email}), **extra
            )

    return post


def test_matching_unconfirmed_signature_gets_its_link_again(
    client, letter, unconfirmed, ask_again, mailoutbox
):
    response = ask_again(letter, "the riders for privacy", "ANA@riders.example.org")

    assert response.status_code == 302
    assert response.url == reverse("signatures:resend_done", args=[letter.slug])
    [message] = mailoutbox
    assert message.to == ["ana@riders.example.org"]
    [link] = [link for link in links_in(message) if "/confirm/" in link]
    path = link.removeprefix("http://127.0.0.1:8000")
    client.post(path)
    assert Signature.objects.get().status == Signature.Status.PENDING


@pytest.mark.parametrize(
    ("name", "email", "status"),
    [
        ("Riders for Privacy", "someone.else@example.org", "unconfirmed"),
        ("Another Organization", "ana@riders.example.org", "unconfirmed"),
        ("Riders for Privacy", "ana@riders.example.org", "pending"),
        ("Riders for Privacy", "ana@riders.example.org", "approved"),
    ],
)
def test_no_match_looks_exactly_like_a_match_and_sends_nothing(
    client, letter, unconfirmed, ask_again, mailoutbox, name, email, status
):
    matched = ask_again(letter, "Riders for Privacy", "ana@riders.example.org")
    assert len(mailoutbox) == 1
    mailoutbox.clear()
    confirmed_at = None if status == "unconfirmed" else "2026-01-01T00:00Z"
    Signature.objects.update(status=status, confirmed_at=confirmed_at)

    response = ask_again(letter, name, email)

    assert response.status_code == matched.status_code
    assert response.url == matched.url
    assert client.get(response.url).text == client.get(matched.url).text
    assert mailoutbox == []


def test_signature_on_another_letter_does_not_match(letter, unconfirmed, ask_again, mailoutbox):
    other = make_letter()

    ask_again(other, "Riders for Privacy", "ana@riders.example.org")

    assert mailoutbox == []


def test_robot_gets_the_same_page_and_nothing_is_sent(client, letter, unconfirmed, mailoutbox):
    data = as_person({"name": "Riders for Privacy", "contact_email": "ana@riders.example.org"})

    response = client.post(resend_url(letter), data | {TRAP_FIELD: "x"})

    assert response.url == reverse("signatures:resend_done", args=[letter.slug])
    assert OutgoingMail.objects.count() == 0


def test_resending_is_limited_per_email(letter, unconfirmed, ask_again, mailoutbox, settings):
    settings.RATELIMITS = settings.RATELIMITS | {"resend": {"ip": "100/h", "email": "2/h"}}
    statuses = [
        ask_again(
            letter, "Riders for Privacy", "ana@riders.example.org", REMOTE_ADDR=f"192.0.2.{n}"
        ).status_code
        for n in range(1, 4)
    ]

    assert statuses == [302, 302, 429]
    assert len(mailoutbox) == 2


def test_resending_is_limited_per_address(letter, unconfirmed, ask_again, settings):
    settings.RATELIMITS = settings.RATELIMITS | {"resend": {"ip": "2/h", "email": "100/h"}}
    statuses = [
        ask_again(letter, "Riders for Privacy", f"person{n}@example.org").status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


def test_check_your_email_page_links_to_the_resend_page(client, letter):
    response = client.get(reverse("signatures:check_email", args=[letter.slug]))

    assert resend_url(letter) in response.text


def test_resend_form_is_labelled_and_carries_the_robot_checks(client, letter):
    html = client.get(resend_url(letter)).text

    assert ">Organization name" in html
    assert ">Your email" in html
    assert 'class="form-trap"' in html
    assert 'name="rendered_at"' in html


def test_resend_for_a_closed_letter_is_gone(client, db):
    letter = make_letter(status="closed")

    assert client.get(resend_url(letter)).status_code == 410
