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


def test_renaming_a_record_onto_another_organizations_name_is_a_form_error(staff_client):
    submit_signature(make_letter(), name="Riders for Privacy", website="https://riders.org")
    other = submit_signature(make_letter(), name="Tenants Union", website="https://tenants.org")

    response = staff_client.post(
        reverse("admin:signatures_organization_change", args=[other.organization_id]),
        {
            "name": "The riders for privacy",
            "website_domain": "tenants.org",
            "signatures-TOTAL_FORMS": "0",
            "signatures-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "already has this name" in response.text
    other.organization.refresh_from_db()
    assert other.organization.name == "Tenants Union"


def test_staff_signed_in_without_a_second_factor_are_warned_on_every_admin_page(staff_client):
    for url in (reverse("admin:index"), reverse("admin:signatures_organization_changelist")):
        assert "You signed in with a password alone" in staff_client.get(url).text
