"""Forms that guide, in the manner of the GOV.UK design system: an error summary at the top
that lists each problem as a link to its field and takes the focus, messages that name the
field, and each field described by its hint and its error (aria-describedby). The same on the
signing, manage, resend, lost-link, withdrawal and re-confirmation pages."""

import re
from html import unescape

import pytest
from django.urls import reverse

from signatures import tokens
from signatures.services import letter_revise
from tests.factories import make_confirmed_signature, make_signature, sign_form_data
from tests.form_data import as_person

pytestmark = pytest.mark.django_db


def summary_links(html: str) -> list[tuple[str, str]]:
    """(target, message) for each problem the summary links to, in order."""
    [summary] = re.findall(r'<div class="error-summary".*?</ul>', html, re.S)
    return [
        (target, unescape(text.strip()))
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary, re.S)
    ]


def test_the_empty_signing_form_lists_each_problem_by_name_as_a_link_to_its_field(client, letter):
    response = client.post(reverse("signatures:sign", args=[letter.slug]), as_person({}))
    html = response.content.decode()

    assert summary_links(html) == [
        ("id_name", "Enter your organization’s name"),
        ("id_city", "Enter your organization’s city"),
        ("id_country", "Enter your organization’s country"),
        ("id_contact_name", "Enter your name"),
        ("id_contact_email", "Enter your email address"),
        ("id_authorized", "Confirm that you are authorized to sign on behalf of this organization"),
    ]
    assert "There is a problem" in html
    assert "This field is required" not in html
    # The summary comes first in the page's content, and takes the focus when it loads.
    assert html.index('class="error-summary"') < html.index("<h1>")
    assert re.search(r'<div class="error-summary" tabindex="-1" autofocus>', html)
    assert "<title>Error: " in html


def test_each_field_is_described_by_its_hint_and_its_error(client, letter):
    data = sign_form_data(contact_email="not-an-email")
    html = client.post(reverse("signatures:sign", args=[letter.slug]), data).content.decode()

    [field] = re.findall(r'<input type="email" name="contact_email"[^>]*>', html)
    assert 'aria-describedby="id_contact_email_helptext id_contact_email_error"' in field
    assert 'aria-invalid="true"' in field
    assert 'id="id_contact_email_helptext"' in html
    error = re.search(r'<p class="error-message" id="id_contact_email_error">(.*?)</p>', html)
    assert "Enter an email address in the correct format, like name@example.org" in error[1]
    # The error sits between the hint and the field, as GOV.UK orders them.
    assert html.index('id="id_contact_email_helptext"') < error.start() < html.index(field)


def test_a_correct_form_has_no_summary_and_no_error_in_its_title(client, letter):
    html = client.get(reverse("signatures:sign", args=[letter.slug])).content.decode()

    assert "error-summary" not in html
    assert "<title>Error" not in html


def test_the_manage_page_guides_the_same_way(client, letter):
    signature = make_signature(letter)
    token = tokens.make_token(signature, tokens.MANAGE)
    data = {"name": "", "city": "Oakland", "country": "US", "contact_name": "Pat"}
    data |= {"contact_email": "pat@example.org"}

    html = client.post(reverse("signatures:manage_details", args=[token]), data).content.decode()

    assert summary_links(html) == [("id_name", "Enter your organization’s name")]


@pytest.mark.parametrize("page", ["signatures:resend", "signatures:recover"])
def test_the_resend_and_lost_link_pages_guide_the_same_way(client, letter, page):
    html = client.post(
        reverse(page, args=[letter.slug]), as_person({"name": "", "contact_email": "nope"})
    ).content.decode()

    assert summary_links(html) == [
        ("id_name", "Enter your organization’s name"),
        ("id_contact_email", "Enter an email address in the correct format, like name@example.org"),
    ]


def test_the_withdrawal_page_guides_the_same_way(client, letter):
    signature = make_signature(letter)
    token = tokens.make_token(signature, tokens.MANAGE)

    html = client.post(
        reverse("signatures:manage_withdraw", args=[token]), {"withdrawal_reason": "x" * 2001}
    ).content.decode()

    assert summary_links(html) == [
        ("id_withdrawal_reason", "Your reason must be 2000 characters or fewer")
    ]


def test_a_re_confirmation_overtaken_by_a_newer_revision_is_shown_as_the_summary(
    client, letter, staff
):
    signature = make_confirmed_signature(letter)
    letter.body = "First change."
    first = letter_revise(letter=letter, changed_by=staff, kind="material").revision
    letter.body = "Second change."
    letter_revise(letter=letter, changed_by=staff, kind="material")
    token = tokens.make_token(signature, tokens.CONFIRM)

    html = client.post(
        reverse("signatures:confirm", args=[token]), {"revision": first.number}
    ).content.decode()

    assert "There is a problem" in html
    assert "The letter was revised again while this page was open." in html
    assert html.index('class="error-summary"') < html.index("<h1>")
