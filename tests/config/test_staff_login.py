"""The staff login: django-axes locks out password guessing, and django-otp asks staff who
have set up an authenticator for its code."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_staff

PASSWORD = "correct horse battery staple"
LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
SETUP = reverse("admin:two_factor")


def log_in(client, password=PASSWORD, username="moderator", ip="192.0.2.10", **extra):
    data = {"username": username, "password": password, "next": INDEX}
    headers = {key: value for key, value in extra.items() if key.startswith("HTTP_")}
    data |= {key: value for key, value in extra.items() if key not in headers}
    return client.post(LOGIN, data, REMOTE_ADDR=ip, **headers)


def code_for(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def moderator(db):
    return make_staff(password=PASSWORD)


class TestLockOut:
    def test_correct_password_logs_in(self, client, moderator):
        response = log_in(client)

        assert response.status_code == 302
        assert client.get(INDEX).status_code == 200

    def test_five_wrong_passwords_lock_the_account_out_from_that_address(
        self, client, moderator, settings
    ):
        assert settings.AXES_FAILURE_LIMIT == 5
        statuses = [log_in(client, password="guess").status_code for _ in range(5)]

        assert statuses == [200, 200, 200, 200, 429]
        response = log_in(client)  # even the right password, now
        assert response.status_code == 429
        assert "Sign-in paused" in response.text
        assert "try again in 30 minutes" in response.text
        assert client.get(INDEX).status_code == 302

    def test_lock_out_is_per_username_and_address(self, client, moderator):
        make_staff(username="editor", password=PASSWORD)
        for _ in range(5):
            log_in(client, password="guess")

        assert log_in(client, username="editor").status_code == 302
        client.logout()
        assert log_in(client, ip="198.51.100.99").status_code == 302

    def test_lock_out_cools_off(self, client, moderator):
        for _ in range(5):
            log_in(client, password="guess")
        assert log_in(client).status_code == 429

        # Half an hour and a minute later:
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

        assert log_in(client).status_code == 302

    def test_lock_out_uses_the_client_address_from_the_trusted_proxy(
        self, client, moderator, settings
    ):
        settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        for _ in range(5):
            log_in(client, password="guess", HTTP_X_FORWARDED_FOR="198.51.100.7")

        assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
        assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
        assert log_in(client, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


@pytest.fixture
def device(moderator):
    return TOTPDevice.objects.create(user=moderator, name="phone", confirmed=True)


class TestSecondFactor:
    def test_staff_with_an_authenticator_log_in_with_its_code(self, client, device):
        response = log_in(client, otp_token=code_for(device))

        assert response.status_code == 302
        assert client.get(INDEX).status_code == 200

    def test_a_wrong_code_is_refused(self, client, device):
        response = log_in(client, otp_token=code_for(device, offset=10))

        assert response.status_code == 200
        assert client.get(INDEX).status_code == 302

    def test_no_code_is_refused_when_the_user_has_an_authenticator(self, client, device):
        response = log_in(client)

        assert response.status_code == 200
        assert "Please enter your OTP token" in response.text
        assert client.get(INDEX).status_code == 302

    def test_login_page_has_a_labelled_code_field(self, client, db):
        html = client.get(LOGIN).text

        assert 'for="id_otp_token">Authentication code' in html
        assert 'autocomplete="one-time-code"' in html


class TestEnrolment:
    def test_staff_member_sets_up_an_authenticator_by_scanning_and_typing_a_code(
        self, client, moderator
    ):
        log_in(client)
        page = client.get(SETUP)
        assert page.status_code == 200
        assert '<img src="data:image/svg+xml' in page.text
        pending = TOTPDevice(user=moderator, key=client.session["two_factor_pending_key"])

        wrong = client.post(SETUP, {"token": code_for(pending, offset=10)})
        assert wrong.status_code == 200
        assert "That code is not right" in wrong.text
        assert not TOTPDevice.objects.exists()

        right = client.post(SETUP, {"token": code_for(pending)})
        assert right.status_code == 302
        device = TOTPDevice.objects.get(user=moderator)
        assert device.confirmed
        client.logout()
        assert log_in(client).status_code == 200  # a password alone is no longer enough
        assert log_in(client, otp_token=code_for(device, offset=1)).status_code == 302

    def test_the_set_up_page_is_for_signed_in_staff_only(self, client, db):
        response = client.get(SETUP)

        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


class TestRequiredSecondFactor:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.ADMIN_REQUIRE_OTP = True

    def test_staff_without_an_authenticator_are_sent_to_set_one_up(self, client, moderator):
        assert log_in(client).status_code == 302

        response = client.get(INDEX, follow=True)

        assert response.redirect_chain[-1][0] == SETUP
        assert "scan this code" in response.text
        assert client.get(reverse("admin:signatures_signature_changelist")).status_code == 302

    def test_after_setting_one_up_the_admin_opens(self, client, moderator):
        log_in(client)
        client.get(SETUP)
        pending = TOTPDevice(user=moderator, key=client.session["two_factor_pending_key"])

        client.post(SETUP, {"token": code_for(pending)})

        assert client.get(INDEX).status_code == 200

    def test_staff_who_logged_in_with_their_code_use_the_admin(self, client, device):
        log_in(client, otp_token=code_for(device))

        assert client.get(INDEX).status_code == 200


def test_every_admin_page_links_to_the_two_factor_set_up(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{reverse("admin:two_factor")}">Two-factor sign-in</a>' in html
