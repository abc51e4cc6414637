"""The publishing parts of the signatures admin: the staff CSV export and the groups."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.models import Letter, LetterGroup
from signatures.models import Signature
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:signatures_signature_changelist")


def run_action(client, action, signatures, query=""):
    return client.post(
        CHANGELIST + query,
        {"action": action, "_selected_action": [s.pk for s in signatures]},
    )


def test_staff_export_includes_contacts_of_the_selected_signatures(staff_client):
    letter = make_letter()
    chosen = make_signature(letter, name="Chosen", contact_email="chosen@example.org")
    make_signature(letter, name="Not chosen")
    make_signature(letter, name="Also chosen", status="pending", contact_name="Pat Doe")
    also = Signature.objects.get(name="Also chosen")

    response = run_action(staff_client, "export_csv", [chosen, also])

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert [(r["name"], r["status"]) for r in rows] == [
        ("Also chosen", "Awaiting review"),
        ("Chosen", "Approved"),
    ]
    assert rows[0]["contact_name"] == "Pat Doe"
    assert rows[1]["contact_email"] == "chosen@example.org"


def test_export_is_refused_to_visitors(client):
    letter = make_letter()
    signature = make_signature(letter)

    response = run_action(client, "export_csv", [signature])

    assert response.status_code == 302
    assert "contact" not in response.content.decode()


def test_move_to_group_action_moves_only_signatures_of_that_groups_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    mine = make_signature(letter)
    other = make_signature(make_letter())

    response = run_action(
        staff_client,
        f"move_to_group_{national.pk}",
        [mine, other],
        query=f"?letter__id__exact={letter.pk}",
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.group == national
    assert other.group is None


def test_moving_to_a_group_changes_the_public_order(staff_client, client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    signature = make_signature(letter, name="Zed Org")
    make_signature(letter, name="Alpha Org")
    text_url = reverse("letters:text", args=[letter.slug])
    before = client.get(text_url).content.decode()

    run_action(staff_client, f"move_to_group_{national.pk}", [signature])

    after = client.get(text_url).content.decode()
    assert before.endswith("Other organizations\nAlpha Org\nZed Org\n")
    assert after.endswith("National\nZed Org\n\nOther organizations\nAlpha Org\n")


def test_remove_from_group_action(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    signature = make_signature(letter, group=group)

    run_action(staff_client, "remove_from_group", [signature])

    signature.refresh_from_db()
    assert signature.group is None


def test_changelist_offers_the_groups_of_the_filtered_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=letter, name="National", order=1)
    elsewhere = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=elsewhere, name="Faraway", order=1)
    make_signature(letter)

    html = staff_client.get(CHANGELIST + f"?letter__id__exact={letter.pk}").content.decode()

    assert "Move selected to group “National" in html
    assert "Faraway" not in html.split('name="action"')[1].split("</select>")[0]


def test_group_of_another_letter_is_refused_on_the_change_form(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    signature = make_signature(letter)
    foreign = LetterGroup.objects.create(letter=make_letter(), name="Faraway", order=1)
    data = {
        "is_lead": "", "lead_order": 0, "group": foreign.pk, "name": signature.name,
        "website": signature.website, "city": signature.city, "region": signature.region,
        "country": signature.country, "contact_name": signature.contact_name,
        "contact_title": "", "contact_email": signature.contact_email, "authorized": "on",
        "note": "",
    }  # fmt: skip

    response = staff_client.post(
        reverse("admin:signatures_signature_change", args=[signature.pk]), data
    )

    assert response.status_code == 200
    assert "Choose a group of this signature" in response.content.decode()
    signature.refresh_from_db()
    assert signature.group is None


def test_staff_set_groups_in_the_list(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    local = LetterGroup.objects.create(letter=letter, name="Local", order=2)
    signature = make_signature(letter)
    data = {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1,
        "form-0-id": signature.pk, "form-0-lead_order": 0, "form-0-group": local.pk,
        "_save": "Save",
    }  # fmt: skip

    response = staff_client.post(CHANGELIST, data)

    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.group == local


def test_change_list_reads_the_groups_once_however_many_rows(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    for order in (1, 2):
        LetterGroup.objects.create(letter=letter, name=f"Group {order}", order=order)

    def queries_with(rows):
        while Signature.objects.count() < rows:
            make_signature(letter)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(CHANGELIST).status_code == 200
        return len(queries)

    assert queries_with(5) == queries_with(50)
