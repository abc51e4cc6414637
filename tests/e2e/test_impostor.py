"""An impostor signs with a free-mail address as an organization that signed an earlier letter
with its real domain; the moderator's "needs attention" list shows that entry first."""

import pytest
from django.core import mail

from signatures.models import Signature
from tests.conftest import links_in
from tests.factories import make_letter, make_staff, submit_signature

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def sign(page, live_server, letter, name, email, website=""):
    page.goto(f"{live_server.url}{letter.get_absolute_url()}")
    page.get_by_role("link", name="Add your organization").first.click()
    page.get_by_label("Organization name").fill(name)
    page.get_by_label("Organization website (optional)").fill(website)
    page.get_by_label("City").fill("Seattle")
    page.get_by_label("Country").fill("United States")
    page.get_by_label("Your name").fill("Pat Contact")
    page.get_by_label("Your email").fill(email)
    page.get_by_label("I am authorized to sign on behalf of this organization").check()
    page.get_by_role("button", name="Sign the letter").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    [message] = [m for m in mail.outbox if m.to == [email]][-1:]
    [link] = [link for link in links_in(message) if "/confirm/" in link]
    page.goto(link)
    page.get_by_role("button", name="Confirm our signature").click()


def test_impostor_with_free_mail_is_flagged_and_listed_first(
    page, live_server, screenshot, settings
):
    settings.SITE_URL = live_server.url
    submit_signature(
        make_letter(title="Earlier letter"),
        status=Signature.Status.APPROVED,
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
    letter = make_letter(title="Stop tracking riders")
    sign(page, live_server, letter, "Small Mutual Aid Group", "mutual.aid@yahoo.com")
    sign(page, live_server, letter, "Transit Justice Alliance", "sam@tja.org", "https://tja.org")
    sign(page, live_server, letter, "ACLU of Washington", "aclu.washington@gmail.com")

    make_staff(password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username:").fill("moderator")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/signatures/signature/?status__exact=pending")
    page.get_by_role("link", name="Any impostor signal").click()
    screenshot("needs-attention")

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("th").inner_text() == "ACLU of Washington"
    assert "Known organization, email from another domain" in rows.nth(0).inner_text()
    assert rows.nth(1).locator("th").inner_text() == "Small Mutual Aid Group"

    rows.nth(0).get_by_role("link", name="ACLU of Washington").click()
    history = page.locator(".field-organization_history")
    assert "Earlier letter" in history.inner_text()
    assert "aclu-wa.org" in history.inner_text()
