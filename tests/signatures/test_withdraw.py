"""Withdrawing asks "Are you sure?" on a page of its own, and can take a reason."""

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from tests.factories import make_signature

pytestmark = pytest.mark.django_db


def urls(signature):
    """The manage page and its withdrawal page, by one private link."""
    token = tokens.make_token(signature, tokens.MANAGE)
    return (
        reverse("signatures:manage", args=[token]),
        reverse("signatures:manage_withdraw", args=[token]),
    )


def test_the_manage_page_links_to_a_page_that_asks_are_you_sure(client, letter):
    signature = make_signature(letter, name="River Keepers")
    manage, withdraw = urls(signature)

    page = client.get(manage).content.decode()
    asked = client.get(withdraw)

    assert f'href="{withdraw}">Withdraw our signature…</a>' in page
    html = asked.content.decode()
    assert "Are you sure you want to withdraw River Keepers?" in html
    assert "Why are you withdrawing? (optional)" in html
    assert f'href="{manage}">No, keep it on the letter</a>' in html
    assert asked["Cache-Control"].startswith("max-age=0")
    assert Signature.objects.get().status == Signature.Status.APPROVED


def test_saying_yes_withdraws_with_the_reason(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(letter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(signature)[1], {"withdrawal_reason": " Merged. "})

    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert signature.withdrawal_reason == "Merged."
    assert [m.to for m in mailoutbox] == [[signature.contact_email]]


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_an_entry_off_the_letter_has_nothing_to_withdraw(client, letter, status):
    manage, withdraw = urls(make_signature(letter, status=status))

    response = client.get(withdraw)

    assert response.status_code == 302
    assert response.url == manage
