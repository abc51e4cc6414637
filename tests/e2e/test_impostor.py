"""An impostor signs with a free-mail address as an organization that signed an earlier letter
with its real domain; the moderator's "needs attention" list shows that entry first."""

import pytest

from signatures.models import Signature
from tests.e2e.steps import PASSWORD, admin_login, confirm_latest_mail_to, fill_signing_form
from tests.factories import make_letter, make_staff, submit_signature

pytestmark = pytest.mark.django_db(transaction=True)


def sign(page, live_server, letter, name, email, website=""):
    page.goto(f"{live_server.url}{letter.get_absolute_url()}")
    page.get_by_role("link", name="Add your organization").first.click()
    fill_signing_form(page, name=name, email=email, city="Seattle", website=website)
    page.get_by_role("heading", name="Check your email").wait_for()
    confirm_latest_mail_to(page, email)


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
    admin_login(page, live_server)
    page.goto(f"{live_server.url}/admin/signatures/signature/?status__exact=pending")
    page.get_by_role("link", name="Any impostor signal").click()
    screenshot("needs-attention")

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator(".field-name_display a").inner_text() == "ACLU of Washington"
    assert "Known organization, email from another domain" in rows.nth(0).inner_text()
    assert rows.nth(1).locator(".field-name_display a").inner_text() == "Small Mutual Aid Group"

    rows.nth(0).get_by_role("link", name="ACLU of Washington", exact=True).click()
    history = page.locator(".field-organization_history")
    assert "Earlier letter" in history.inner_text()
    assert "aclu-wa.org" in history.inner_text()
