"""Rate limits on the public writes, through the real stack and whatever cache CACHE_URL names
(the in-process default, or Redis: `CACHE_URL=redis://127.0.0.1:6379/2 pytest`)."""

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.forms import TRAP_FIELD
from signatures.models import Signature
from tests.factories import make_signature, sign_form_data


def sign_url(letter):
    return reverse("signatures:sign", args=[letter.slug])


@pytest.fixture
def limits(settings):
    """Replace some limits for one test; the rest keep their configured values."""

    def set_limits(group, **rates):
        settings.RATELIMITS = settings.RATELIMITS | {group: rates}

    return set_limits


def test_thirty_rapid_submissions_from_one_address_are_stopped_at_the_limit(client, letter, limits):
    limits("sign", ip="20/h", email="5/h")

    statuses = [
        client.post(sign_url(letter), sign_form_data(), REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(30)
    ]

    assert statuses == [302] * 20 + [429] * 10
    assert Signature.objects.count() == 20


def test_over_the_limit_page_is_friendly_and_says_when_to_retry(client, letter, limits):
    limits("sign", ip="1/h")
    client.post(sign_url(letter), sign_form_data())

    response = client.post(sign_url(letter), sign_form_data())

    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "Nothing is wrong with what you did" in response.text
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 3600
    assert f"try again in about {-(-retry_after // 60)} minute" in response.text
    assert Signature.objects.count() == 1


def test_other_addresses_are_not_affected_by_one_address_at_its_limit(client, letter, limits):
    limits("sign", ip="2/h")
    for _ in range(3):
        client.post(sign_url(letter), sign_form_data(), REMOTE_ADDR="203.0.113.9")

    response = client.post(sign_url(letter), sign_form_data(), REMOTE_ADDR="198.51.100.20")

    assert response.status_code == 302
    assert Signature.objects.count() == 3


def test_one_email_is_limited_across_addresses_case_and_plus_tags(client, letter, limits):
    limits("sign", ip="100/h", email="2/h")
    emails = ["pat@riders.example.org", "PAT@Riders.Example.org ", "pat+again@riders.example.org"]

    statuses = [
        client.post(
            sign_url(letter), sign_form_data(contact_email=email), REMOTE_ADDR=f"192.0.2.{n}"
        ).status_code
        for n, email in enumerate(emails, start=1)
    ]

    assert statuses == [302, 302, 429]
    assert Signature.objects.count() == 2


def test_reading_the_form_does_not_count(client, letter, limits):
    limits("sign", ip="1/h")
    for _ in range(5):
        assert client.get(sign_url(letter)).status_code == 200

    assert client.post(sign_url(letter), sign_form_data()).status_code == 302


def test_robot_submissions_count_against_the_limit_too(client, letter, limits):
    limits("sign", ip="3/h")
    robot = sign_form_data() | {TRAP_FIELD: "spam"}
    for _ in range(3):
        assert client.post(sign_url(letter), robot).status_code == 302

    assert client.post(sign_url(letter), sign_form_data()).status_code == 429
    assert Signature.objects.count() == 0


def test_an_empty_limit_switches_it_off(client, letter, limits):
    limits("sign", ip="", email="")

    statuses = {client.post(sign_url(letter), sign_form_data()).status_code for _ in range(25)}

    assert statuses == {302}


def test_confirmation_posts_are_limited_per_address(client, letter, limits):
    limits("confirm", ip="3/h")
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    url = reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])

    statuses = [client.post(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_private_links_are_limited_per_signature_email_across_addresses(client, letter, limits):
    limits("confirm", ip="100/h", email="2/h")
    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    url = reverse("signatures:confirm", args=[tokens.make_token(signature, tokens.CONFIRM)])

    statuses = [client.post(url, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(1, 4)]

    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("action", ["details/", "withdraw/"])
def test_corrections_and_withdrawals_are_limited_per_address(client, letter, limits, action):
    limits("manage", ip="2/h", email="100/h")
    signature = make_signature(letter, status=Signature.Status.PENDING)
    url = reverse("signatures:manage", args=[tokens.make_token(signature, tokens.MANAGE)])

    statuses = [client.post(url + action, {}).status_code for _ in range(3)]

    assert statuses[-1] == 429
    assert 429 not in statuses[:2]


def test_manage_link_is_limited_per_signature_email_across_addresses(client, letter, limits):
    limits("manage", ip="100/h", email="2/h")
    signature = make_signature(letter, status=Signature.Status.PENDING)
    url = reverse("signatures:manage", args=[tokens.make_token(signature, tokens.MANAGE)])

    statuses = [
        client.post(url + "withdraw/", {}, REMOTE_ADDR=f"198.51.100.{n}").status_code
        for n in range(1, 4)
    ]

    assert statuses[-1] == 429
    assert 429 not in statuses[:2]


class TestBehindAProxy:
    def test_without_a_configured_header_the_forwarded_address_is_ignored(
        self, client, letter, settings
    ):
        settings.TRUSTED_PROXY_HEADER = ""
        client.post(
            sign_url(letter),
            sign_form_data(),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.20",
        )

        assert Signature.objects.get().submitted_ip == "10.0.0.2"

    @pytest.mark.parametrize(
        ("count", "forwarded_for", "stored"),
        [
            (1, "198.51.100.20", "198.51.100.20"),
            # The client wrote the left part itself; only what our proxy appended counts.
            (1, "6.6.6.6, 198.51.100.20", "198.51.100.20"),
            (2, "6.6.6.6, 198.51.100.20, 10.0.0.9", "198.51.100.20"),
            (1, "2001:db8::7", "2001:db8::7"),
            # Fewer hops than proxies, or garbage: only the connection's address is certain.
            (2, "198.51.100.20", "10.0.0.2"),
            (1, "not-an-address", "10.0.0.2"),
        ],
    )
    def test_the_stored_address_comes_from_the_trusted_header(
        self, client, letter, settings, count, forwarded_for, stored
    ):
        settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        settings.TRUSTED_PROXY_COUNT = count

        client.post(
            sign_url(letter),
            sign_form_data(),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

        assert Signature.objects.get().submitted_ip == stored

    def test_clients_behind_one_proxy_have_their_own_limits(self, client, letter, settings, limits):
        settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
        limits("sign", ip="2/h")

        def post(client_address, spoofed="6.6.6.6"):
            return client.post(
                sign_url(letter),
                sign_form_data(),
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_address}",
            ).status_code

        assert [post("198.51.100.20", spoofed=f"6.6.6.{n}") for n in range(3)] == [302, 302, 429]
        assert post("198.51.100.21") == 302
