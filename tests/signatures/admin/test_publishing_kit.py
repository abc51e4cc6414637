"""The publishing kit on a letter's admin page: its public address, the embed snippet, links to
its other forms, a QR code, and its signatures counted by status, each linked to its queue."""

import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.urls import reverse

from signatures.models import Signature
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db


def kit_of(client, letter) -> str:
    page = client.get(reverse("admin:letters_letter_change", args=[letter.pk])).content.decode()
    return page[page.index('<details class="module publishing-kit"') : page.index("</details>")]


def test_kit_gives_the_absolute_address_and_an_embed_snippet_with_its_height(
    staff_client, settings
):
    settings.SITE_URL = "https://letters.example.org"
    letter = make_letter(slug="riders", title='Stop "tracking" <riders>')

    kit = kit_of(staff_client, letter)

    assert 'value="https://letters.example.org/letters/riders/" readonly' in kit
    [snippet] = re.findall(r'<textarea id="kit-embed"[^>]*>(.*?)</textarea>', kit, re.S)
    assert unescape(snippet) == (
        '<iframe src="https://letters.example.org/letters/riders/embed/" '
        'title="Stop &quot;tracking&quot; &lt;riders&gt;" width="100%" height="240" '
        'style="border:0;max-width:40rem" loading="lazy"></iframe>'
    )


def test_kit_links_every_public_form_of_the_letter(staff_client):
    letter = make_letter(slug="riders")

    kit = kit_of(staff_client, letter)

    for path in (
        "/letters/riders.txt",
        "/letters/riders/signatories.csv",
        "/letters/riders/signatories.json",
        "/letters/riders.pdf",
    ):
        assert f'<a href="{path}">' in kit


def test_kit_qr_code_encodes_the_public_address(staff_client, settings):
    settings.SITE_URL = "https://letters.example.org"
    letter = make_letter(slug="riders")

    kit = kit_of(staff_client, letter)

    [uri] = re.findall(r'<img src="(data:image/svg\+xml[^"]+)"', kit)
    assert unquote(uri.split(",", 1)[1]).startswith("<svg")
    assert 'alt="QR code of the public address"' in kit
    assert 'download="riders-qr.svg"' in kit


def test_kit_counts_signatures_by_status_each_linking_to_its_queue(staff_client):
    letter = make_letter()
    for status, count in (("pending", 3), ("approved", 2), ("withdrawn", 1)):
        for _ in range(count):
            make_signature(letter, status=status)
    make_signature(make_letter(), status="pending")  # another letter's

    kit = kit_of(staff_client, letter)

    queue = reverse("admin:signatures_signature_changelist")
    for status, label, count in (
        ("unconfirmed", "Awaiting email confirmation", 0),
        ("pending", "Awaiting review", 3),
        ("approved", "Approved", 2),
        ("rejected", "Rejected", 0),
        ("withdrawn", "Withdrawn", 1),
    ):
        link = f'<a href="{queue}?letter__id__exact={letter.pk}&amp;status__exact={status}">'
        assert f"{link}{label}: {count}</a>" in kit
    listed = staff_client.get(f"{queue}?letter__id__exact={letter.pk}&status__exact=pending")
    assert listed.context["cl"].result_count == 3
    assert {s.status for s in listed.context["cl"].result_list} == {Signature.Status.PENDING}


def test_draft_kit_says_its_addresses_work_once_open(staff_client):
    kit = kit_of(staff_client, make_letter(status="draft"))

    assert "The public addresses below work once the letter is open." in kit
    assert kit.startswith('<details class="module publishing-kit">')
