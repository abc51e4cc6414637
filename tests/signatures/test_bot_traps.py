import re

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


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda data: data | {TRAP_FIELD: "http://spam.example"}, id="honeypot"),
        pytest.param(lambda data: data | {STAMP_FIELD: render_stamp()}, id="too-fast"),
        pytest.param(lambda data: {k: v for k, v in data.items() if k != STAMP_FIELD}, id="none"),
        pytest.param(lambda data: data | {STAMP_FIELD: "1700000000:forged"}, id="forged"),
        pytest.param(
            lambda data: data | {STAMP_FIELD: data[STAMP_FIELD][:-2] + "xx"}, id="tampered"
        ),
    ],
)
def test_robot_submission_looks_successful_but_stores_and_mails_nothing(
    client, letter, mailoutbox, django_capture_on_commit_callbacks, tamper
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(letter), tamper(sign_form_data()))

    assert response.status_code == 302
    assert response.url == reverse("signatures:check_email", args=[letter.slug])
    assert Signature.objects.count() == 0
    assert OutgoingMail.objects.count() == 0
    assert mailoutbox == []


def test_robot_filling_the_trap_gets_the_success_page_even_with_an_invalid_form(client, letter):
    response = client.post(sign_url(letter), {TRAP_FIELD: "buy now", "name": ""})

    assert response.status_code == 302
    assert Signature.objects.count() == 0


def test_minimum_fill_time_is_a_setting(client, letter, settings):
    settings.FORM_MIN_FILL_SECONDS = 120

    client.post(sign_url(letter), sign_form_data(seconds_ago=60))

    assert Signature.objects.count() == 0


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


def test_the_stamp_a_page_renders_counts_from_when_it_was_shown(client, letter, settings):
    html = client.get(sign_url(letter)).text
    stamp = re.search(rf'name="{STAMP_FIELD}" value="([^"]+)"', html).group(1)
    data = sign_form_data() | {STAMP_FIELD: stamp}

    client.post(sign_url(letter), data)
    assert Signature.objects.count() == 0

    settings.FORM_MIN_FILL_SECONDS = 0
    client.post(sign_url(letter), data)
    assert Signature.objects.count() == 1
