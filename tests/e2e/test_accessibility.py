"""axe-core (through Playwright, in Chromium) finds no violations on the pages the public and
signers meet, in both languages. (The keyboard alone, with and without JavaScript, is
tests/e2e/test_keyboard_only.py.)"""

from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.urls import reverse

from signatures import tokens
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
    page.get_by_role("heading", name="There is a problem").wait_for()
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
    page.get_by_role("heading", name="Hay un problema").wait_for()
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


@pytest.mark.parametrize("language", ["en", "es"])
def test_signer_and_outcome_pages_pass_the_accessibility_audit(
    page, live_server, screenshot, settings, language
):
    """The manage, withdrawal, lost-link, resend and new-address pages, with and without
    errors, a letter that was delivered and answered, whose signers came from several
    countries, and the page that says a large letter's PDF is being prepared."""
    settings.SITE_URL = live_server.url
    settings.LETTER_PDF_INLINE_MAX = 1  # so the two-signatory letter's PDF is the worker's
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    page.set_extra_http_headers({"Accept-Language": language})
    letter = make_letter(title="Stop tracking riders", organizers="Riders for Privacy")
    signature = make_signature(letter, name="Riders for Privacy", is_lead=True, country="Peru")
    make_signature(letter, name="Transit Justice Alliance", country="Ecuador")
    answered = make_letter(
        title="An answered letter", status="answered", delivered_on=date(2026, 3, 3),
        delivered_to="Jane Doe, CEO", delivered_how="by email", response_on=date(2026, 3, 20),
        response_text="We will **stop**.",
    )  # fmt: skip
    make_signature(answered, is_lead=True)
    manage = reverse("signatures:manage", args=[tokens.make_token(signature, tokens.MANAGE)])

    for step, url, errors in (
        ("manage", manage, False),
        ("withdraw", f"{manage}withdraw/", False),
        ("lost-link", reverse("signatures:recover", args=[letter.slug]), True),
        ("lost-link-sent", reverse("signatures:recover_done", args=[letter.slug]), False),
        ("resend", reverse("signatures:resend", args=[letter.slug]), True),
        (
            "confirm-new-address",
            reverse(
                "signatures:confirm_email",
                args=[tokens.make_email_token(signature, "new.contact@riders.example.org")],
            ),
            False,
        ),
        ("pdf-being-prepared", reverse("letters:pdf", args=[letter.slug]), False),
        ("answered-letter", answered.get_absolute_url(), False),
        ("index-with-counts", reverse("letters:list"), False),
    ):
        page.goto(live_server.url + url)
        assert_accessible(page, screenshot, f"{step}-{language}")
        if errors:
            page.locator("form button.button").first.click()
            page.locator(".error-summary").wait_for()
            assert_accessible(page, screenshot, f"{step}-errors-{language}")

    page.goto(live_server.url + manage)
    page.locator("#id_name").fill("")
    page.locator("form button.button").first.click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, screenshot, f"manage-errors-{language}")
