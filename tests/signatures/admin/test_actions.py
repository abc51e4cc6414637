"""Actions on the signatures selected in the change list: approve, reject with a reason, mark
lead signers, export contacts."""

import csv
import io

import pytest

from signatures import services
from signatures.models import Signature
from tests.factories import make_letter, make_signature, submit_signature
from tests.signatures.admin.pages import CHANGELIST, change_form_data, post_action

pytestmark = pytest.mark.django_db


def test_reject_action_asks_for_a_reason_before_rejecting(staff_client, mailoutbox):
    signature = submit_signature(make_letter())
    mailoutbox.clear()

    response = post_action(staff_client, "reject", [signature])

    assert response.status_code == 200
    assert "admin/signatures/signature/reject_selected_confirmation.html" in [
        t.name for t in response.templates
    ]
    assert signature.name in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert mailoutbox == []


def test_reject_action_with_reason_rejects_and_mails_the_reason(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    signature = submit_signature(make_letter())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(
            staff_client,
            "reject",
            [signature],
            follow=True,
            post="yes",
            reason="Your director says nobody signed.",
        )

    assert "1 signature rejected." in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.rejection_reason == "Your director says nobody signed."
    assert signature.reviewed_by == staff
    [message] = mailoutbox
    assert "Your director says nobody signed." in message.body


def test_approve_action_mails_and_reports_skipped(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    letter = make_letter()
    pending = submit_signature(letter)
    unconfirmed = submit_signature(letter, status=Signature.Status.UNCONFIRMED)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(staff_client, "approve", [pending, unconfirmed], follow=True)

    html = response.content.decode()
    assert "1 signature approved." in html
    assert "1 skipped" in html
    assert [m.to for m in mailoutbox] == [[pending.contact_email]]


def test_bulk_approve_and_reject_record_the_reviewer(staff_client, staff, letter):
    a = make_signature(letter, status=Signature.Status.PENDING)
    b = make_signature(letter, status=Signature.Status.PENDING)
    c = make_signature(letter, status=Signature.Status.PENDING)
    response = post_action(staff_client, "approve", [a, b], follow=True)
    assert "2 signatures approved." in response.content.decode()
    confirmation = post_action(staff_client, "reject", [c])
    assert "Reason (optional)" in confirmation.content.decode()
    post_action(staff_client, "reject", [c], post="yes", reason="Not real")
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.status == Signature.Status.APPROVED and a.reviewed_by == staff
    assert c.status == Signature.Status.REJECTED and c.reviewed_by == staff


def test_approving_unconfirmed_signatures_is_skipped_with_a_warning(staff_client, letter):
    unconfirmed = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    response = post_action(staff_client, "approve", [unconfirmed], follow=True)
    html = response.content.decode()
    assert "0 signatures approved." in html
    assert "1 skipped: not confirmed by their contact" in html
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Signature.Status.UNCONFIRMED


def test_an_entry_renamed_after_the_page_was_shown_is_not_approved_unseen(staff_client, letter):
    signature = make_signature(letter, name="Tiny Group", status=Signature.Status.PENDING)
    page = staff_client.get(CHANGELIST, {"status__exact": "pending"})
    assert 'type="hidden" name="seen_at"' in page.content.decode()
    seen_at = page.context["action_form"]["seen_at"].value()
    services.signature_update_details(signature=signature, data={"name": "Sierra Club"})

    response = post_action(staff_client, "approve", [signature], follow=True, seen_at=seen_at)

    assert "changed since you loaded the page" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_lead_signers_marked_in_bulk_and_ordered_on_their_pages(staff_client, letter):
    a = make_signature(letter, name="Alpha")
    b = make_signature(letter, name="Beta")
    post_action(staff_client, "mark_lead", [a, b])
    assert Signature.objects.filter(is_lead=True).count() == 2
    for signature, order in ((b, 1), (a, 2)):
        url, data = change_form_data(staff_client, signature, lead_order=order)
        assert staff_client.post(url, data).status_code == 302
    public = staff_client.get(letter.get_absolute_url()).content.decode()
    assert public.index("Beta") < public.index("Alpha")
    post_action(staff_client, "unmark_lead", [a])
    a.refresh_from_db()
    assert not a.is_lead


def test_staff_export_includes_contacts_of_the_selected_signatures(staff_client):
    letter = make_letter()
    chosen = make_signature(letter, name="Chosen", contact_email="chosen@example.org")
    make_signature(letter, name="Not chosen")
    make_signature(letter, name="Also chosen", status="pending", contact_name="Pat Doe")
    also = Signature.objects.get(name="Also chosen")

    response = post_action(staff_client, "export_csv", [chosen, also])

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert [(r["name"], r["status"]) for r in rows] == [
        ("Also chosen", "Awaiting review"),
        ("Chosen", "Approved"),
    ]
    assert rows[0]["contact_name"] == "Pat Doe"
    assert rows[1]["contact_email"] == "chosen@example.org"


def test_export_is_refused_to_visitors(client):
    letter = make_letter()
    signature = make_signature(letter)

    response = post_action(client, "export_csv", [signature])

    assert response.status_code == 302
    assert "contact" not in response.content.decode()
