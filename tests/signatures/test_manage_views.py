from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.models import Signature
from tests.conftest import links_in
from tests.factories import make_signature, sign_form_data


def manage_path(signature):
    return reverse("signatures:manage", args=[tokens.make_token(signature, tokens.MANAGE)])


def details_data(signature, **changes):
    fields = (
        "name", "website", "city", "region", "country",
        "contact_name", "contact_title", "contact_email",
    )  # fmt: skip
    return {field: getattr(signature, field) for field in fields} | changes


def post_details(client, signature, **changes):
    return client.post(f"{manage_path(signature)}details/", details_data(signature, **changes))


@pytest.mark.django_db
def test_confirmation_mail_carries_a_working_manage_link(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    data = sign_form_data(name="River Keepers", contact_email="ana@riverkeepers.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signatures:sign", args=[letter.slug]), data)

    [message] = mailoutbox
    [manage_link] = [link for link in links_in(message) if "/manage/" in link]
    response = client.get(urlsplit(manage_link).path)

    assert response.status_code == 200
    assert "River Keepers" in response.text
    assert 'value="ana@riverkeepers.example.org"' in response.text


@pytest.mark.django_db
def test_manage_page_is_not_cached_and_shows_only_its_own_signature(client, letter):
    mine = make_signature(letter, contact_email="me@mine.example.org")
    make_signature(letter, name="Someone Else", contact_email="other@else.example.org")

    response = client.get(manage_path(mine))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "me@mine.example.org" in response.text
    assert "other@else.example.org" not in response.text
    assert "Someone Else" not in response.text


@pytest.mark.django_db
def test_signer_corrects_details_without_leaving_the_letter(client, letter):
    signature = make_signature(letter, city="Springfield")

    response = post_details(client, signature, city="Shelbyville")

    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.city == "Shelbyville"
    assert signature.status == Signature.Status.APPROVED
    assert "Your changes are saved." in client.get(response.url).text


@pytest.mark.django_db
def test_a_new_contact_address_takes_effect_only_once_it_confirms_and_the_old_is_told(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(letter, contact_email="ana@riverkeepers.example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_details(client, signature, contact_email="taker@evil.example")

    signature.refresh_from_db()
    assert signature.contact_email == "ana@riverkeepers.example.org"
    page = client.get(response.url).text
    assert "We have sent a link to taker@evil.example" in page
    to_new, to_old = sorted(mailoutbox, key=lambda m: m.to != ["taker@evil.example"])
    assert to_new.to == ["taker@evil.example"]
    [confirm_link] = links_in(to_new)
    # The unproven address gets that one link: not the manage link.
    assert "/confirm-email/" in confirm_link
    assert to_old.to == ["ana@riverkeepers.example.org"]
    assert "taker@evil.example" in to_old.body
    assert "Nothing changes unless that address confirms it" in to_old.body

    path = urlsplit(confirm_link).path
    assert "Confirm this address" in client.get(path).text
    signature.refresh_from_db()
    assert signature.contact_email == "ana@riverkeepers.example.org"  # a GET changes nothing
    assert "Contact address changed" in client.post(path).text
    signature.refresh_from_db()
    assert signature.contact_email == "taker@evil.example"


@pytest.mark.django_db
def test_a_contact_address_link_overtaken_by_another_change_does_nothing(client, letter):
    signature = make_signature(letter, contact_email="ana@riverkeepers.example.org")
    first = tokens.make_email_token(signature, "first@riverkeepers.example.org")
    second = tokens.make_email_token(signature, "second@riverkeepers.example.org")

    client.post(reverse("signatures:confirm_email", args=[second]))
    response = client.post(reverse("signatures:confirm_email", args=[first]))

    assert response.status_code == 400
    signature.refresh_from_db()
    assert signature.contact_email == "second@riverkeepers.example.org"


@pytest.mark.django_db
def test_name_change_sends_approved_signature_back_to_review(client, letter):
    signature = make_signature(letter, name="Friends of the Park")
    assert "Friends of the Park" in client.get(letter.get_absolute_url()).text

    response = post_details(client, signature, name="Friends of the Parks")

    signature.refresh_from_db()
    assert signature.name == "Friends of the Parks"
    assert signature.status == Signature.Status.PENDING
    assert "review the signature again" in client.get(response.url).text
    public_page = client.get(letter.get_absolute_url()).text
    assert "Friends of the Park" not in public_page


@pytest.mark.django_db
def test_change_of_case_alone_also_goes_back_to_review(client, letter):
    signature = make_signature(letter, name="Friends of the Park")

    post_details(client, signature, name="FRIENDS OF THE PARK")

    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


@pytest.mark.django_db
def test_pending_signature_stays_pending_after_a_rename(client, letter):
    signature = make_signature(letter, status=Signature.Status.PENDING)

    post_details(client, signature, name="A New Name")

    signature.refresh_from_db()
    assert signature.name == "A New Name"
    assert signature.status == Signature.Status.PENDING


@pytest.mark.django_db
def test_rename_onto_another_signatory_is_a_field_error(client, letter):
    make_signature(letter, name="The Tree Alliance")
    signature = make_signature(letter, name="Bird Watchers")

    response = post_details(client, signature, name="tree alliance")

    assert response.status_code == 200
    assert "Another organization with this name has already signed" in response.text
    signature.refresh_from_db()
    assert signature.name == "Bird Watchers"
    assert signature.status == Signature.Status.APPROVED


@pytest.mark.django_db
def test_contact_email_cannot_be_blanked(client, letter):
    signature = make_signature(letter)

    response = post_details(client, signature, contact_email="")

    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.contact_email


@pytest.mark.django_db
def test_withdrawn_organization_leaves_the_public_page_at_once(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(letter, name="Harbor Union")
    make_signature(letter, name="Dock Workers")
    assert "Harbor Union" in client.get(letter.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{manage_path(signature)}withdraw/", {"withdrawal_reason": "Board vote"}
        )

    assert response.status_code == 302
    public_page = client.get(letter.get_absolute_url()).text
    assert "Harbor Union" not in public_page
    assert "Dock Workers" in public_page
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert signature.withdrawn_at is not None
    assert signature.withdrawal_reason == "Board vote"
    [message] = mailoutbox
    assert "withdrawn" in message.subject
    assert any("/manage/" in link for link in links_in(message))


@pytest.mark.django_db
def test_withdrawn_signature_page_offers_no_changes(client, letter):
    signature = make_signature(letter, name="Harbor Union")
    client.post(f"{manage_path(signature)}withdraw/", {"withdrawal_reason": ""})

    page = client.get(manage_path(signature)).text
    response = post_details(client, signature, name="Harbor Union Again")

    assert "was withdrawn on" in page
    assert "<form" not in page
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.name == "Harbor Union"
    assert signature.status == Signature.Status.WITHDRAWN


@pytest.mark.django_db
def test_changes_need_a_post(client, letter):
    signature = make_signature(letter)

    details = client.get(f"{manage_path(signature)}details/")
    withdraw = client.get(f"{manage_path(signature)}withdraw/")

    assert details.status_code == 405
    # Reading the withdrawal page only asks "Are you sure?".
    assert withdraw.status_code == 200
    assert "Are you sure you want to withdraw" in withdraw.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED


@pytest.mark.django_db
def test_expired_manage_link_is_refused(client, letter, settings):
    signature = make_signature(letter)
    settings.MANAGE_LINK_MAX_AGE = -1  # every link is older than this

    page = client.get(manage_path(signature))
    withdraw = client.post(f"{manage_path(signature)}withdraw/", {})

    assert page.status_code == 400
    assert "expired" in page.text
    assert withdraw.status_code == 400
    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED


@pytest.mark.django_db
def test_manage_link_outlives_the_confirmation_link(client, letter, settings):
    signature = make_signature(letter)
    settings.CONFIRMATION_LINK_MAX_AGE = -1

    assert client.get(manage_path(signature)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("purpose", [tokens.CONFIRM, "tampered"])
def test_confirmation_or_tampered_token_is_not_a_manage_link(client, letter, purpose):
    signature = make_signature(letter)
    token = tokens.make_token(signature, tokens.CONFIRM)
    if purpose == "tampered":
        token = tokens.make_token(signature, tokens.MANAGE)[:-2] + "xx"

    response = client.get(reverse("signatures:manage", args=[token]))

    assert response.status_code == 400
    assert "not valid" in response.text


@pytest.mark.django_db
def test_purged_contact_details_cannot_be_refilled_from_an_old_manage_link(client, letter):
    from django.utils import timezone

    signature = make_signature(
        letter, contact_name="", contact_email="", contacts_purged_at=timezone.now()
    )
    page = client.get(manage_path(signature)).content.decode()
    assert "can no longer be changed here" in page
    assert "Withdraw our signature" in page
    client.post(
        f"{manage_path(signature)}details/", details_data(signature, contact_email="new@x.org")
    )
    signature.refresh_from_db()
    assert signature.contact_email == ""


@pytest.mark.django_db
def test_an_unconfirmed_signature_cannot_be_confirmed_after_the_letter_closed(client, letter):
    from signatures import tokens

    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    letter.status = "closed"
    letter.save()
    url = reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])
    response = client.post(url)
    assert response.status_code == 410
    assert "no-store" in response["Cache-Control"]
    signature.refresh_from_db()
    assert signature.status == Signature.Status.UNCONFIRMED
