""" "Lost your link?": the manage link again, mailed to the signature's contact address for any
entry that stands on the letter; the same answer whether or not anything matched, within rate
limits like resend's."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from signatures.services import MANAGE_LINK_MAILS_PER_HOUR
from tests.conftest import links_in
from tests.factories import make_letter, make_signature
from tests.form_data import as_person

pytestmark = pytest.mark.django_db


def recover_url(letter):
    return reverse("signatures:recover", args=[letter.slug])


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def post(letter, name, email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                recover_url(letter), as_person({"name": name, "contact_email": email}), **extra
            )

    return post


@pytest.mark.parametrize("status", ["unconfirmed", "pending", "approved"])
def test_a_standing_entry_gets_its_manage_link_at_its_contact_address(
    client, letter, ask, mailoutbox, status
):
    make_signature(
        letter, status=status, name="Riders for Privacy", contact_email="ana@riders.example.org"
    )

    response = ask(letter, "the riders for privacy", "ANA@riders.example.org")

    assert response.status_code == 302
    assert response.url == reverse("signatures:recover_done", args=[letter.slug])
    [message] = mailoutbox
    assert message.to == ["ana@riders.example.org"]
    assert message.subject.startswith("Your link to manage the signature of Riders for Privacy")
    [link] = [link for link in links_in(message) if "/manage/" in link]
    page = client.get(urlsplit(link).path).content.decode()
    assert "Your signature: Riders for Privacy" in page


@pytest.mark.parametrize(
    ("name", "email", "status"),
    [
        ("Riders for Privacy", "someone.else@example.org", "approved"),
        ("Another Organization", "ana@riders.example.org", "approved"),
        ("Riders for Privacy", "ana@riders.example.org", "withdrawn"),
        ("Riders for Privacy", "ana@riders.example.org", "rejected"),
    ],
    ids=["other-email", "other-name", "withdrawn", "rejected"],
)
def test_no_match_gets_the_same_answer_and_no_mail(letter, ask, mailoutbox, name, email, status):
    make_signature(
        letter, status=status, name="Riders for Privacy", contact_email="ana@riders.example.org"
    )

    response = ask(letter, name, email)

    assert response.status_code == 302
    assert response.url == reverse("signatures:recover_done", args=[letter.slug])
    assert mailoutbox == []


def test_the_link_can_be_asked_for_after_the_letter_closed(letter, ask, mailoutbox):
    closed = make_letter(status="closed")
    make_signature(closed, name="Riders for Privacy", contact_email="ana@riders.example.org")

    ask(closed, "Riders for Privacy", "ana@riders.example.org")

    assert len(mailoutbox) == 1


def test_one_contact_gets_at_most_a_few_links_an_hour(letter, ask, mailoutbox, settings):
    settings.RATELIMITS = settings.RATELIMITS | {"recover": {"ip": "", "email": ""}}
    make_signature(letter, name="Riders for Privacy", contact_email="ana@riders.example.org")

    for _ in range(MANAGE_LINK_MAILS_PER_HOUR + 2):
        ask(letter, "Riders for Privacy", "ana@riders.example.org")

    assert len(mailoutbox) == MANAGE_LINK_MAILS_PER_HOUR


def test_asking_is_limited_per_email_across_addresses(letter, ask, settings):
    settings.RATELIMITS = settings.RATELIMITS | {"recover": {"ip": "100/h", "email": "2/h"}}
    statuses = [
        ask(letter, "Any name", "ana@riders.example.org", REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(1, 4)
    ]

    assert statuses == [302, 302, 429]


def test_asking_is_limited_per_address(letter, ask, settings):
    settings.RATELIMITS = settings.RATELIMITS | {"recover": {"ip": "2/h", "email": "100/h"}}
    statuses = [ask(letter, "Any name", f"person{n}@example.org").status_code for n in range(3)]

    assert statuses == [302, 302, 429]


def test_a_robot_is_answered_like_a_person_and_nothing_is_sent(client, letter, mailoutbox):
    make_signature(letter, name="Riders for Privacy", contact_email="ana@riders.example.org")
    data = as_person({"name": "Riders for Privacy", "contact_email": "ana@riders.example.org"})
    data["referral_code"] = "http://spam.example"

    response = client.post(recover_url(letter), data)

    assert response.url == reverse("signatures:recover_done", args=[letter.slug])
    assert mailoutbox == []
    assert Signature.objects.get().status == Signature.Status.APPROVED


def test_the_signing_form_and_an_expired_manage_link_lead_to_lost_your_link(
    client, letter, settings
):
    signature = make_signature(letter)
    token = tokens.make_token(signature, tokens.MANAGE)
    settings.MANAGE_LINK_MAX_AGE = -1

    form = client.get(reverse("signatures:sign", args=[letter.slug])).content.decode()
    expired = client.get(reverse("signatures:manage", args=[token])).content.decode()

    assert f'<a href="{recover_url(letter)}">Lost your link?</a>' in form
    assert f'<a href="{recover_url(letter)}">get a fresh link by email</a>' in expired
