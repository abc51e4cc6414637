import pytest
from django.urls import reverse
from django.utils import timezone

from signatures.models import Signature
from tests.conftest import links_in
from tests.factories import make_letter, make_signature, sign_form_data, submit_signature


def sign_url(letter):
    return reverse("signatures:sign", args=[letter.slug])


@pytest.fixture
def post_signature(client, django_capture_on_commit_callbacks):
    def post(letter, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(sign_url(letter), sign_form_data(**fields))

    return post


def test_signing_form_labels_every_field(client, letter):
    html = client.get(sign_url(letter)).content.decode()
    for label in (
        "Organization name", "Organization website (optional)", "City",
        "State or region (optional)", "Country", "Your name", "Your title (optional)",
        "Your email", "I am authorized to sign on behalf of this organization",
        "Note to the organizers (optional)",
    ):  # fmt: skip
        assert f">{label}" in html or f">{label}:" in html, label


def test_valid_submission_is_stored_and_mails_a_confirmation_link(
    post_signature, letter, mailoutbox
):
    response = post_signature(letter, name="Riders for Privacy", contact_email="ana@riders.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("signatures:check_email", args=[letter.slug])
    signature = Signature.objects.get()
    assert signature.name == "Riders for Privacy"
    assert signature.status == Signature.Status.UNCONFIRMED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ana@riders.org"]
    [confirm_link] = [link for link in links_in(mailoutbox[0]) if "/confirm/" in link]
    assert confirm_link.startswith("http://")


def test_bad_input_gets_field_level_errors_and_keeps_what_was_typed(client, letter):
    data = sign_form_data(name="Riders for Privacy", contact_email="not-an-email", authorized="")
    data["city"] = ""
    response = client.post(sign_url(letter), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.org" in html
    assert "Confirm that you are authorized to sign on behalf of this organization" in html
    assert "Enter your organization’s city" in html
    assert "This field is required." not in html
    assert 'value="Riders for Privacy"' in html
    assert 'aria-invalid="true"' in html
    assert not Signature.objects.exists()


def test_overlong_fields_are_refused_with_a_clear_error(client, letter):
    response = client.post(sign_url(letter), sign_form_data(name="x" * 201, note="n" * 2001))
    html = response.content.decode()
    assert "Organization name must be 200 characters or fewer" in html
    assert "Your note must be 2000 characters or fewer" in html
    assert not Signature.objects.exists()


def test_confirmation_link_shows_a_button_and_only_the_post_confirms(
    client, post_signature, letter, mailoutbox
):
    post_signature(letter)
    [link] = [link for link in links_in(mailoutbox[0]) if "/confirm/" in link]
    path = link.removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    assert "Confirm our signature" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.UNCONFIRMED

    response = client.post(path)
    assert response.status_code == 200
    assert "your signature is confirmed" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING


def test_tampered_confirmation_link_is_refused(client, letter):
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    response = client.post(reverse("signatures:confirm", args=[f"{signature.pk}:forged:token"]))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.UNCONFIRMED


def test_expired_confirmation_link_is_refused(client, letter, settings):
    from signatures import tokens

    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    token = tokens.make_token(signature, tokens.CONFIRM)
    settings.CONFIRMATION_LINK_MAX_AGE = -1
    response = client.post(reverse("signatures:confirm", args=[token]))
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Signature.objects.get().status == Signature.Status.UNCONFIRMED


def test_second_submission_gets_a_clear_message_not_an_error(post_signature, letter, mailoutbox):
    post_signature(letter, name="Riders for Privacy")
    response = post_signature(letter, name="The Riders for Privacy")
    assert response.status_code == 200
    assert "Someone has already added this organization" in response.text
    assert Signature.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_duplicate_page_says_the_same_whatever_the_state_of_the_entry(client, letter):
    existing = submit_signature(letter, name="Riders for Privacy", status="unconfirmed")
    pages = []
    for status in Signature.STANDING_STATUSES:
        Signature.objects.filter(pk=existing.pk).update(status=status, confirmed_at=timezone.now())
        response = client.post(sign_url(letter), sign_form_data(name="The riders for privacy"))
        pages.append(response.text)

    assert "Someone has already added this organization" in pages[0]
    assert pages[1:] == pages[:-1]


def test_signing_form_of_a_closed_letter_is_gone(client, db):
    letter = make_letter(status="closed")
    response = client.post(sign_url(letter), sign_form_data())
    assert response.status_code == 410
    assert not Signature.objects.exists()


def test_drafts_cannot_be_signed(client, db):
    letter = make_letter(status="draft")
    assert client.get(sign_url(letter)).status_code == 404


def test_a_name_that_normalizes_too_long_is_refused_with_a_field_error(client, letter):
    # 199 characters, but every "&" is spelled out as "and" when names are compared.
    response = client.post(sign_url(letter), sign_form_data(name="A" + " &" * 99))
    assert response.status_code == 200
    assert "Shorten the organization’s name, please." in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (Signature.Status.WITHDRAWN, "This signature was withdrawn"),
        (Signature.Status.REJECTED, "This signature was not added"),
    ],
)
def test_an_old_confirmation_link_does_not_revive_or_misreport_an_entry(
    client, letter, status, heading
):
    from signatures import tokens

    signature = make_signature(letter, status=status)
    response = client.post(
        reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])
    )
    assert heading in response.content.decode()
    assert "is confirmed" not in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == status


def test_confirm_page_says_when_the_letter_changed_after_the_form_was_filled(
    client, letter, django_capture_on_commit_callbacks
):
    from letters.models import LetterRevision
    from signatures import tokens
    from signatures.services import letter_revise
    from tests.factories import make_confirmed_signature

    make_confirmed_signature(letter)  # someone agreed to the first text
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    letter.body = "A stronger demand."
    with django_capture_on_commit_callbacks(execute=True):
        letter_revise(
            letter=letter, changed_by=None, kind=LetterRevision.Kind.MATERIAL, note="Stronger."
        )

    url = reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])
    page = client.get(url).content.decode()

    assert "changed the letter after you filled in the form" in page
    assert "Stronger." in page


def test_a_signer_can_ask_to_hear_of_the_delivery_and_response(client, letter):
    client.post(sign_url(letter), sign_form_data(name="River Keepers", notify_outcome="on"))
    client.post(sign_url(letter), sign_form_data(name="Delta League"))

    assert Signature.objects.get(name="River Keepers").notify_outcome
    assert not Signature.objects.get(name="Delta League").notify_outcome
    form = client.get(sign_url(letter)).content.decode()
    assert "Email me when the letter is delivered and when it is answered" in form
