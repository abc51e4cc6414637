"""The organization records that an organization's signatures on every letter share."""

import pytest
from django.urls import reverse

from tests.factories import make_letter, submit_signature

pytestmark = pytest.mark.django_db


def test_organization_admin_lists_its_signatures_on_every_letter(staff_client):
    first = submit_signature(make_letter(title="First letter"), name="Riders for Privacy")
    submit_signature(make_letter(title="Second letter"), name="Riders for Privacy")

    response = staff_client.get(
        reverse("admin:signatures_organization_change", args=[first.organization_id])
    )

    html = response.content.decode()
    assert "First letter" in html and "Second letter" in html
