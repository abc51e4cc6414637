"""Organizers who can be reached: named on the letter's page, their address wherever a page or
mail tells a signer to contact them, and as the Reply-To of every mail about their letter."""

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.mail import queue_mail
from signatures.models import Signature
from tests.factories import make_letter, make_signature, sign_form_data

pytestmark = pytest.mark.django_db

ADDRESS = "desk@riders.example.org"
MAILTO = f'<a href="mailto:{ADDRESS}">{ADDRESS}</a>'


@pytest.fixture
def send(django_capture_on_commit_callbacks, mailoutbox):
    """Queue a mail and deliver it as the commit would; the message as sent."""

    def send(signature, kind="confirm"):
        with django_capture_on_commit_callbacks(execute=True):
            queue_mail(signature=signature, kind=kind)
        [message] = mailoutbox
        return message

    return send


@pytest.fixture
def letter():
    return make_letter(
        organizers="Riders for Privacy\n\n  Digital Rights Coalition  \n", contact_email=ADDRESS
    )


def test_letter_page_names_the_organizers_and_links_their_address(client, letter):
    html = client.get(letter.get_absolute_url()).content.decode()

    assert (
        'Organized by <span lang="en">Riders for Privacy, Digital Rights Coalition</span>.' in html
    )
    assert f"Contact the organizers at {MAILTO}." in html


def test_letter_without_organizers_shows_no_empty_line(client):
    html = client.get(make_letter().get_absolute_url()).content.decode()

    assert 'class="organizers"' not in html


def test_editing_the_organizers_changes_the_cached_page_at_once(client, letter):
    client.get(letter.get_absolute_url())
    letter.organizers = "Transit Justice Alliance"
    letter.save()

    assert "Transit Justice Alliance" in client.get(letter.get_absolute_url()).text


def test_duplicate_page_gives_the_organizers_address(client, letter):
    make_signature(letter, name="Riders Union")

    response = client.post(
        reverse("signatures:sign", args=[letter.slug]), sign_form_data(name="Riders Union")
    )

    assert "If you believe this is a mistake, write to the organizers at" in response.text
    assert MAILTO in response.text


def test_rejected_signer_pages_give_the_organizers_address(client, letter):
    signature = make_signature(letter, status=Signature.Status.REJECTED)
    manage = reverse("signatures:manage", args=[tokens.make_token(signature, tokens.MANAGE)])
    confirm = reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])

    for path in (manage, confirm):
        page = client.get(path).content.decode()
        assert f"please write to the organizers of the letter at {MAILTO}." in page


def test_expired_manage_link_tells_whom_to_write_to(client, letter, settings):
    signature = make_signature(letter)
    settings.MANAGE_LINK_MAX_AGE = -1

    page = client.get(
        reverse("signatures:manage", args=[tokens.make_token(signature, tokens.MANAGE)])
    )

    assert page.status_code == 400
    assert f"write to the organizers of the letter at {MAILTO}." in page.text


@pytest.mark.parametrize("kind", ["confirm", "approved", "rejected", "withdrawn"])
def test_mail_about_a_letter_answers_to_its_organizers(letter, send, kind):
    message = send(make_signature(letter), kind)

    assert message.message()["Reply-To"] == ADDRESS


@pytest.mark.parametrize("kind", ["rejected", "withdrawn"])
def test_mail_telling_signers_to_contact_the_organizers_gives_the_address(letter, kind):
    mail = queue_mail(signature=make_signature(letter), kind=kind)

    assert f"reply to this message or write to the organizers of the letter at {ADDRESS}." in (
        " ".join(mail.body.split())
    )


def test_mail_of_a_letter_without_a_contact_address_has_no_reply_to(send):
    message = send(make_signature(make_letter()))

    assert "Reply-To" not in message.message()


def test_mail_is_sent_under_the_configured_name(letter, send, settings):
    # As config/settings.py builds it from MAIL_FROM_NAME (tests/config/test_settings.py).
    settings.DEFAULT_FROM_EMAIL = '"Riders, for Privacy" <letters@example.org>'
    message = send(make_signature(letter))

    assert message.message()["From"] == '"Riders, for Privacy" <letters@example.org>'
