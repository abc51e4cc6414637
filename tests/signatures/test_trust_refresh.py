"""The worker's refresh of trust signals: after signing, the queue says the flags are pending
until the worker has been; what it stores (keys, look-alike links, flags); and what it costs,
which does not grow with the letter's size in queries."""

import itertools

import pytest
from django.db import connection
from django.urls import reverse

from signatures import services, trust
from signatures.loadtest.seed import seed_signatures
from signatures.models import LookAlikeLink, Signature
from signatures.trust.names import names_look_alike
from signatures.trust.refresh import refresh_trust_flags
from tests.factories import make_letter, make_signature, sign_form_data, submit_signature
from tests.signatures.admin.pages import CHANGELIST

pytestmark = pytest.mark.django_db


def risk_cell(html: str) -> str:
    start = html.index('<td class="field-risk_display">') + len('<td class="field-risk_display">')
    return html[start : html.index("</td>", start)]


@pytest.mark.django_db(transaction=True)
def test_the_queue_says_the_flags_are_pending_until_the_worker_has_been(
    client,
    staff_client,
    settings,
    run_worker,  # noqa: F811
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    letter = make_letter()
    client.post(
        reverse("signatures:sign", args=[letter.slug]),
        sign_form_data(name="Small Group", contact_email="small.group@gmail.com"),
    )

    pending = staff_client.get(CHANGELIST, {"attention": "pending"})
    assert [row.name for row in pending.context["cl"].result_list] == ["Small Group"]
    assert risk_cell(pending.content.decode()) == "flags pending"

    run_worker()

    after = staff_client.get(CHANGELIST, {"status__exact": "unconfirmed"}).content.decode()
    assert (
        risk_cell(after) == '<span class="queue-flag"><strong>2</strong>: Free-mail address</span>'
    )
    assert not staff_client.get(CHANGELIST, {"attention": "pending"}).context["cl"].result_list


def test_look_alikes_are_stored_both_ways_and_follow_a_rename():
    letter = make_letter()
    real = submit_signature(letter, name="American Civil Liberties Union of Washington")
    short = submit_signature(letter, name="ACLU of Washington")
    links = set(LookAlikeLink.objects.values_list("signature", "other", "reasons"))
    assert links == {(real.pk, short.pk, "name"), (short.pk, real.pk, "name")}
    real.refresh_from_db()
    assert real.risk_flags == trust.Flag.NEAR_DUPLICATE

    services.signature_update_details(signature=short, data={"name": "Library Freedom Network"})

    assert not LookAlikeLink.objects.exists()
    real.refresh_from_db()
    assert real.risk_flags == ""


@pytest.mark.parametrize("signatures", [10, 2000])
def test_assessing_a_new_signature_costs_the_same_queries_on_a_letter_of_any_size(
    django_assert_num_queries, signatures
):
    letter = make_letter()
    seeded = seed_signatures(letter, signatures)
    typo = make_signature(
        letter, status=Signature.Status.PENDING, name=seeded[3].name.replace(" ", "", 1)
    )

    # Its letter; the pending rows; those to assess, locked; the letter's keys; the candidates;
    # the links before, deleted both ways, inserted; the rows to flag, locked, their links and
    # records; the flags of the assessed row and of the others; the savepoint, released; on
    # PostgreSQL the letter's advisory lock.
    with django_assert_num_queries(ASSESS_QUERIES + (connection.vendor == "postgresql")):
        refresh_trust_flags.call([typo.pk], True)

    typo.refresh_from_db()
    assert typo.risk_assessed_at is not None
    assert trust.Flag.NEAR_DUPLICATE in typo.risk_flags
    assert LookAlikeLink.objects.filter(signature=seeded[3].pk, other=typo.pk).exists()


ASSESS_QUERIES = 17


def test_look_alikes_found_from_the_keys_are_those_of_comparing_every_pair():
    """The candidates come from stored keys compared in memory; the judgement is the pairwise
    one. On names that look alike in every way test_trust.py knows, and names that do not."""
    names = [
        "ACLU of Washington", "American Civil Liberties Union of Washington", "ACLU",
        "American Civil Liberties Union", "NAACP",
        "National Association for the Advancement of Colored People", "Greenpeace USA",
        "Green Peace USA", "Riders for Privacy", "Riders Privacy", "Washington Tenants Union",
        "Tenants Union of Washington", "Friends of the Earth", "Friends of the River",
        "ACLU of Oregon", "Sierra Club", "Sierra Club Washington Chapter", "SEIU Local 1199",
        "SEIU Local 1107", "Organization 12", "Organization 13", "A.C.L.U. of Washington",
        "Transit Justice Alliance", "Transit Justice Coalition", "Membr group 0",
        "Member group 0",
    ]  # fmt: skip
    letter = make_letter()
    signatures = [make_signature(letter, name=name) for name in names]
    # Half of them assessed already, so both stored keys and fresh ones are compared.
    trust.refresh_now(signatures[::2])

    found = trust.assess(signatures)

    expected = {
        (a.pk, b.pk)
        for a, b in itertools.permutations(signatures, 2)
        if names_look_alike(a.name, b.name)
    }
    assert {(pk, alike.signature.pk) for pk, a in found.items() for alike in a.look_alikes} == (
        expected
    )
    assert len(expected) >= 12
