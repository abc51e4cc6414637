"""The moderation queue in the Django admin: its columns, filters, actions and trust signals."""

import csv
import io
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.models import Letter, LetterGroup
from signatures import trust
from signatures.models import Signature
from tests.factories import make_known_organization, make_letter, make_signature, submit_signature

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:signatures_signature_changelist")


def _row_names(response):
    return [row.name for row in response.context["cl"].result_list]


def _known_organization_and_impostor(letter):
    make_known_organization()
    return submit_signature(
        letter, name="ACLU of Washington", website="", contact_email="aclu.wa@gmail.com"
    )


def change_form_data(client, signature, **changes):
    """The change page's URL, and what its form posts back when staff alter only `changes`."""
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            value = "on" if value else ""
        data[name] = "" if value is None else value
    return url, data | changes


def test_impostor_sorts_first_under_needs_attention(staff_client):
    letter = make_letter()
    submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")
    submit_signature(letter, name="Transit Justice Alliance")
    submit_signature(
        letter,
        name="Bay Area Tenants",
        website="https://tenants.example",
        contact_email="x@elsewhere.example",
    )
    impostor = _known_organization_and_impostor(letter)

    response = staff_client.get(
        CHANGELIST, {"attention": "any", "letter__id__exact": letter.pk, "status": "pending"}
    )

    assert response.status_code == 200
    assert _row_names(response) == [impostor.name, "Bay Area Tenants", "Small Group"]


def test_needs_attention_filters_by_a_single_signal(staff_client):
    letter = make_letter()
    impostor = _known_organization_and_impostor(letter)
    submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")

    response = staff_client.get(
        CHANGELIST, {"attention": trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN.value}
    )

    assert _row_names(response) == [impostor.name]


def test_changelist_shows_signals_at_a_glance(staff_client):
    letter = make_letter()
    submit_signature(
        letter,
        name="American Civil Liberties Union of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
    submit_signature(
        letter,
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="someone@gmail.com",
    )

    response = staff_client.get(CHANGELIST, {"letter__id__exact": letter.pk})

    html = response.content.decode()
    look_alikes = re.findall(r'<td class="field-look_alikes_display">(.*?)</td>', html)
    assert sorted(re.sub("<[^>]+>", "", cell) for cell in look_alikes) == [
        "ACLU of Washington",
        "American Civil Liberties Union of Washington",
    ]
    assert '<td class="field-free_mail">free-mail</td>' in html
    assert '<td class="field-free_mail">—</td>' in html
    assert 'alt="True"' in html and 'alt="False"' in html


@pytest.mark.parametrize("rows", [5, 50])
def test_changelist_costs_a_constant_number_of_queries(
    staff_client, django_assert_max_num_queries, rows
):
    letters = [make_letter(), make_letter()]
    for n in range(rows):
        # Organizations sign both letters, so rows have histories to show.
        submit_signature(
            letters[n % 2], status=Signature.Status.APPROVED, name=f"Member group {n // 2}"
        )
    submit_signature(letters[0], name="Membr group 0")

    # Session, user, counts, the page, its trust assessment, the filters' and editable
    # columns' choices: the same bound for 5 rows or 50.
    with django_assert_max_num_queries(17):
        response = staff_client.get(CHANGELIST)

    result_list = response.context["cl"].result_list
    assert len(result_list) == rows + 1
    assert any(row.assessment.history for row in result_list)
    assert any(row.assessment.look_alikes for row in result_list)


def test_change_page_shows_signals_and_the_organizations_history(staff_client):
    earlier = make_letter(title="Earlier letter")
    submit_signature(
        earlier,
        status=Signature.Status.APPROVED,
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
    impostor = submit_signature(
        make_letter(), name="ACLU of Washington", website="", contact_email="aclu.wa@gmail.com"
    )

    response = staff_client.get(reverse("admin:signatures_signature_change", args=[impostor.pk]))

    html = response.content.decode()
    assert "Earlier letter" in html
    assert "aclu-wa.org" in html
    assert "Known organization, email from another domain" in html


def test_organization_admin_lists_its_signatures_on_every_letter(staff_client):
    first = submit_signature(make_letter(title="First letter"), name="Riders for Privacy")
    submit_signature(make_letter(title="Second letter"), name="Riders for Privacy")

    response = staff_client.get(
        reverse("admin:signatures_organization_change", args=[first.organization_id])
    )

    html = response.content.decode()
    assert "First letter" in html and "Second letter" in html


def test_reject_action_asks_for_a_reason_before_rejecting(staff_client, mailoutbox):
    signature = submit_signature(make_letter())
    mailoutbox.clear()

    response = staff_client.post(
        CHANGELIST, {"action": "reject", ACTION_CHECKBOX_NAME: [signature.pk]}
    )

    assert response.status_code == 200
    assert "admin/signatures/signature/reject_selected_confirmation.html" in [
        t.name for t in response.templates
    ]
    assert signature.name in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert mailoutbox == []


def test_reject_action_with_reason_rejects_and_mails_the_reason(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    signature = submit_signature(make_letter())
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {
                "action": "reject",
                ACTION_CHECKBOX_NAME: [signature.pk],
                "post": "yes",
                "reason": "Your director says nobody signed.",
            },
            follow=True,
        )

    assert "1 signature rejected." in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.rejection_reason == "Your director says nobody signed."
    assert signature.reviewed_by == staff
    [message] = mailoutbox
    assert "Your director says nobody signed." in message.body


def test_approve_action_mails_and_reports_skipped(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    letter = make_letter()
    pending = submit_signature(letter)
    unconfirmed = submit_signature(letter, status=Signature.Status.UNCONFIRMED)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {"action": "approve", ACTION_CHECKBOX_NAME: [pending.pk, unconfirmed.pk]},
            follow=True,
        )

    html = response.content.decode()
    assert "1 signature approved." in html
    assert "1 skipped" in html
    assert [m.to for m in mailoutbox] == [[pending.contact_email]]


def test_editing_a_signature_recomputes_its_flags_and_its_old_look_alikes(staff_client):
    letter = make_letter()
    real = submit_signature(letter, name="American Civil Liberties Union of Washington")
    typo = submit_signature(letter, name="ACLU of Washington")
    assert real.risk_flags == "" and typo.risk_flags == trust.Flag.NEAR_DUPLICATE
    real.refresh_from_db()
    assert real.risk_flags == trust.Flag.NEAR_DUPLICATE

    url, data = change_form_data(
        staff_client, typo, name="Library Freedom Network", organization=typo.organization_id
    )
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    real.refresh_from_db()
    typo.refresh_from_db()
    assert real.risk_flags == ""
    assert typo.risk_flags == ""


def run_action(client, action, signatures):
    return client.post(
        CHANGELIST,
        {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in signatures]},
        follow=True,
    )


def test_changelist_shows_the_queue_columns(staff_client, letter):
    make_signature(
        letter, name="Riders for Privacy", city="Oakland", region="CA",
        contact_name="Ana Ruiz", contact_email="ana@riders.example.org",
        status=Signature.Status.PENDING,
    )  # fmt: skip
    html = staff_client.get(CHANGELIST).content.decode()
    for text in ("Riders for Privacy", "Oakland, CA", "Ana Ruiz", "ana@riders.example.org",
                 "Awaiting review", letter.title):  # fmt: skip
        assert text in html


def test_filters_by_letter_status_and_lead_signer(staff_client, letter):
    other = make_letter(title="Another letter")
    make_signature(letter, name="Wanted Org", status=Signature.Status.PENDING)
    make_signature(letter, name="Approved Org")
    make_signature(other, name="Other Letter Org", status=Signature.Status.PENDING)
    make_signature(letter, name="Lead Org", is_lead=True)
    response = staff_client.get(
        CHANGELIST, {"letter__id__exact": letter.pk, "status__exact": "pending"}
    )
    rows = [row.name for row in response.context["cl"].result_list]
    assert rows == ["Wanted Org"]
    response = staff_client.get(CHANGELIST, {"is_lead__exact": "1"})
    assert [row.name for row in response.context["cl"].result_list] == ["Lead Org"]


@pytest.mark.parametrize("term", ["riders", "ana@riders", "Ana Ruiz", "riders-site"])
def test_search_by_organization_contact_email_and_website(staff_client, letter, term):
    make_signature(
        letter, name="Riders for Privacy", contact_name="Ana Ruiz",
        contact_email="ana@riders.example.org", website="https://riders-site.example.org",
    )  # fmt: skip
    make_signature(letter, name="Unrelated", contact_name="Bo", contact_email="bo@x.example.org")
    response = staff_client.get(CHANGELIST, {"q": term})
    assert [row.name for row in response.context["cl"].result_list] == ["Riders for Privacy"]


def test_bulk_approve_and_reject_record_the_reviewer(staff_client, staff, letter):
    a = make_signature(letter, status=Signature.Status.PENDING)
    b = make_signature(letter, status=Signature.Status.PENDING)
    c = make_signature(letter, status=Signature.Status.PENDING)
    response = run_action(staff_client, "approve", [a, b])
    assert "2 signatures approved." in response.content.decode()
    confirmation = run_action(staff_client, "reject", [c])
    assert "Reason (optional)" in confirmation.content.decode()
    staff_client.post(
        CHANGELIST,
        {"action": "reject", ACTION_CHECKBOX_NAME: [c.pk], "post": "yes", "reason": "Not real"},
    )
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.status == Signature.Status.APPROVED and a.reviewed_by == staff
    assert c.status == Signature.Status.REJECTED and c.reviewed_by == staff


def test_approving_unconfirmed_signatures_is_skipped_with_a_warning(staff_client, letter):
    unconfirmed = make_signature(letter, status=Signature.Status.UNCONFIRMED)
    response = run_action(staff_client, "approve", [unconfirmed])
    html = response.content.decode()
    assert "0 signatures approved." in html
    assert "1 skipped: not confirmed by their contact" in html
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Signature.Status.UNCONFIRMED


def test_lead_signers_marked_in_bulk_and_ordered_in_the_list(staff_client, letter):
    a = make_signature(letter, name="Alpha")
    b = make_signature(letter, name="Beta")
    run_action(staff_client, "mark_lead", [a, b])
    assert Signature.objects.filter(is_lead=True).count() == 2
    data = {
        "form-TOTAL_FORMS": 2, "form-INITIAL_FORMS": 2,
        "form-0-id": b.pk, "form-0-lead_order": 1,
        "form-1-id": a.pk, "form-1-lead_order": 2,
        "_save": "Save",
    }  # fmt: skip
    staff_client.post(CHANGELIST + "?o=1", data)
    public = staff_client.get(letter.get_absolute_url()).content.decode()
    assert public.index("Beta") < public.index("Alpha")
    run_action(staff_client, "unmark_lead", [a])
    a.refresh_from_db()
    assert not a.is_lead


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_changelist_queries_do_not_grow_with_rows(staff_client, letter):
    for _ in range(5):
        make_signature(letter, status=Signature.Status.PENDING)
    few = count_queries(staff_client, CHANGELIST)
    for _ in range(55):
        make_signature(letter, status=Signature.Status.PENDING)
    many = count_queries(staff_client, CHANGELIST)
    assert few == many


def test_change_page_queries_do_not_grow_with_the_letter(staff_client, letter):
    signature = make_signature(letter)
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    few = count_queries(staff_client, url)
    for _ in range(60):
        make_signature(letter)
    assert count_queries(staff_client, url) == few


def test_contact_details_are_shown_to_staff_on_the_change_page(staff_client, letter):
    signature = make_signature(letter, contact_email="private@riders.example.org")
    html = staff_client.get(
        reverse("admin:signatures_signature_change", args=[signature.pk])
    ).content.decode()
    assert "private@riders.example.org" in html


def test_staff_cannot_blank_the_contact_email_of_a_live_signature(staff_client, letter):
    signature = make_signature(letter)
    url, data = change_form_data(staff_client, signature, contact_email="")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "contact_email": ["This field is required."]
    }
    signature.refresh_from_db()
    assert signature.contact_email


def test_staff_rename_onto_another_signatory_gets_a_field_error(staff_client, letter):
    make_signature(letter, name="First Org")
    signature = make_signature(letter, name="Second Org")
    url, data = change_form_data(staff_client, signature, name="first org")
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["Another organization with this name has already signed this letter."]
    }


def post_action(client, action, signatures, query=""):
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

    response = post_action(staff_client, "export_csv", [chosen, also])

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

    response = post_action(client, "export_csv", [signature])

    assert response.status_code == 302
    assert "contact" not in response.content.decode()


def test_move_to_group_action_moves_only_signatures_of_that_groups_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    mine = make_signature(letter)
    other = make_signature(make_letter())

    response = post_action(
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

    post_action(
        staff_client,
        f"move_to_group_{national.pk}",
        [signature],
        query=f"?letter__id__exact={letter.pk}",
    )

    after = client.get(text_url).content.decode()
    assert before.endswith("Other organizations\nAlpha Org\nZed Org\n")
    assert after.endswith("National\nZed Org\n\nOther organizations\nAlpha Org\n")


def test_remove_from_group_action(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    signature = make_signature(letter, group=group)

    post_action(staff_client, "remove_from_group", [signature])

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


def test_move_to_group_actions_are_offered_only_for_the_filtered_letter(staff_client):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=letter, name="National", order=1)
    make_signature(letter)

    html = staff_client.get(CHANGELIST).content.decode()

    assert "Move selected to group" not in html


def test_moderator_approves_from_the_signature_page(staff_client, staff):
    signature = make_signature(make_letter(), status=Signature.Status.PENDING)
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    page = staff_client.get(url).content.decode()
    assert "Approve this signature" in page
    assert 'name="CHANGE_FORM-seen_at"' in page

    staff_client.post(url, {"CHANGE_FORM-action": "approve", ACTION_CHECKBOX_NAME: [signature.pk]})

    signature.refresh_from_db()
    assert signature.status == Signature.Status.APPROVED
    assert signature.reviewed_by == staff


def test_moderator_rejects_with_a_reason_from_the_signature_page(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    signature = make_signature(make_letter(), status=Signature.Status.PENDING)
    url = reverse("admin:signatures_signature_change", args=[signature.pk])
    page = staff_client.post(
        url, {"CHANGE_FORM-action": "reject", ACTION_CHECKBOX_NAME: [signature.pk]}
    )
    assert "Reason (optional)" in page.content.decode()
    assert 'name="CHANGE_FORM-action" value="reject"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            url,
            {
                "CHANGE_FORM-action": "reject",
                ACTION_CHECKBOX_NAME: [signature.pk],
                "post": "yes",
                "reason": "We could not verify it.",
            },
        )

    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert "We could not verify it." in mailoutbox[-1].body


def test_a_staff_edit_writes_only_what_staff_changed(staff_client, letter):
    """So a signer's confirmation or withdrawal landing while the form is open survives it."""
    signature = make_signature(letter, name="Edited Org")
    url, data = change_form_data(staff_client, signature, lead_order=3)

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(url, data)

    assert response.status_code == 302
    [update] = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "signatures_signature" SET "lead_order"')
    ]  # fmt: skip
    assert '"status"' not in update and '"withdrawn_at"' not in update
    signature.refresh_from_db()
    assert signature.lead_order == 3


def test_an_entry_renamed_after_the_page_was_shown_is_not_approved_unseen(staff_client, letter):
    from signatures import services

    signature = make_signature(letter, name="Tiny Group", status=Signature.Status.PENDING)
    page = staff_client.get(CHANGELIST)
    assert 'type="hidden" name="seen_at"' in page.content.decode()
    seen_at = page.context["action_form"]["seen_at"].value()
    services.signature_update_details(signature=signature, data={"name": "Sierra Club"})

    response = staff_client.post(
        CHANGELIST,
        {"action": "approve", ACTION_CHECKBOX_NAME: [signature.pk], "seen_at": seen_at},
        follow=True,
    )

    assert "changed since you loaded the page" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
