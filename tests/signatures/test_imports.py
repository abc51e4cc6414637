"""Importing the signatures a coalition already has: the file read as staff bring it, each row
judged as the signing form would (new, duplicate, invalid), and the new rows added in one
transaction that adds nothing when run again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from letters.models import Letter, LetterGroup
from signatures import imports
from signatures.imports import Verdict
from signatures.models import OutgoingMail, Signature, SignatureImport
from signatures.spreadsheets import UnreadableFile, read_sheet
from tests.factories import make_letter, make_signature, make_staff
from tests.signatures.import_files import csv_bytes, form_row, xlsx_bytes

pytestmark = pytest.mark.django_db

Confirmation = SignatureImport.Confirmation


def uploaded(letter, content, name="responses.xlsx"):
    sheet = read_sheet(name, content)
    return imports.signature_import_create(
        letter=letter, file_name=name, content=content, sheet=sheet, by=None
    )


def verdicts(signature_import):
    return [(row.verdict, row.problems) for row in imports.preview(signature_import).rows]


def test_a_google_form_export_is_read_by_its_column_names():
    content = csv_bytes([form_row(1, **{"Lead signer": "Yes", "Group": "National"})])

    sheet = read_sheet("responses.csv", content)
    columns = imports.map_columns(sheet.headers)

    assert {name: sheet.headers[position] for name, position in columns.items()} == {
        "name": "Organization name",
        "website": "Organization website",
        "city": "City",
        "region": "State",
        "country": "Country",
        "contact_name": "Your name",
        "contact_email": "Email Address",
        "is_lead": "Lead signer",
        "group": "Group",
    }
    assert sheet.rows == [(2, form_row(1, **{"Lead signer": "Yes", "Group": "National"}))]


def test_excel_csv_with_semicolons_in_the_windows_encoding_is_read():
    content = csv_bytes(
        [form_row(1, **{"Organization name": "Asociación Café"})], delimiter=";", encoding="cp1252"
    )

    sheet = read_sheet("export.csv", content)

    assert sheet.rows[0][1][1] == "Asociación Café"


def test_a_bare_name_column_is_the_organizations_unless_another_column_names_it():
    assert imports.map_columns(["Name", "City", "Country", "Contact", "Email"])["name"] == 0
    columns = imports.map_columns(["Name", "Organisation", "City", "Country", "E-mail"])
    assert (columns["name"], columns["contact_name"]) == (1, 0)


def test_a_file_without_a_required_column_is_refused_saying_which(letter):
    content = csv_bytes([["Riders", "Oakland"]], headers=["Organization", "City"])

    with pytest.raises(imports.MissingColumns) as refused:
        uploaded(letter, content, "list.csv")

    assert refused.value.missing == ["Country", "Your name", "Your email"]


def test_a_file_that_is_no_spreadsheet_is_refused():
    with pytest.raises(UnreadableFile):
        read_sheet("list.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile):
        read_sheet("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_preview_marks_each_row_new_duplicate_or_invalid_with_the_reason(letter):
    make_signature(letter, name="Riders for Privacy", status=Signature.Status.APPROVED)
    make_signature(letter, name="Withdrawn Group", status=Signature.Status.WITHDRAWN)
    signature_import = uploaded(
        letter,
        xlsx_bytes([
            form_row(1),
            form_row(2, **{"Organization name": "The Riders for Privacy"}),
            form_row(3, **{"Organization name": "Ryders for Privacy"}),
            form_row(4, **{"Email Address": "not an address"}),
            form_row(5, **{"Organization name": "Imported Organization 1"}),
            form_row(6, **{"Organization name": "Withdrawn Group"}),
            form_row(7, **{"Organization website": "not a site at all", "Country": ""}),
            form_row(8, **{"Lead signer": "maybe"}),
        ]),
    )  # fmt: skip

    assert verdicts(signature_import) == [
        (Verdict.NEW, []),
        (Verdict.DUPLICATE, ["Already on the letter as “Riders for Privacy” (Approved)."]),
        (
            Verdict.DUPLICATE,
            ["Looks like “Riders for Privacy”, already on the letter (Approved)."],
        ),
        (Verdict.INVALID, ["Your email: Enter a valid email address."]),
        (Verdict.DUPLICATE, ["The same organization as row 2."]),
        (Verdict.NEW, []),  # a withdrawn organization may sign again
        (
            Verdict.INVALID,
            [
                "Organization website (optional): Enter the website’s address, for example "
                "https://example.org.",
                "Country: This field is required.",
            ],
        ),
        (Verdict.INVALID, ["Lead signer: Enter yes or no."]),
    ]


def test_group_is_matched_by_name_and_an_unknown_one_is_invalid():
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National organizations")
    signature_import = uploaded(
        letter,
        xlsx_bytes([
            form_row(1, Group="national organizations", **{"Lead signer": "yes"}),
            form_row(2, Group="Nationals"),
        ]),
    )  # fmt: skip

    first, second = imports.preview(signature_import).rows
    assert (first.verdict, first.group, first.is_lead) == (Verdict.NEW, national, True)
    assert second.problems == [
        "Group: The letter has no group “Nationals”; add it on the letter’s page."
    ]


def test_importing_as_confirmed_adds_entries_awaiting_review_and_mails_nobody(
    letter, mailoutbox, django_capture_on_commit_callbacks
):
    signature_import = uploaded(letter, xlsx_bytes([form_row(1), form_row(2, Country="")]))

    with django_capture_on_commit_callbacks(execute=True):
        outcome = imports.signature_import_run(
            signature_import=signature_import, confirmation=Confirmation.CONFIRMED, by=None
        )

    assert (outcome.added, outcome.skipped) == (1, 1)
    [signature] = letter.signatures.all()
    assert signature.name == "Imported Organization 1"
    assert signature.status == Signature.Status.PENDING
    assert signature.confirmed_revision == letter.revisions.get()
    assert signature.organization.website_domain == "imported1.example.org"
    assert mailoutbox == []
    signature_import.refresh_from_db()
    assert (signature_import.status, signature_import.imported_count) == ("imported", 1)


def test_importing_with_confirmation_links_mails_each_contact_a_link_that_works(
    client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signature_import = uploaded(letter, xlsx_bytes([form_row(1), form_row(2)]))

    with django_capture_on_commit_callbacks(execute=True):
        imports.signature_import_run(
            signature_import=signature_import, confirmation=Confirmation.EMAIL, by=None
        )

    assert sorted(m.to[0] for m in mailoutbox) == [
        "contact1@imported1.example.org",
        "contact2@imported2.example.org",
    ]
    message = mailoutbox[0]
    assert "have Imported Organization" in message.body and "agreed to sign it" in message.body
    [link] = [line for line in message.body.split() if "/confirm/" in line]
    client.post(link.removeprefix("http://127.0.0.1:8000"))
    confirmed = Signature.objects.get(contact_email=message.to[0])
    assert confirmed.status == Signature.Status.PENDING


def test_an_import_runs_once_and_the_same_file_again_imports_nothing_new(letter):
    content = xlsx_bytes([form_row(n) for n in range(1, 6)])
    first = uploaded(letter, content)
    imports.signature_import_run(signature_import=first, confirmation="confirmed", by=None)

    again = imports.signature_import_run(signature_import=first, confirmation="email", by=None)
    assert again.already_imported and again.added == 0

    second = uploaded(letter, content)
    assert {verdict for verdict, _ in verdicts(second)} == {Verdict.DUPLICATE}
    outcome = imports.signature_import_run(signature_import=second, confirmation="email", by=None)
    assert outcome.added == 0
    assert letter.signatures.count() == 5
    assert not OutgoingMail.objects.exists()


def test_a_signer_who_used_the_form_meanwhile_is_not_doubled(letter):
    signature_import = uploaded(letter, xlsx_bytes([form_row(1), form_row(2)]))
    rows = imports.preview(signature_import).new
    assert len(rows) == 2
    make_signature(letter, name="Imported Organization 2", status=Signature.Status.UNCONFIRMED)

    outcome = imports.signature_import_run(
        signature_import=signature_import, confirmation="confirmed", by=None
    )

    assert (outcome.added, outcome.skipped) == (1, 1)
    assert letter.signatures.filter(name="Imported Organization 2").count() == 1


def test_imported_spreadsheets_are_purged_with_the_letters_contacts(settings):
    letter = make_letter(status=Letter.Status.CLOSED)
    Letter.objects.filter(pk=letter.pk).update(closed_at="2020-01-01T00:00Z")
    uploaded(letter, xlsx_bytes([form_row(1)]))
    kept = uploaded(make_letter(), xlsx_bytes([form_row(1)]))

    call_command("purge_contacts", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert list(SignatureImport.objects.all()) == [kept]


def test_staff_upload_check_the_preview_and_import_in_the_admin(staff_client, letter):
    add = reverse("admin:signatures_signatureimport_add")
    content = xlsx_bytes([form_row(1), form_row(2, **{"Email Address": "nope"})])

    response = staff_client.post(
        add, {"letter": letter.pk, "spreadsheet": SimpleUploadedFile("responses.xlsx", content)}
    )

    signature_import = SignatureImport.objects.get()
    change = reverse("admin:signatures_signatureimport_change", args=[signature_import.pk])
    assert response.status_code == 302 and response.url == change
    page = staff_client.get(change).content.decode()
    assert "New: 1" in page and "Invalid: 1" in page
    assert 'value="Import 1 new signature"' in page

    response = staff_client.post(change, {"confirmation": "confirmed", "_import": "1"})

    assert response.status_code == 302
    assert response.url.endswith(f"?letter__id__exact={letter.pk}&status__exact=pending")
    assert letter.signatures.get().name == "Imported Organization 1"
    messages = [str(m) for m in staff_client.get(response.url).context["messages"]]
    assert messages == [
        f"1 signature imported into “{letter.title}”.",
        "1 row skipped: a duplicate or invalid.",
    ]


def test_upload_without_the_required_columns_is_a_field_error(staff_client, letter):
    content = csv_bytes([["Riders", "Oakland"]], headers=["Organization", "City"])

    response = staff_client.post(
        reverse("admin:signatures_signatureimport_add"),
        {"letter": letter.pk, "spreadsheet": SimpleUploadedFile("list.csv", content)},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["spreadsheet"] == [
        "No column for: Country, Your name, Your email. The file’s columns are: Organization, City."
    ]
    assert not SignatureImport.objects.exists()


def test_the_letters_page_links_to_an_import_for_it(staff_client, letter):
    page = staff_client.get(reverse("admin:letters_letter_change", args=[letter.pk])).text

    add = reverse("admin:signatures_signatureimport_add")
    assert f'<a href="{add}?letter={letter.pk}">Import signatures</a>' in page
    form = staff_client.get(f"{add}?letter={letter.pk}").context["adminform"].form
    assert form.initial["letter"] == str(letter.pk)


@pytest.fixture
def staff(db):
    return make_staff()
