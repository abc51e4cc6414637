import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from signatures import trust
from signatures.models import Signature
from tests.factories import make_letter, submit_signature

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:signatures_signature_changelist")


def _row_names(response):
    return [row.name for row in response.context["cl"].result_list]


def _known_organization_and_impostor(letter):
    submit_signature(
        make_letter(),
        status=Signature.Status.APPROVED,
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
    return submit_signature(
        letter, name="ACLU of Washington", website="", contact_email="aclu.wa@gmail.com"
    )


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
    assert "American Civil Liberties Union of Washington</a> (similar name, same website)" in html
    assert '<td class="field-free_mail">free-mail</td>' in html
    assert '<td class="field-free_mail">—</td>' in html
    assert 'alt="True"' in html and 'alt="False"' in html
    assert "Free-mail address" in html


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

    url = reverse("admin:signatures_signature_change", args=[typo.pk])
    response = staff_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"name": "Library Freedom Network", "organization": typo.organization_id}
    data = {key: value for key, value in data.items() if key in form.fields}
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    real.refresh_from_db()
    typo.refresh_from_db()
    assert real.risk_flags == ""
    assert typo.risk_flags == ""
