import pytest
from django.urls import reverse

from letters.models import Letter

pytestmark = pytest.mark.django_db


def test_staff_choose_grouping_description_and_groups_on_the_letter(staff_client, letter):
    data = {
        "title": letter.title, "slug": letter.slug, "status": letter.status,
        "letter_date": "2026-03-05", "addressees": letter.addressees,
        "salutation": letter.salutation, "body": letter.body, "closing": letter.closing,
        "description": "Short and shareable.", "grouping": "group",
        "groups-TOTAL_FORMS": 2, "groups-INITIAL_FORMS": 0,
        "groups-0-name": "National organizations", "groups-0-order": 1,
        "groups-1-name": "State and local organizations", "groups-1-order": 2,
        "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = staff_client.post(reverse("admin:letters_letter_change", args=[letter.pk]), data)

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.grouping == Letter.Grouping.GROUP
    assert letter.description == "Short and shareable."
    assert [g.name for g in letter.groups.all()] == [
        "National organizations",
        "State and local organizations",
    ]
