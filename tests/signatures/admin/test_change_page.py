"""One signature's change page: its trust signals and history, its form, and approving or
rejecting from it."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signatures import trust
from signatures.models import Signature
from tests.factories import make_letter, make_signature, submit_signature
from tests.signatures.admin.pages import change_form_data, change_url

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_change_page_shows_signals_and_the_organizations_history(staff_client):
    earlier = make_letter(title="Earlier letter")
    submit_signature(
        earlier,
        status=Signature.Status.APPROVED,
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
    impostor = submit_signature(
        make_letter(), name="ACLU of Washington", website="", contact_email="aclu.wa@gmail.com"
    )

    response = staff_client.get(change_url(impostor))

    html = response.content.decode()
    assert "Earlier letter" in html
    assert "aclu-wa.org" in html
    assert "Known organization, email from another domain" in html


def test_change_page_queries_do_not_grow_with_the_letter(staff_client, letter):
    signature = make_signature(letter)
    url = change_url(signature)
    few = count_queries(staff_client, url)
    for _ in range(60):
        make_signature(letter)
    assert count_queries(staff_client, url) == few


def test_contact_details_are_shown_to_staff_on_the_change_page(staff_client, letter):
    signature = make_signature(letter, contact_email="private@riders.example.org")
    html = staff_client.get(change_url(signature)).content.decode()
    assert "private@riders.example.org" in html


def test_editing_a_signature_recomputes_its_flags_and_its_old_look_alikes(staff_client):
    letter = make_letter()
    real = submit_signature(letter, name="American Civil Liberties Union of Washington")
    typo = submit_signature(letter, name="ACLU of Washington")
    assert real.risk_flags == "" and typo.risk_flags == trust.Flag.NEAR_DUPLICATE
    real.refresh_from_db()
    assert real.risk_flags == trust.Flag.NEAR_DUPLICATE

    url, data = change_form_data(
        staff_client, typo, name="Library Freedom Network", organization=typo.organization_id
    )
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    real.refresh_from_db()
    typo.refresh_from_db()
    assert real.risk_flags == ""
    assert typo.risk_flags == ""


def test_staff_cannot_blank_the_contact_email_of_a_live_signature(staff_client, letter):
    signature = make_signature(letter)
    url, data = change_form_data(staff_client, signature, contact_email="")
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
    url, data = change_form_data(staff_client, signature, name="first org")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["Another organization with this name has already signed this letter."]
    }


def test_a_staff_edit_writes_only_what_staff_changed(staff_client, letter):
    """So a signer's confirmation or withdrawal landing while the form is open survives it."""
    signature = make_signature(letter, name="Edited Org")
    url, data = change_form_data(staff_client, signature, lead_order=3)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(url, data)

    assert response.status_code == 302
    [update] = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "signatures_signature" SET "lead_order"')
    ]  # fmt: skip
    assert '"status"' not in update and '"withdrawn_at"' not in update
    signature.refresh_from_db()
    assert signature.lead_order == 3


def test_moderator_approves_from_the_signature_page(staff_client, staff):
    signature = make_signature(make_letter(), status=Signature.Status.PENDING)
    url = change_url(signature)
    page = staff_client.get(url).content.decode()
    assert "Approve this signature" in page
    assert 'name="CHANGE_FORM-seen_at"' in page

    staff_client.post(url, {"CHANGE_FORM-action": "approve", ACTION_CHECKBOX_NAME: [signature.pk]})

    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.reviewed_by == staff


def test_moderator_rejects_with_a_reason_from_the_signature_page(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(make_letter(), status=Signature.Status.PENDING)
    url = change_url(signature)
    page = staff_client.post(
        url, {"CHANGE_FORM-action": "reject", ACTION_CHECKBOX_NAME: [signature.pk]}
    )
    assert "Reason (optional)" in page.content.decode()
    assert 'name="CHANGE_FORM-action" value="reject"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            url,
            {
                "CHANGE_FORM-action": "reject",
                ACTION_CHECKBOX_NAME: [signature.pk],
                "post": "yes",
                "reason": "We could not verify it.",
            },
        )

    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert "We could not verify it." in mailoutbox[-1].body
