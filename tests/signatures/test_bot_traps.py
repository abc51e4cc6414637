import re
import time

import pytest
from django.urls import reverse

from signatures.forms import STAMP_FIELD, TRAP_FIELD, render_stamp
from signatures.models import OutgoingMail, Signature
from tests.factories import sign_form_data


def sign_url(letter):
    return reverse("signatures:sign", args=[letter.slug])


def test_person_who_took_their_time_is_signed_up_and_mailed(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(letter), sign_form_data(name="Friends of the Earth"))

    assert response.status_code == 302
    assert response.url == reverse("signatures:check_email", args=[letter.slug])
    assert Signature.objects.get().name == "Friends of the Earth"
    assert len(mailoutbox) == 1


def test_robot_filling_the_hidden_field_gets_the_success_page_and_nothing_is_stored(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            sign_url(letter), sign_form_data() | {TRAP_FIELD: "http://x.example"}
        )

    assert response.status_code == 302
    assert response.url == reverse("signatures:check_email", args=[letter.slug])
    assert Signature.objects.count() == 0
    assert OutgoingMail.objects.count() == 0
    assert mailoutbox == []


def test_robot_filling_the_trap_gets_the_success_page_even_with_an_invalid_form(client, letter):
    response = client.post(sign_url(letter), {TRAP_FIELD: "buy now", "name": ""})

    assert response.status_code == 302
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: data | {STAMP_FIELD: render_stamp()}, id="sent-at-once"),
        pytest.param(
            lambda data: data | {STAMP_FIELD: render_stamp(time.time() - 1)}, id="in-a-second"
        ),
        pytest.param(lambda data: {k: v for k, v in data.items() if k != STAMP_FIELD}, id="none"),
        pytest.param(lambda data: data | {STAMP_FIELD: "1700000000:forged"}, id="forged"),
        pytest.param(
            lambda data: data | {STAMP_FIELD: data[STAMP_FIELD][:-2] + "xx"}, id="tampered"
        ),
    ],
)
def test_a_form_sent_too_soon_comes_back_with_what_was_typed_never_a_success_page(
    client, letter, mailoutbox, django_capture_on_commit_callbacks, tamper
):
    # Autofill fills the form in a second; a page kept from before a deploy has a stamp we
    # can no longer read. Either could be a person.
    data = tamper(sign_form_data(name="Quick Fingers Collective", city="Shelbyville"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(letter), data)

    assert response.status_code == 200
    assert "Please check your details and send it again." in response.text
    assert 'value="Quick Fingers Collective"' in response.text
    assert 'value="Shelbyville"' in response.text
    assert Signature.objects.count() == 0
    assert mailoutbox == []


def test_sending_again_after_the_wait_signs_with_the_same_stamp(client, letter, settings):
    settings.FORM_MIN_FILL_SECONDS = 3
    data = sign_form_data(seconds_ago=1)

    again = client.post(sign_url(letter), data).text
    stamp = re.search(rf'name="{STAMP_FIELD}" value="([^"]+)"', again).group(1)
    assert stamp == data[STAMP_FIELD]  # the clock keeps counting from the first showing

    settings.FORM_MIN_FILL_SECONDS = 0.5  # as if the signer took a few seconds to look again
    response = client.post(sign_url(letter), data | {STAMP_FIELD: stamp})
    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_form_left_open_too_long_is_shown_again_with_a_fresh_stamp(client, letter, settings):
    settings.FORM_MAX_AGE_SECONDS = 3600
    data = sign_form_data(name="Sierra Club", seconds_ago=7200)

    response = client.post(sign_url(letter), data)

    assert response.status_code == 200
    assert "open for a long time" in response.text
    assert 'value="Sierra Club"' in response.text
    assert data[STAMP_FIELD] not in response.text
    assert Signature.objects.count() == 0


def test_correcting_a_mistake_keeps_the_original_stamp(client, letter):
    data = sign_form_data(city="")

    response = client.post(sign_url(letter), data)

    assert response.status_code == 200
    assert f'name="{STAMP_FIELD}" value="{data[STAMP_FIELD]}"' in response.text


# What browsers' autofill and password managers match a field's name, id and label against
# (the HTML autofill field names, and the words Chromium's and Firefox's heuristics look for).
AUTOFILL_WORDS = (
    "name", "honorific", "given", "additional", "family", "nickname", "user", "login",
    "password", "one-time", "code", "organization", "organisation", "company", "business",
    "firm", "title", "street", "address", "line", "level", "city", "town", "state", "region",
    "province", "county", "country", "postal", "post", "zip", "cc-", "card", "transaction",
    "currency", "language", "bday", "birth", "sex", "gender", "url", "website", "web", "photo",
    "tel", "phone", "mobile", "fax", "email", "mail", "impp", "referral", "promo", "coupon",
    "voucher", "first", "last", "surname", "nombre", "correo", "ciudad", "empresa",
)  # fmt: skip


def test_signing_form_hides_the_trap_with_the_stylesheet_and_labels_it(client, letter):
    response = client.get(sign_url(letter))

    html = response.text
    trap = re.search(r'<div class="form-trap">(.*?)</div>', html, re.S).group(1)
    assert "Leave this field empty" in trap
    assert f'name="{TRAP_FIELD}"' in trap
    assert 'tabindex="-1"' in trap
    assert 'autocomplete="off"' in trap
    assert "style=" not in html
    assert re.search(rf'<input type="hidden" name="{STAMP_FIELD}" value="[^"]+">', html)


@pytest.mark.parametrize("language", ["en", "es"])
def test_nothing_about_the_trap_invites_autofill(client, letter, language):
    html = client.get(sign_url(letter), {"lang": language}).text

    trap = re.search(r'<div class="form-trap">(.*?)</div>', html, re.S).group(1)
    label = re.search(r"<label[^>]*>(.*?)</label>", trap, re.S).group(1)
    field = re.search(r"<input[^>]*>", trap).group(0)
    name, field_id = (re.search(rf'{a}="([^"]+)"', field).group(1) for a in ("name", "id"))
    for text in (label.casefold(), name, field_id):
        assert [word for word in AUTOFILL_WORDS if word in text] == [], text
    for opt_out in ("data-1p-ignore", 'data-lpignore="true"', "data-bwignore"):
        assert opt_out in field


def test_the_stamp_a_page_renders_counts_from_when_it_was_shown(client, letter, settings):
    html = client.get(sign_url(letter)).text
    stamp = re.search(rf'name="{STAMP_FIELD}" value="([^"]+)"', html).group(1)
    data = sign_form_data() | {STAMP_FIELD: stamp}

    client.post(sign_url(letter), data)
    assert Signature.objects.count() == 0

    settings.FORM_MIN_FILL_SECONDS = 0
    client.post(sign_url(letter), data)
    assert Signature.objects.count() == 1
