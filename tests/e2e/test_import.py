"""A coalition brings the 300 organizations that signed its Google Form: staff upload the
spreadsheet from the letter's page, see the 20 already on the letter and the 5 with mistakes
marked with their reasons, import the rest as confirmed, and uploading it again adds nothing."""

import pytest

from signatures.models import Signature
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.steps import PASSWORD, admin_login
from tests.factories import make_letter, make_signature, make_staff
from tests.signatures.import_files import form_row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def spreadsheet(path, letter):
    """300 rows: 20 organizations already on the letter (10 by the same name written another
    way, 10 by a look-alike), 5 rows with a mistake, 275 new."""
    rows = []
    for n in range(1, 301):
        if n <= 10:
            rows.append(form_row(n, **{"Organization name": f"THE  Existing Group {n}"}))
        elif n <= 20:
            rows.append(form_row(n, **{"Organization name": f"Existing Grop {n}"}))
        elif n <= 25:
            rows.append(form_row(n, **{"Email Address": f"contact{n} at example"}))
        else:
            rows.append(form_row(n))
    for n in range(1, 21):
        make_signature(letter, name=f"Existing Group {n}")
    path.write_bytes(xlsx_bytes(rows))
    return path


def upload(page, live_server, letter, path):
    page.goto(f"{live_server.url}/admin/letters/letter/{letter.pk}/change/")
    page.get_by_role("link", name="Import signatures").click()
    page.get_by_label("Spreadsheet:").set_input_files(path)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Check the rows below, then import the new ones.").wait_for()


def test_staff_import_a_300_row_spreadsheet_once(page, live_server, tmp_path):
    letter = make_letter(title="Stop tracking riders")
    path = spreadsheet(tmp_path / "Google Form responses.xlsx", letter)
    make_staff(password=PASSWORD)
    admin_login(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})

    upload(page, live_server, letter, path)

    verdicts = page.locator(".import-verdicts")
    for text in ("All (300)", "New: 275", "Duplicate: 20", "Invalid: 5"):
        assert verdicts.get_by_text(text).is_visible()
    page.get_by_role("link", name="Invalid: 5").click()
    page.wait_for_url("**?verdict=invalid")
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 5
    assert "Your email: Enter a valid email address." in rows.first.inner_text()
    page.get_by_role("link", name="Duplicate: 20").click()
    page.wait_for_url("**?verdict=duplicate")
    assert "Already on the letter as “Existing Group 1”" in rows.first.inner_text()
    assert "Looks like “Existing Group 11”" in rows.nth(10).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(ARTIFACTS / "import-preview.png"))

    page.get_by_label("They have agreed already: count them as confirmed").check()
    page.get_by_role("button", name="Import 275 new signatures").click()
    page.get_by_text("275 signatures imported into “Stop tracking riders”.").wait_for()
    page.get_by_text("25 rows skipped: duplicates or invalid.").wait_for()

    assert letter.signatures.filter(status=Signature.Status.PENDING).count() == 275
    assert letter.signatures.count() == 295

    upload(page, live_server, letter, path)
    page.get_by_text("This same file was imported on").wait_for()
    assert page.locator(".import-verdicts").get_by_text("New: 0").is_visible()
    assert page.get_by_role("button", name="Import 0 new signatures").is_disabled()
    assert letter.signatures.count() == 295
