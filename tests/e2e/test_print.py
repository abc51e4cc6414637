"""Printing the letter page gives the letter as delivered: Chromium prints it to PDF with the
print stylesheet, and the PDF's text is what a reader of the paper would see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from letters.listing import public_signatories
from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_letter, make_signature
from tests.pdf_text import assert_in_order, pdf_text
from tests.publishing_data import make_coalition_letter

pytestmark = pytest.mark.django_db(transaction=True)


def printed_text(page, url, name) -> str:
    """Prints the page to PDF (kept under test-artifacts/ for a human look) and returns its
    text."""
    page.goto(url)
    pdf = page.pdf(format="Letter", print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return pdf_text(pdf)


def test_printed_letter_lists_the_same_names_in_the_same_order_without_site_chrome(
    live_server, page
):
    letter = make_coalition_letter()
    listing = public_signatories(letter)

    text = printed_text(page, live_server.url + letter.get_absolute_url(), "printed-letter")

    headings_and_names = [
        item for section in listing.sections for item in (section.title, *names(section))
    ]
    assert_in_order(text, [letter.title, "Dear Ms. Doe:", letter.closing, *headings_and_names])
    assert "Add your organization" not in text
    assert "Undersigned" not in text  # the site header and footer
    assert "Skip to content" not in text
    assert "CSV" not in text


def test_print_puts_signatories_in_columns(live_server, page):
    letter = make_coalition_letter(organizations=60)

    page.goto(live_server.url + letter.get_absolute_url())
    page.emulate_media(media="print")
    columns = page.eval_on_selector(".signatory-list", "el => getComputedStyle(el).columnCount")
    lefts = page.eval_on_selector_all(
        ".signatory-list li", "items => items.map(li => Math.round(li.getBoundingClientRect().x))"
    )

    assert columns == "2"
    assert len(set(lefts)) == 2


def names(section) -> list[str]:
    return [signature.name for signature in section.signatures]


def test_order_check_fails_when_two_names_are_swapped():
    with pytest.raises(AssertionError):
        assert_in_order("Beta Alpha", ["Alpha", "Beta"])


def test_print_drops_the_deadline_and_sharing_and_marks_lead_signers_with_countries(
    live_server, page
):
    letter = make_letter(signing_deadline=timezone.now() + timedelta(days=3))
    make_signature(letter, name="Lead Group", is_lead=True, city="Quito", country="Ecuador")
    make_signature(letter, name="Other Group", city="Lima", region="", country="Peru")

    page.goto(live_server.url + letter.get_absolute_url())
    assert page.get_by_text("Signatures are accepted until").is_visible()
    text = printed_text(page, live_server.url + letter.get_absolute_url(), "printed-deadline")

    assert "Signatures are accepted until" not in text
    assert "Share this letter" not in text
    assert_in_order(
        text, ["Lead Group, Quito, IL, Ecuador (lead signer)", "Other Group, Lima, Peru"]
    )
