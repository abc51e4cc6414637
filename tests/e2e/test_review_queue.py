"""A moderator clears the review queue on a laptop's screen (1280 pixels): the list fits
without scrolling sideways, ten signatures go with ten clicks on their rows' Approve buttons,
ten more with ten clicks on "Approve and next", and the last one from the keyboard alone."""

import re

import pytest

from signatures.models import Signature
from tests.e2e.steps import PASSWORD, admin_login
from tests.e2e.test_keyboard_only import tab_to
from tests.factories import make_letter, make_staff, submit_signature

pytestmark = pytest.mark.django_db(transaction=True)

FITS = """() => {
  const root = document.documentElement;
  const results = document.querySelector('#changelist .results');
  const table = document.getElementById('result_list');
  return {page: root.scrollWidth, screen: root.clientWidth,
          table: table.getBoundingClientRect().right, box: results.getBoundingClientRect().right,
          scrolled: results.scrollWidth, shown: results.clientWidth};
}"""


def fill_the_queue(letter, count):
    for n in range(count):
        # Long names and addresses, some free-mail: what makes a row wide.
        mail = f"coordinator.{n}@gmail.com" if n % 3 else f"coordinator@org{n}.example.org"
        submit_signature(
            letter,
            name=f"Coalition of Neighborhood Associations for Transit Justice {n:02d}",
            website=f"https://www.neighborhood-associations-number-{n:02d}.example.org/about",
            contact_email=mail,
            city="San Francisco",
            region="California",
            country="United States",
        )


def rows(page):
    return page.locator("#result_list tbody tr")


def test_moderator_clears_the_queue_with_one_click_each(page, live_server, screenshot):
    letter = make_letter(title="Stop tracking riders: an open letter to the transit board")
    fill_the_queue(letter, 21)
    make_staff(password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, live_server)

    page.goto(f"{live_server.url}/admin/signatures/signature/")
    assert page.url.endswith("?status__exact=pending")
    screenshot("queue")
    fits = page.evaluate(FITS)
    assert fits["page"] <= fits["screen"], fits
    # The table fits its box too, which would otherwise scroll sideways inside the page.
    assert fits["scrolled"] <= fits["shown"] and fits["table"] <= fits["box"], fits

    for clicks in range(1, 11):
        row = rows(page).first
        name = row.locator(".field-name_display a").inner_text()
        row.get_by_role("button", name=f"Approve {name}", exact=True).click()
        page.get_by_text(f"“{name}” approved.").wait_for()
        assert Signature.objects.approved().count() == clicks
    assert page.url.endswith("?status__exact=pending")

    rows(page).first.locator(".field-name_display a").click()
    for clicks in range(1, 11):
        page.get_by_role("button", name="Approve and next").click()
        page.get_by_text("approved.").wait_for()
        assert Signature.objects.approved().count() == 10 + clicks
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 1
    screenshot("last-one")

    # The last one from the keyboard: the button is reached by Tab and shows its focus.
    tab_to(page, "Approve and next")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.get_by_text("That was the last signature of this list.").wait_for()
    assert re.search(r"/admin/signatures/signature/\?status__exact=pending$", page.url)
    assert rows(page).count() == 0
    assert not Signature.objects.filter(status=Signature.Status.PENDING).exists()
