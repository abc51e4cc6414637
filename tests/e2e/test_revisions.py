"""A material change as staff and signers meet it: staff edit a letter two organizations have
confirmed, are asked what kind of edit it is, call it material; each signer follows the
emailed link, reads what changed and re-confirms; the public page shows the history."""

import re

import pytest
from django.core import mail

from signatures.models import Signature
from tests.conftest import links_in
from tests.e2e.test_sign_on_loop import PASSWORD, admin_login
from tests.factories import make_confirmed_signature, make_letter, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_material_change_is_reconfirmed_by_each_signer(page, live_server, screenshot, settings):
    settings.SITE_URL = live_server.url
    make_staff(password=PASSWORD)
    letter = make_letter(title="Stop tracking riders", body="We ask you to stop.\n\nThank you.")
    signers = [
        make_confirmed_signature(letter, name="Riders for Privacy"),
        make_confirmed_signature(letter, name="Transit Justice Alliance"),
    ]
    admin_login(page, live_server)

    page.goto(f"{live_server.url}/admin/letters/letter/{letter.pk}/change/")
    page.get_by_label("Body:").fill(
        "We ask you to stop.\n\nWe also ask for a public hearing.\n\nThank you."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Say whether this edit is a typo fix or a material change").wait_for()
    screenshot("admin-asks-kind-of-edit")
    page.get_by_label(re.compile("a material change")).check()
    page.get_by_label("Note on this edit").fill("Adds the request for a public hearing.")
    page.get_by_role("button", name="Save", exact=True).click()
    # Nothing is sent until staff confirm the mailing the page announces.
    page.get_by_text("Saving this material change will email 2 signers").wait_for()
    assert mail.outbox == []
    page.get_by_label("Yes, email them now").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("2 signers were emailed to re-confirm or withdraw.").wait_for()
    page.get_by_text("was changed successfully").wait_for()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.contact_email for s in signers)
    for message in mail.outbox:
        [link] = [link for link in links_in(message) if "/confirm/" in link]
        page.goto(link)
        page.get_by_role("heading", name="The letter has changed").wait_for()
        assert page.locator("ins").filter(has_text="We also ask for a public hearing.").count()
        screenshot("reconfirm-page")
        page.get_by_role("button", name="Confirm: we sign the letter as it now reads").click()
        page.get_by_role("heading", name=re.compile("your signature is confirmed")).wait_for()

    assert {s.confirmed_revision.number for s in Signature.objects.all()} == {2}

    page.goto(f"{live_server.url}/letters/{letter.slug}/")
    page.get_by_text("Last revised").wait_for()
    page.get_by_role("heading", name="Revision history").wait_for()
    screenshot("public-history")
    page.get_by_role("link", name="Revision 1").click()
    page.get_by_text("Revision 1 of this letter").wait_for()
    assert "public hearing" not in page.locator("article").inner_text()
