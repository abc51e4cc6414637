"""Sharing that recruits: after confirming and in the approval mail, the letter's link, plain
share links (no third-party script), an invitation to another organization whose signing link
names the inviter (?source=), and ?source= codes stored with the signature for the admin."""

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.urls import reverse

from letters.sharing import sharing
from signatures import services, tokens
from signatures.models import Signature
from tests.factories import make_letter, make_signature, sign_form_data
from tests.signatures.admin.pages import CHANGELIST, EVERY_STATUS, change_url, row_names

pytestmark = pytest.mark.django_db

NETWORK_HOSTS = {"bsky.app", "www.facebook.com", "www.linkedin.com", "x.com", "wa.me"}


def sign(client, letter, query="", **fields):
    url = reverse("signatures:sign", args=[letter.slug])
    return client.post(url + query, sign_form_data(**fields))


def test_a_source_code_on_the_signing_link_is_kept_through_the_form_and_stored(client, letter):
    url = reverse("signatures:sign", args=[letter.slug])

    form = client.get(url + "?source=Partner-A").content.decode()
    sign(client, letter, name="River Keepers", source="Partner-A")

    assert '<input type="hidden" name="source" value="partner-a"' in form
    assert Signature.objects.get(name="River Keepers").source == "partner-a"


@pytest.mark.parametrize(
    "code",
    ["<script>alert(1)</script>", "x" * 41, "-leading-dash", "naïve", "two words"],
    ids=["markup", "too-long", "leading-dash", "accent", "space"],
)
def test_a_malformed_source_code_is_dropped_and_the_signature_kept(client, letter, code):
    url = reverse("signatures:sign", args=[letter.slug])
    form = client.get(url, {"source": code}).content.decode()
    sign(client, letter, name="River Keepers", source=code)

    assert '<input type="hidden" name="source" id="id_source">' in form
    assert Signature.objects.get(name="River Keepers").source == ""


def share_section(html: str) -> str:
    [section] = re.findall(r'<section class="share".*?</section>', html, re.S)
    return section


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def test_the_confirmed_page_invites_sharing_and_recruiting(client, letter, settings):
    settings.SITE_URL = "https://letters.example.org"
    signature = make_signature(letter, status="unconfirmed", name="River Keepers")
    token = tokens.make_token(signature, tokens.CONFIRM)

    html = client.post(reverse("signatures:confirm", args=[token])).content.decode()

    section = share_section(html)
    letter_url = f"https://letters.example.org/letters/{letter.slug}/"
    assert f'<input id="share-url" type="url" readonly value="{letter_url}"' in section
    assert "Copy link" in section  # shown by site.js; the field works without it
    links = hrefs(section)
    assert {urlsplit(link).netloc for link in links if link.startswith("https:")} == NETWORK_HOSTS
    assert all(quote(letter_url, safe="") in link for link in links if link.startswith("https:"))
    [invite] = [link for link in links if link.startswith("mailto:")]
    body = parse_qs(urlsplit(invite).query)["body"][0]
    assert f"{letter_url}" in body
    assert f"https://letters.example.org/letters/{letter.slug}/sign/?source=river-keepers" in body
    # No script of the networks' runs here: the page loads only its own.
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", html) == ["/static/js/site.js"]


def test_an_invitation_from_a_signer_brings_the_next_one_in_with_its_code(client, letter):
    inviter = make_signature(letter, name="River Keepers")
    sign_path = urlsplit(sharing(letter, source=inviter.invite_code, signed=True).sign_url)

    sign(client, letter, f"?{sign_path.query}", name="Delta League", source="river-keepers")

    assert Signature.objects.get(name="Delta League").source == "river-keepers"


def test_the_approval_mail_carries_the_link_share_links_and_an_invitation(
    letter, staff, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(letter, status="pending", name="River Keepers")

    with django_capture_on_commit_callbacks(execute=True):
        services.signature_approve(signatures=[signature], reviewer=staff)

    [message] = mailoutbox
    body = message.body
    assert f"http://127.0.0.1:8000/letters/{letter.slug}/\n" in body
    for network in ("Bluesky", "Facebook", "LinkedIn", "X", "WhatsApp"):
        assert f"\n{network}: https://" in body
    assert "\nmailto:?subject=" in body
    assert f"/letters/{letter.slug}/sign/?source=river-keepers\n" in body


def test_a_closed_letter_is_shared_but_invites_nobody_to_sign(client):
    letter = make_letter(status="closed")

    html = client.get(letter.get_absolute_url()).content.decode()

    section = share_section(html)
    assert "Share on Bluesky" in section
    assert "mailto:" not in section


def test_organizers_see_which_partner_brought_whom_in_the_admin(staff_client, letter):
    make_signature(letter, name="River Keepers", source="partner-a")
    make_signature(letter, name="Delta League", source="partner-b")
    make_signature(letter, name="Lake Friends")

    everyone = staff_client.get(CHANGELIST, EVERY_STATUS)
    partner_a = staff_client.get(CHANGELIST + "?source=partner-a")
    delta = Signature.objects.get(name="Delta League")

    assert 'href="?source=partner-a&amp;status__exact=all"' in everyone.text  # the filter's choice
    assert row_names(partner_a) == ["River Keepers"]
    # Not a column of the queue (it must fit a laptop's screen): on the signature's page.
    page = staff_client.get(change_url(delta)).text
    assert '<div class="readonly">partner-b</div>' in page
