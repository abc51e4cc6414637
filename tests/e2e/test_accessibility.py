"""axe-core (through Playwright, in Chromium) finds no violations on the pages the public and
signers meet, and the signing flow works with the keyboard alone and without JavaScript."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse

from signatures.models import Signature
from tests.conftest import links_in
from tests.e2e.steps import fill_signing_form
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
# Everything axe checks by default plus the WCAG 2.2 AA and best-practice rules.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


def assert_accessible(page, screenshot, step):
    results = AXE.run(page, options=AXE_OPTIONS)
    screenshot(step)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def letter_with_signatories():
    letter = make_letter(title="Stop tracking riders")
    make_signature(letter, name="Riders for Privacy", is_lead=True, lead_order=1)
    make_signature(letter, name="Transit Justice Alliance", city="Chicago", region="IL")
    return letter


def test_public_pages_pass_the_accessibility_audit(
    page, live_server, screenshot, letter_with_signatories
):
    closed = make_letter(status="closed", title="A closed letter")
    make_signature(closed)
    for step, url in (
        ("index", reverse("letters:list")),
        ("letter", letter_with_signatories.get_absolute_url()),
        ("closed-letter", closed.get_absolute_url()),
    ):
        page.goto(live_server.url + url)
        assert_accessible(page, screenshot, step)


def test_signing_and_confirmation_pages_pass_the_accessibility_audit(
    page, live_server, screenshot, settings, letter_with_signatories
):
    settings.SITE_URL = live_server.url
    letter = letter_with_signatories
    page.goto(live_server.url + reverse("signatures:sign", args=[letter.slug]))
    assert_accessible(page, screenshot, "sign-form")

    page.get_by_role("button", name="Sign the letter").click()
    page.get_by_text("Please correct").wait_for()
    assert_accessible(page, screenshot, "sign-form-errors")

    fill_signing_form(
        page, name="Library Freedom Network", email="lee@lfn.example.org", city="Boston"
    )
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page, screenshot, "check-email")

    [link] = [link for link in links_in(mail.outbox[-1]) if "/confirm/" in link]
    page.goto(link)
    assert_accessible(page, screenshot, "confirm")
    page.get_by_role("button", name="Confirm our signature").click()
    page.get_by_role("heading", name="Thank you, your signature is confirmed").wait_for()
    assert_accessible(page, screenshot, "confirmed")


def fill_by_keyboard(page, text):
    page.keyboard.type(text)
    page.keyboard.press("Tab")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_signing_flow_works_with_the_keyboard_alone(
    browser, live_server, settings, letter_with_signatories, javascript
):
    settings.SITE_URL = live_server.url
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + letter_with_signatories.get_absolute_url())
    # Tab from the top of the page to the first "Add your organization" link and follow it.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Add your organization":
            break
    page.keyboard.press("Enter")
    page.get_by_label("Organization name").wait_for()
    page.get_by_label("Organization name").focus()
    for value in ("Keyboard Coalition", "", "Austin", "TX", "United States",
                  "Kai Keys", "", "kai@keyboard.example.org"):  # fmt: skip
        fill_by_keyboard(page, value)
    page.keyboard.press("Space")  # the "authorized" checkbox has focus now
    assert page.get_by_label("I am authorized to sign on behalf of this organization").is_checked()
    page.get_by_role("button", name="Sign the letter").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your email").wait_for()

    [link] = [link for link in links_in(mail.outbox[-1]) if "/confirm/" in link]
    page.goto(link)
    page.get_by_role("button", name="Confirm our signature").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you, your signature is confirmed").wait_for()
    assert Signature.objects.get(name="Keyboard Coalition").status == Signature.Status.PENDING
    context.close()


def test_spanish_public_pages_pass_the_accessibility_audit(
    page, live_server, screenshot, letter_with_signatories
):
    """A browser that asks for Spanish gets every public page in Spanish, as accessible."""
    page.set_extra_http_headers({"Accept-Language": "es-ES,es;q=0.9"})
    closed = make_letter(status="closed", title="A closed letter")
    make_signature(closed)
    for step, url, words in (
        ("index-es", reverse("letters:list"), "Cartas para firmar"),
        ("letter-es", letter_with_signatories.get_absolute_url(), "Firmantes"),
        ("closed-letter-es", closed.get_absolute_url(), "Esta carta ya no admite nuevas firmas"),
        ("embed-es", reverse("letters:embed", args=[letter_with_signatories.slug]), "Añada su"),
    ):
        page.goto(live_server.url + url)
        assert page.locator("html").get_attribute("lang") == "es"
        assert page.get_by_text(words).first.is_visible()
        assert_accessible(page, screenshot, step)


def test_spanish_signing_flow_chosen_by_the_switcher_passes_the_accessibility_audit(
    page, live_server, screenshot, settings, letter_with_signatories
):
    """An English browser switches to Spanish once, on the letter; every page after that,
    the mail and its confirmation link stay in Spanish, and axe finds nothing on any."""
    settings.SITE_URL = live_server.url
    letter = letter_with_signatories
    page.goto(live_server.url + letter.get_absolute_url())
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    page.get_by_role("link", name="Añada su organización").first.click()
    page.get_by_role("heading", name="Añada su organización a «Stop tracking riders»").wait_for()
    assert page.url.endswith("?lang=es")
    assert_accessible(page, screenshot, "sign-form-es")

    page.get_by_role("button", name="Firmar la carta").click()
    page.get_by_text("Corrija, por favor").wait_for()
    assert_accessible(page, screenshot, "sign-form-errors-es")

    page.get_by_label("Nombre de la organización").fill("Red de Bibliotecas Libres")
    page.get_by_label("Ciudad").fill("San Juan")
    page.get_by_label("País").fill("Puerto Rico")
    page.get_by_label("Su nombre").fill("Lucía Lectora")
    page.get_by_label("Su correo electrónico").fill("lucia@rbl.example.org")
    page.get_by_label("Estoy autorizado/a para firmar en nombre de esta organización").check()
    page.get_by_role("button", name="Firmar la carta").click()
    page.get_by_role("heading", name="Revise su correo").wait_for()
    assert_accessible(page, screenshot, "check-email-es")

    message = mail.outbox[-1]
    assert message.subject.startswith("Confirme, por favor")
    [link] = [link for link in links_in(message) if "/confirm/" in link]
    page.goto(link)
    assert_accessible(page, screenshot, "confirm-es")
    page.get_by_role("button", name="Confirmar nuestra firma").click()
    page.get_by_role("heading", name="Gracias, su firma está confirmada").wait_for()
    assert_accessible(page, screenshot, "confirmed-es")
    assert Signature.objects.get(name="Red de Bibliotecas Libres").language == "es"
