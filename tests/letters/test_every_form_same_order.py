"""Done when: a letter with 300 approved organizations, five of them lead signers and grouped
national/local, gives the same names in the same order on the page, in the .txt, in the
CSV/JSON and in the PDF rendered on the server (read back with pypdf). (The page as Chromium
prints it is compared in tests/e2e/test_print.py.)"""

import csv
import io
import re
import unicodedata
from html import unescape

import pytest
from django.urls import reverse

from letters.lettertext import RULE
from letters.listing import public_signatories
from tests.pdf_text import assert_in_order, pdf_text
from tests.publishing_data import make_coalition_letter

pytestmark = pytest.mark.django_db


def plain(name: str) -> str:
    """A name as an alphabetical list compares it: no case, no accents."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def names_on_page(html: str) -> list[str]:
    return [unescape(name) for name in re.findall(r'<span class="org">(.*?)</span>', html)]


def lines_in_text(text: str, letter) -> list[str]:
    """The lines after the closing line that are organizations (each with its place), not
    group headings, up to the record of delivery."""
    tail = text.split(f"\n{letter.closing}\n", 1)[1].split(f"\n{RULE}\n", 1)[0]
    headings = {section.title for section in public_signatories(letter).sections}
    return [line for line in tail.splitlines() if line and line not in headings]


def assert_lines_name(lines: list[str], names: list[str]):
    """Each line is its organization's name, then its place or the lead mark."""
    assert len(lines) == len(names)
    for line, name in zip(lines, names, strict=True):
        assert line == name or line.startswith((f"{name}, ", f"{name} (")), (line, name)


def test_page_text_csv_and_json_list_the_same_names_in_the_same_order(client):
    letter = make_coalition_letter()
    expected = [s.name for s in public_signatories(letter)]
    assert len(expected) == 300

    page = client.get(letter.get_absolute_url()).content.decode()
    text = client.get(reverse("letters:text", args=[letter.slug])).content.decode()
    table = client.get(reverse("letters:signatories_csv", args=[letter.slug])).content.decode()
    data = client.get(reverse("letters:signatories_json", args=[letter.slug])).json()

    pdf = client.get(reverse("letters:pdf", args=[letter.slug]))

    assert names_on_page(page) == expected
    assert_lines_name(lines_in_text(text, letter), expected)
    assert [row["name"] for row in csv.DictReader(io.StringIO(table))] == expected
    assert [row["name"] for row in data["signatories"]] == expected
    assert pdf["Content-Type"] == "application/pdf"
    assert_in_order(pdf_text(pdf.content), expected)


def test_the_pdf_is_the_letter_as_delivered_with_its_headings_and_leads_marked(client):
    letter = make_coalition_letter(organizations=40)
    listing = public_signatories(letter)

    text = pdf_text(client.get(reverse("letters:pdf", args=[letter.slug])).content)

    lead = next(s for s in listing if s.is_lead)
    headings_and_names = [
        item
        for section in listing.sections
        for item in (section.title, *(s.name for s in section.signatures))
    ]
    assert_in_order(text, [letter.title, "Dear Ms. Doe:", letter.closing, *headings_and_names])
    assert f"{lead.name}, " in text and "(lead signer)" in text
    assert "Add your organization" not in text
    assert "Signatures are accepted until" not in text


def test_the_order_is_national_then_local_each_with_its_leads_first_then_alphabetical(db):
    letter = make_coalition_letter()
    sections = public_signatories(letter).sections

    assert [s.title for s in sections] == [
        "National organizations",
        "State and local organizations",
    ]
    for section in sections:
        leads = [s for s in section.signatures if s.is_lead]
        others = section.signatures[len(leads) :]
        assert section.signatures[: len(leads)] == sorted(leads, key=lambda s: s.lead_order)
        assert not any(s.is_lead for s in others)
        assert [plain(s.name) for s in others] == sorted(plain(s.name) for s in others)
    assert sum(s.is_lead for section in sections for s in section.signatures) == 5


def test_the_text_and_the_page_show_the_same_group_headings_in_the_same_order(client):
    letter = make_coalition_letter(organizations=30)
    text = client.get(reverse("letters:text", args=[letter.slug])).content.decode()
    page = client.get(letter.get_absolute_url()).content.decode()

    page_headings = re.findall(r'<h3 class="signatory-group" lang="en">(.*?)</h3>', page)
    text_headings = [h for h in page_headings if f"\n\n{h}\n" in text]
    assert page_headings == ["National organizations", "State and local organizations"]
    assert text_headings == page_headings
    assert text.index("National organizations") < text.index("State and local organizations")
