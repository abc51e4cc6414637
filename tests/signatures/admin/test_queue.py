"""The moderation queue: its columns, the needs-attention filter and the others, search, and
what a page of it costs in queries."""

import re

import pytest
from django.utils import timezone

from letters.models import Letter, LetterGroup
from letters.services import letter_current_revision
from signatures import trust
from signatures.loadtest.seed import seed_signatures
from signatures.models import Signature
from tests.factories import make_known_organization, make_letter, make_signature, submit_signature
from tests.signatures.admin.pages import CHANGELIST, EVERY_STATUS, row_names

pytestmark = pytest.mark.django_db

# Session and user; the letter, revision and source filters' choices; the count and the page;
# the page's stored look-alikes; the date hierarchy's first and last dates and its probes.
CHANGELIST_QUERIES = 10
# Where letters on the page list by group: their groups, for the rows' approve selects, once.
GROUPS_QUERY = 1


def _known_organization_and_impostor(letter):
    make_known_organization()
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
    assert row_names(response) == [impostor.name, "Bay Area Tenants", "Small Group"]


def test_needs_attention_filters_by_a_single_signal(staff_client):
    letter = make_letter()
    impostor = _known_organization_and_impostor(letter)
    submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")

    response = staff_client.get(
        CHANGELIST, {"attention": trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN.value}
    )

    assert row_names(response) == [impostor.name]


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
    risks = re.findall(r'<td class="field-risk_display">(.*?)</td>', html)
    assert sorted(re.sub("<[^>]+>", "", cell) for cell in risks) == [
        "4: Looks like another signature on this letterLooks like: ACLU of Washington",
        "6: Looks like another signature on this letter; Free-mail addressLooks like: "
        "American Civil Liberties Union of Washington",
    ]


@pytest.mark.parametrize("rows", [5, 50])
def test_changelist_costs_the_same_queries_for_5_rows_or_50(
    staff_client, django_assert_num_queries, rows
):
    """Every row shows trust columns (its look-alikes, its risk) and a select of groups: the
    page reads its rows' stored look-alikes in one query and the groups once."""
    grouped = make_letter(grouping=Letter.Grouping.GROUP)
    for order in (1, 2):
        LetterGroup.objects.create(letter=grouped, name=f"Group {order}", order=order)
    letters = [grouped, make_letter()]
    for n in range(rows):
        # Organizations sign both letters, so rows have histories to show.
        submit_signature(letters[n % 2], name=f"Member group {n // 2}")
    submit_signature(letters[0], name="Membr group 0")

    with django_assert_num_queries(CHANGELIST_QUERIES + GROUPS_QUERY):
        response = staff_client.get(CHANGELIST, {"status__exact": "pending"})

    result_list = response.context["cl"].result_list
    assert len(result_list) == rows + 1
    assert any(row.look_alike_count for row in result_list)
    # Each row of the grouped letter offers its groups to approve into.
    on_grouped = (rows + 1) // 2 + 1
    assert response.content.decode().count(">Group 2</option>") == on_grouped
    assert response.content.decode().count(">Approve</button>") == rows + 1


def test_changelist_shows_the_queue_columns(staff_client, letter):
    make_signature(
        letter, name="Riders for Privacy", city="Oakland", region="CA",
        contact_name="Ana Ruiz", contact_email="ana@riders.example.org",
        status=Signature.Status.PENDING,
    )  # fmt: skip
    html = staff_client.get(CHANGELIST, follow=True).content.decode()
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
    assert row_names(response) == ["Wanted Org"]
    response = staff_client.get(CHANGELIST, {"is_lead__exact": "1"})
    assert row_names(response) == ["Lead Org"]


@pytest.mark.parametrize("term", ["riders", "ana@riders", "Ana Ruiz", "riders-site"])
def test_search_by_organization_contact_email_and_website(staff_client, letter, term):
    make_signature(
        letter, name="Riders for Privacy", contact_name="Ana Ruiz",
        contact_email="ana@riders.example.org", website="https://riders-site.example.org",
    )  # fmt: skip
    make_signature(letter, name="Unrelated", contact_name="Bo", contact_email="bo@x.example.org")
    response = staff_client.get(CHANGELIST, {"q": term})
    assert row_names(response) == ["Riders for Privacy"]


def _queue_views(letter, revision):
    today = timezone.localdate()
    return {
        "the review queue": {"status__exact": "pending"},
        "everything": EVERY_STATUS,
        "a letter's queue": {"letter__id__exact": letter.pk, "status__exact": "pending"},
        "riskiest first": {"attention": "any"},
        "a year": {"submitted_at__year": today.year},
        "a month": {"submitted_at__year": today.year, "submitted_at__month": today.month},
        "a revision": {"confirmed_revision__id__exact": revision.pk},
    }


@pytest.mark.parametrize("table", [100, 2500])
def test_changelist_costs_the_same_queries_whatever_the_table_holds(
    staff_client, django_assert_num_queries, table
):
    """Filters, the date hierarchy and the riskiest-first order included: nothing is counted
    or sorted over the whole table but the page's own count. A letter's queue reads that
    letter's groups too, for its "move to group" actions."""
    letter = make_letter()
    revision = letter_current_revision(letter=letter)
    seed_signatures(letter, table - 20)
    seed_signatures(make_letter(), 20, status=Signature.Status.PENDING, seed=3)
    Signature.objects.filter(letter=letter).update(confirmed_revision=revision)
    submit_signature(letter, name="Small Group", contact_email="small.group@gmail.com")

    for view, params in _queue_views(letter, revision).items():
        groups = "letter__id__exact" in params
        with django_assert_num_queries(CHANGELIST_QUERIES + groups):
            response = staff_client.get(CHANGELIST, params)
        assert response.status_code == 200, view
        assert response.context["cl"].result_list, view
