"""The home page lists each public letter with its description, count, deadline and status, in
a number of queries that does not grow with the letters or their signatures."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from signatures.models import Signature
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db


def test_each_letter_shows_its_description_count_deadline_and_status(client):
    deadline = timezone.now() + timedelta(days=10)
    open_letter = make_letter(
        title="Save the river", description="Ninety groups ask.", signing_deadline=deadline
    )
    for status in ("approved", "approved", "pending", "withdrawn"):
        make_signature(open_letter, status=status)
    delivered = make_letter(
        title="Stop tracking", status=Letter.Status.DELIVERED, body="We ask you to stop.",
        delivered_on=date(2026, 3, 3), delivered_to="Jane Doe",
    )  # fmt: skip
    make_signature(delivered)
    past_deadline = make_letter(title="Too late", signing_deadline=timezone.now() - timedelta(1))

    html = client.get(reverse("letters:list")).content.decode()

    assert "Ninety groups ask." in html
    assert "We ask you to stop." in html  # no description: the start of the body
    assert "Open for signatures</span> ·\n      2 organizations have signed" in html
    assert f'open until <time datetime="{deadline.isoformat()}">' in html
    assert "Delivered</span> ·\n      1 organization has signed" in html
    assert 'delivered <time datetime="2026-03-03">March 3, 2026</time>' in html
    # An open letter past its deadline reads as closed.
    [late] = [item for item in html.split("<li>") if past_deadline.title in item]
    assert '<span class="letter-status">Closed</span>' in late


@pytest.mark.parametrize("letters", [2, 12])
def test_the_list_costs_the_same_queries_for_few_or_many_letters(
    client, django_assert_num_queries, letters
):
    for n in range(letters):
        letter = make_letter()
        for _ in range(n % 3):
            make_signature(letter, status=Signature.Status.APPROVED)

    with django_assert_num_queries(1):
        response = client.get(reverse("letters:list"))

    assert response.content.decode().count('class="letter-list-title"') == letters
