"""A signer who uses only the keyboard, with and without JavaScript: errors (the summary takes
the focus and leads to each field), correction, signing, confirming, sharing and withdrawing."""

import pytest
from django.core import mail
from django.urls import reverse

from signatures.models import Signature
from tests.conftest import links_in
from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
  return (el.getAttribute('aria-label') || el.textContent || el.value || '').trim();
}"""


def tab_to(page, name, *, limit=60):
    """Press Tab until the focused element's label or text starts with `name`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME).startswith(name):
            return
    raise AssertionError(f"{name!r} never took the focus")


def focused(page, script):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def type_into(page, label, text):
    tab_to(page, label)
    page.keyboard.type(text)


def snapshot(page, step, javascript):
    """This test's own browser context, so not the `screenshot` fixture's page."""
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"keyboard-{step}-{'js' if javascript else 'no-js'}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def mail_link(kind, to):
    [message] = [m for m in mail.outbox if m.to == [to]][-1:]
    [link] = [link for link in links_in(message) if f"/{kind}/" in link]
    return link


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_keyboard_user_signs_confirms_shares_and_withdraws(
    browser, live_server, settings, javascript
):
    settings.SITE_URL = live_server.url
    letter = make_letter(title="Stop tracking riders")
    make_signature(letter, name="Riders for Privacy", is_lead=True)
    context = browser.new_context(java_script_enabled=javascript)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)

    # From the letter to its form, then straight to "Sign the letter" with nothing filled in.
    page.goto(live_server.url + letter.get_absolute_url())
    tab_to(page, "Add your organization")
    page.keyboard.press("Enter")
    page.get_by_label("Organization name").wait_for()
    tab_to(page, "Sign the letter")
    page.keyboard.press("Enter")

    # The summary has the focus and lists each problem; its first link leads to the field.
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert focused(page, "el.classList.contains('error-summary')")
    snapshot(page, "errors", javascript)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_NAME) == "Enter your organization’s name"
    page.keyboard.press("Enter")
    if not javascript:
        # Without script the browser moves only its starting point to the field; one Tab
        # (Shift+Tab back from the next one) reaches it.
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
    assert focused(page, "el.id") == "id_name"

    # Correction: every required field, typed, and the box ticked with Space.
    page.keyboard.type("Keyboard Coalition")
    type_into(page, "City", "Austin")
    type_into(page, "Country", "United States")
    type_into(page, "Your name", "Kai Keys")
    type_into(page, "Your email", "kai@keyboard.example.org")
    tab_to(page, "I am authorized")
    page.keyboard.press("Space")
    tab_to(page, "Sign the letter")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your email").wait_for()

    # Confirming, from the link in the mail.
    page.goto(mail_link("confirm", "kai@keyboard.example.org"))
    tab_to(page, "Confirm our signature")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you, your signature is confirmed").wait_for()
    assert Signature.objects.get(name="Keyboard Coalition").status == Signature.Status.PENDING

    # Sharing: the link to copy, the networks, an invitation.
    letter_url = f"{live_server.url}{letter.get_absolute_url()}"
    if javascript:
        tab_to(page, "Copy link")
        page.keyboard.press("Enter")
        page.get_by_role("status").filter(has_text="Link copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == letter_url
    else:
        assert page.get_by_role("button", name="Copy link").count() == 0  # it could not work
        tab_to(page, "Link to the letter")
        # Tabbing into the field selects the whole link, ready for Ctrl+C.
        assert focused(page, "el.value.substring(el.selectionStart, el.selectionEnd)") == (
            letter_url
        )
    tab_to(page, "Share on Bluesky")
    assert "bsky.app/intent/compose" in focused(page, "el.href")
    tab_to(page, "Invite another organization")
    assert "source%3Dkeyboard-coalition" in focused(page, "el.href")
    snapshot(page, "share", javascript)

    # Withdrawing, from the manage link in the mail: asked first, with a reason.
    page.goto(mail_link("manage", "kai@keyboard.example.org"))
    tab_to(page, "Withdraw our signature…")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Are you sure you want to withdraw").wait_for()
    type_into(page, "Why are you withdrawing?", "We merged with another group.")
    tab_to(page, "Yes, withdraw our signature")
    page.keyboard.press("Enter")
    page.get_by_text("This signature was withdrawn on").wait_for()
    signature = Signature.objects.get(name="Keyboard Coalition")
    assert signature.status == Signature.Status.WITHDRAWN
    assert signature.withdrawal_reason == "We merged with another group."
    context.close()


def test_the_sign_link_of_a_partner_carries_its_source_into_the_admin(page, live_server):
    letter = make_letter()
    page.goto(f"{live_server.url}{reverse('signatures:sign', args=[letter.slug])}?source=acme")

    assert page.locator("input[name=source]").input_value() == "acme"
