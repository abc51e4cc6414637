from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.models import Letter, LetterRevision
from signatures.models import Signature
from signatures.services import letter_revise
from tests.conftest import links_in
from tests.factories import make_confirmed_signature, make_letter, make_signature
from tests.letters.admin_pages import change_form_data, change_url

pytestmark = pytest.mark.django_db

Kind = LetterRevision.Kind


def test_editing_a_letter_nobody_has_confirmed_asks_nothing_and_records_nothing(
    staff_client, letter
):
    make_signature(letter, status=Signature.Status.UNCONFIRMED)
    page = staff_client.get(change_url(letter)).content.decode()
    assert "This edit is" not in page

    response = staff_client.post(
        change_url(letter), change_form_data(staff_client, letter, body="New words.")
    )

    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).body == "New words."
    assert not LetterRevision.objects.exists()


def test_editing_the_text_of_a_confirmed_letter_requires_the_choice(staff_client, letter):
    make_confirmed_signature(letter)
    page = staff_client.get(change_url(letter)).content.decode()
    assert "This edit is…</legend>" in page
    assert "a typo fix (signers are not asked again)" in page
    assert "a material change: this will email 1 signer, asking them to re-confirm" in page

    response = staff_client.post(
        change_url(letter), change_form_data(staff_client, letter, title="A new title")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "Say whether this edit is a typo fix or a material change" in str(
        form.errors["revision_kind"]
    )
    # Shown beside the field, the admin's usual way.
    html = response.content.decode()
    row = html[html.index("field-revision_kind") : html.index("field-revision_note")]
    assert 'class="errorlist"' in row and "typo fix or a material change" in row
    assert Letter.objects.get(pk=letter.pk).title == letter.title
    assert letter.revisions.count() == 1


def test_editing_other_fields_of_a_confirmed_letter_needs_no_choice(staff_client, letter):
    make_confirmed_signature(letter)

    response = staff_client.post(
        change_url(letter),
        change_form_data(staff_client, letter, status=Letter.Status.CLOSED),
    )

    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.CLOSED
    assert letter.revisions.count() == 1


def test_browser_line_endings_alone_are_not_an_edit_of_the_agreed_text(staff_client, letter):
    make_confirmed_signature(letter)
    data = change_form_data(staff_client, letter, status=Letter.Status.CLOSED)
    # What a browser posts back for untouched text areas.
    data["body"] = letter.body.replace("\n", "\r\n")
    data["addressees"] = letter.addressees.replace("\n", "\r\n")

    response = staff_client.post(change_url(letter), data)

    assert response.status_code == 302
    assert letter.revisions.count() == 1
    assert "\r" not in Letter.objects.get(pk=letter.pk).body


def test_admin_typo_fix_records_a_revision_and_sends_no_mail(
    staff_client, staff, letter, mailoutbox, django_capture_on_commit_callbacks
):
    make_confirmed_signature(letter)
    data = change_form_data(
        staff_client, letter, salutation="Dear Ms Doe:", revision_kind=Kind.TYPO
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(letter), data)

    assert response.status_code == 302
    revision = letter.revisions.latest()
    assert (revision.number, revision.kind, revision.created_by) == (2, Kind.TYPO, staff)
    assert revision.salutation == "Dear Ms Doe:"
    assert mailoutbox == []


def test_admin_material_change_emails_each_signer_a_working_link(
    staff_client, client, letter, mailoutbox, django_capture_on_commit_callbacks
):
    signers = [make_confirmed_signature(letter) for _ in range(3)]
    data = change_form_data(
        staff_client,
        letter,
        body="We ask you to stop at once.",
        revision_kind=Kind.MATERIAL,
        revision_note="Now asks for an immediate stop.",
        confirm_mailing="on",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url(letter), data, follow=True)

    assert [str(m) for m in response.context["messages"]][0] == (
        "3 signers were emailed to re-confirm or withdraw."
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.contact_email for s in signers)
    revision = letter.revisions.latest()
    assert (revision.kind, revision.note) == (Kind.MATERIAL, "Now asks for an immediate stop.")

    staff_client.logout()
    for message, signer in (
        (m, s) for m in mailoutbox for s in signers if m.to[0] == s.contact_email
    ):
        path = next(urlsplit(u).path for u in links_in(message) if "/confirm/" in u)
        assert "We ask you to stop at once." in client.get(path).content.decode()
        client.post(path, {"revision": str(revision.number)})
        signer.refresh_from_db()
        assert signer.confirmed_revision == revision


def test_letter_change_page_lists_revisions_read_only(
    staff_client, letter, django_capture_on_commit_callbacks
):
    make_confirmed_signature(letter)
    letter.body = "Changed."
    with django_capture_on_commit_callbacks(execute=True):
        letter_revise(letter=letter, changed_by=None, kind=Kind.MATERIAL, note="Why it changed")

    response = staff_client.get(change_url(letter))

    [inline] = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is LetterRevision
    ]
    assert not inline.has_add_permission and not inline.has_change_permission
    page = response.content.decode()
    assert "Why it changed" in page
    revision = letter.revisions.latest()
    content_type = ContentType.objects.get_for_model(LetterRevision)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, revision.pk])
    assert view_on_site in page
    assert staff_client.get(view_on_site)["Location"].endswith(
        f"/letters/{letter.slug}/revisions/2/"
    )


def test_moderator_sees_which_revision_each_signer_confirmed(
    staff_client, letter, django_capture_on_commit_callbacks
):
    early = make_confirmed_signature(letter, name="Early Organization")
    letter.title = "Second wording"
    with django_capture_on_commit_callbacks(execute=True):
        second = letter_revise(letter=letter, changed_by=None, kind=Kind.MATERIAL, note="").revision
    late = make_confirmed_signature(letter, name="Late Organization")
    assert (early.confirmed_revision.number, late.confirmed_revision) == (1, second)

    url = reverse("admin:signatures_signature_changelist")
    listing = staff_client.get(url, {"status__exact": "all"})
    rows = {s.name: s for s in listing.context["cl"].result_list}
    assert rows["Early Organization"].confirmed_revision.number == 1
    assert rows["Late Organization"].confirmed_revision.number == 2
    page = listing.content.decode()
    assert "Second wording — revision 2" in page
    assert f"{early.confirmed_revision.title} — revision 1" in page

    filtered = staff_client.get(url, {"confirmed_revision__id__exact": second.pk})
    assert [s.name for s in filtered.context["cl"].result_list] == ["Late Organization"]


def test_moderator_list_costs_no_query_per_signature(staff_client, letter):
    url = reverse("admin:signatures_signature_changelist")

    def queries_for_listing():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url, {"status__exact": "pending"}).status_code == 200
        return len(queries)

    make_confirmed_signature(letter)
    queries_for_listing()  # warm the session and content types
    with_one = queries_for_listing()
    for _ in range(10):
        make_confirmed_signature(letter)

    assert queries_for_listing() == with_one


def test_letter_changelist_counts_signatures_per_status(staff_client, letter):
    make_signature(letter, status=Signature.Status.PENDING)
    make_signature(letter, status=Signature.Status.PENDING)
    make_signature(letter)
    make_signature(letter, status=Signature.Status.UNCONFIRMED)
    make_signature(letter, status=Signature.Status.WITHDRAWN)
    response = staff_client.get(reverse("admin:letters_letter_changelist"))
    [row] = response.context["cl"].result_list
    counts = (row.unconfirmed, row.pending, row.approved, row.rejected, row.withdrawn)
    assert counts == (1, 2, 1, 0, 1)


@pytest.mark.parametrize("letters", [3, 30])
def test_letter_changelist_queries_do_not_grow(
    staff_client, db, letters, django_assert_max_num_queries
):
    for _ in range(letters):
        make_signature(make_letter())
    with django_assert_max_num_queries(10):
        assert staff_client.get(reverse("admin:letters_letter_changelist")).status_code == 200


def test_view_on_site_is_the_public_page_or_the_draft_preview(staff_client, db):
    draft = make_letter(status="draft")
    public = make_letter(status="open")
    draft_html = staff_client.get(
        reverse("admin:letters_letter_change", args=[draft.pk])
    ).content.decode()
    public_html = staff_client.get(
        reverse("admin:letters_letter_change", args=[public.pk])
    ).content.decode()
    assert reverse("letters:preview", args=[draft.slug]) in draft_html
    assert public.get_absolute_url() in public_html


def test_staff_choose_grouping_description_and_groups_on_the_letter(staff_client, letter):
    data = {
        "title": letter.title, "slug": letter.slug, "status": letter.status, "language": "en",
        "letter_date": "2026-03-05", "addressees": letter.addressees,
        "salutation": letter.salutation, "body": letter.body, "closing": letter.closing,
        "description": "Short and shareable.", "grouping": "group",
        "groups-TOTAL_FORMS": 2, "groups-INITIAL_FORMS": 0,
        "groups-0-name": "National organizations", "groups-0-order": 1,
        "groups-1-name": "State and local organizations", "groups-1-order": 2,
        "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = staff_client.post(reverse("admin:letters_letter_change", args=[letter.pk]), data)

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.grouping == Letter.Grouping.GROUP
    assert letter.description == "Short and shareable."
    assert [g.name for g in letter.groups.all()] == [
        "National organizations",
        "State and local organizations",
    ]
