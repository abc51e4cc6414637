"""Moderation through the Django admin's own changelist, filters and actions."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from signatures.models import Signature
from tests.factories import make_letter, make_signature

CHANGELIST = reverse("admin:signatures_signature_changelist")


def run_action(client, action, signatures):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in signatures]},
        follow=True,
    )


def test_changelist_shows_the_queue_columns(staff_client, letter):
    make_signature(
        letter, name="Riders for Privacy", city="Oakland", region="CA",
        contact_name="Ana Ruiz", contact_email="ana@riders.example.org",
        status=Signature.Status.PENDING,
    )  # fmt: skip
    html = staff_client.get(CHANGELIST).content.decode()
    for text in ("Riders for Privacy", "Oakland, CA", "Ana Ruiz", "ana@riders.example.org",
                 "Awaiting review", letter.title):  # fmt: skip
        assert text in html


def test_filters_by_letter_status_and_lead_signer(staff_client, letter):
    other = make_letter(title="Another letter")
    make_signature(letter, name="Wanted Org", status=Signature.Status.PENDING)
    make_signature(letter, name="Approved Org")
    make_signature(other, name="Other Letter Org", status=Signature.Status.PENDING)
    make_signature(letter, name="Lead Org", is_lead=True)
    response = staff_client.get(
        CHANGELIST, {"letter__id__exact": letter.pk, "status__exact": "pending"}
    )
    rows = [row.name for row in response.context["cl"].result_list]
    assert rows == ["Wanted Org"]
    response = staff_client.get(CHANGELIST, {"is_lead__exact": "1"})
    assert [row.name for row in response.context["cl"].result_list] == ["Lead Org"]


@pytest.mark.parametrize("term", ["riders", "ana@riders", "Ana Ruiz", "riders-site"])
def test_search_by_organization_contact_email_and_website(staff_client, letter, term):
    make_signature(
        letter, name="Riders for Privacy", contact_name="Ana Ruiz",
        contact_email="ana@riders.example.org", website="https://riders-site.example.org",
    )  # fmt: skip
    make_signature(letter, name="Unrelated", contact_name="Bo", contact_email="bo@x.example.org")
    response = staff_client.get(CHANGELIST, {"q": term})
    assert [row.name for row in response.context["cl"].result_list] == ["Riders for Privacy"]


def test_bulk_approve_and_reject_record_the_reviewer(staff_client, staff, letter):
    a = make_signature(letter, status=Signature.Status.PENDING)
    b = make_signature(letter, status=Signature.Status.PENDING)
    c = make_signature(letter, status=Signature.Status.PENDING)
    response = run_action(staff_client, "approve", [a, b])
    assert "2 signatures approved." in response.content.decode()
    confirmation = run_action(staff_client, "reject", [c])
    assert "Reason (optional)" in confirmation.content.decode()
    staff_client.post(
        CHANGELIST,
        {"action": "reject", ACTION_CHECKBOX_NAME: [c.pk], "post": "yes", "reason": "Not real"},
    )
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.status == Signature.Status.APPROVED and a.reviewed_by == staff
    assert c.status == Signature.Status.REJECTED and c.reviewed_by == staff


def test_approving_unconfirmed_signatures_is_skipped_with_a_warning(staff_client, letter):
    unconfirmed = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    response = run_action(staff_client, "approve", [unconfirmed])
    html = response.content.decode()
    assert "0 signatures approved." in html
    assert "1 skipped: not yet confirmed by their contact" in html
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Signature.Status.UNCONFIRMED


def test_lead_signers_marked_in_bulk_and_ordered_in_the_list(staff_client, letter):
    a = make_signature(letter, name="Alpha")
    b = make_signature(letter, name="Beta")
    run_action(staff_client, "mark_lead", [a, b])
    assert Signature.objects.filter(is_lead=True).count() == 2
    data = {
        "form-TOTAL_FORMS": 2, "form-INITIAL_FORMS": 2,
        "form-0-id": b.pk, "form-0-lead_order": 1,
        "form-1-id": a.pk, "form-1-lead_order": 2,
        "_save": "Save",
    }  # fmt: skip
    staff_client.post(CHANGELIST + "?o=1", data)
    public = staff_client.get(letter.get_absolute_url()).content.decode()
    assert public.index("Beta") < public.index("Alpha")
    run_action(staff_client, "unmark_lead", [a])
    a.refresh_from_db()
    assert not a.is_lead


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_changelist_queries_do_not_grow_with_rows(staff_client, letter):
    for _ in range(5):
        make_signature(letter, status=Signature.Status.PENDING)
    few = count_queries(staff_client, CHANGELIST)
    for _ in range(55):
        make_signature(letter, status=Signature.Status.PENDING)
    many = count_queries(staff_client, CHANGELIST)
    assert few == many


def test_change_page_queries_do_not_grow_with_the_letter(staff_client, letter):
    signature = make_signature(letter)
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    few = count_queries(staff_client, url)
    for _ in range(60):
        make_signature(letter)
    assert count_queries(staff_client, url) == few


def test_contact_details_are_shown_to_staff_on_the_change_page(staff_client, letter):
    signature = make_signature(letter, contact_email="private@riders.example.org")
    html = staff_client.get(
        reverse("admin:signatures_signature_change", args=[signature.pk])
    ).content.decode()
    assert "private@riders.example.org" in html


def test_staff_cannot_blank_the_contact_email_of_a_live_signature(staff_client, letter):
    signature = make_signature(letter)
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data |= {"contact_email": "", "is_lead": "", "authorized": "on"}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "contact_email": ["This field is required."]
    }
    signature.refresh_from_db()
    assert signature.contact_email


def test_staff_rename_onto_another_signatory_gets_a_field_error(staff_client, letter):
    make_signature(letter, name="First Org")
    signature = make_signature(letter, name="Second Org")
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data |= {"name": "first org", "is_lead": "", "authorized": "on"}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["Another organization with this name has already signed this letter."]
    }
