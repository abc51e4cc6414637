"""The whole loop as people meet it: staff draft and open a letter in the admin, three
organizations sign through the form (one twice), confirm by the emailed links, staff approve
two and reject one, and the public reads exactly the two approved."""

import re

import pytest
from django.core import mail

from signatures.models import Signature
from tests.e2e.steps import PASSWORD, admin_login, confirm_latest_mail_to, fill_signing_form
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def draft_and_open_letter(page, live_server):
    page.goto(f"{live_server.url}/admin/letters/letter/add/")
    page.get_by_label("Title:").fill("Stop tracking riders")
    page.get_by_label("Addressees:").fill("Dana Whitfield, CEO\nBrightline Transit")
    page.get_by_label("Salutation:").fill("Dear Ms. Whitfield:")
    page.get_by_label("Body:").fill("We ask you to stop.\n\nThank you.")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_text("was added successfully").wait_for()
    assert page.get_by_label("Slug:").input_value() == "stop-tracking-riders"
    page.get_by_label("Status:").select_option(label="Open for signatures")
    page.get_by_role("button", name="Save", exact=True).click()
    # Opening asks for the organizers' address and to confirm that there is no deadline.
    page.get_by_text("This letter has no signing deadline").wait_for()
    page.get_by_text("An open letter needs the organizers’ contact address").wait_for()
    page.get_by_label("Organizers’ contact address:").fill("desk@riders.example.org")
    page.get_by_label("Open it without a signing deadline").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("was changed successfully").wait_for()


def sign(page, live_server, name, email, city="Oakland"):
    page.goto(f"{live_server.url}/letters/stop-tracking-riders/")
    page.get_by_role("link", name="Add your organization").first.click()
    fill_signing_form(page, name=name, email=email, city=city)


def moderate(page, live_server, name, action):
    page.goto(f"{live_server.url}/admin/signatures/signature/?status__exact=pending")
    row = page.get_by_role("row").filter(has_text=name)
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Run").click()
    page.locator(".messagelist").wait_for()


def reject_with_reason(page, live_server, name, reason):
    """Rejection asks for the reason on a confirmation page, like "delete selected"."""
    page.goto(f"{live_server.url}/admin/signatures/signature/?status__exact=pending")
    page.get_by_role("row").filter(has_text=name).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Reject selected signatures…")
    page.get_by_role("button", name="Run").click()
    page.get_by_label("Reason (optional):").fill(reason)
    page.get_by_role("button", name="Yes, reject").click()
    page.locator(".messagelist").wait_for()


def test_sign_on_loop_from_draft_to_public_page(page, live_server, screenshot, settings):
    settings.SITE_URL = live_server.url
    # Playwright fills the form faster than any person could; the robot check would drop it.
    settings.FORM_MIN_FILL_SECONDS = 0
    make_staff(password=PASSWORD)
    admin_login(page, live_server)
    draft_and_open_letter(page, live_server)

    sign(page, live_server, "Riders <b>for</b> Privacy", "ana@riders.example.org")
    page.get_by_role("heading", name="Check your email").wait_for()
    screenshot("check-email")
    sign(page, live_server, "Transit Justice Alliance", "sam@tja.example.org")
    sign(page, live_server, "Joke Signature Inc", "prank@example.com")
    sign(page, live_server, "The Riders <b>for</b> Privacy", "other@riders.example.org")
    page.get_by_role("heading", name="This organization has already been added").wait_for()
    assert Signature.objects.count() == 3

    for email in ("ana@riders.example.org", "sam@tja.example.org", "prank@example.com"):
        confirm_latest_mail_to(page, email)
        page.get_by_role("heading", name=re.compile("your signature is confirmed")).wait_for()
    assert Signature.objects.filter(status="pending").count() == 3

    moderate(page, live_server, "Riders <b>for</b> Privacy", "Approve selected signatures")
    moderate(page, live_server, "Transit Justice Alliance", "Approve selected signatures")
    reject_with_reason(page, live_server, "Joke Signature Inc", "Not a real organization.")
    rejection = [m for m in mail.outbox if m.to == ["prank@example.com"]][-1]
    assert "Not a real organization." in rejection.body
    page.goto(f"{live_server.url}/admin/signatures/signature/?status__exact=approved")
    row = page.get_by_role("row").filter(has_text="Transit Justice Alliance")
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Mark selected as lead signers")
    page.get_by_role("button", name="Run").click()
    page.locator(".messagelist").wait_for()

    page.goto(f"{live_server.url}/letters/stop-tracking-riders/")
    screenshot("public-letter")
    names = page.locator(".signatory-list .org").all_inner_texts()
    assert names == ["Transit Justice Alliance", "Riders <b>for</b> Privacy"]
    assert page.get_by_role("heading", name="Signatories (2)").is_visible()
    assert "Joke Signature" not in page.content()
    assert "ana@riders.example.org" not in page.content()
