"""The og:image of a letter: a PNG card with its title, count and organizers, drawn on the
server, cached, and drawn anew when the count changes."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from signatures.models import Signature
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db


def card(client, letter):
    return client.get(reverse("letters:card", args=[letter.slug]))


def test_the_card_is_a_png_the_size_networks_show_large(client):
    letter = make_letter(title="Save the river", organizers="River Friends\nDelta League")
    make_signature(letter)

    response = card(client, letter)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and response["ETag"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_the_card_is_drawn_again_when_the_count_changes_and_not_before(client):
    letter = make_letter()
    make_signature(letter)
    first = card(client, letter)
    again = card(client, letter)

    make_signature(letter)
    after = card(client, letter)

    assert again["ETag"] == first["ETag"] and again.content == first.content
    assert after["ETag"] != first["ETag"]
    assert after.content != first.content


def test_a_pending_signature_does_not_change_what_the_card_shows(client):
    letter = make_letter()
    make_signature(letter)
    first = card(client, letter).content

    make_signature(letter, status=Signature.Status.PENDING)

    assert card(client, letter).content == first


def test_the_page_names_the_card_with_its_count_so_networks_fetch_it_anew(client, settings):
    settings.SITE_URL = "https://letters.example.org"
    letter = make_letter(title="Save the river")
    make_signature(letter)
    make_signature(letter)

    html = client.get(letter.get_absolute_url()).content.decode()

    image = f"https://letters.example.org/letters/{letter.slug}/card.png?n=2"
    assert f'<meta property="og:image" content="{image}">' in html
    assert (
        '<meta property="og:image:alt" content="Save the river: signed by 2 organizations">' in html
    )


def test_a_draft_has_no_card(client):
    letter = make_letter(status="draft")

    assert card(client, letter).status_code == 404
