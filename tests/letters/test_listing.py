import pytest

from letters.listing import public_signatories
from letters.models import Letter, LetterGroup
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db


def names(signatures):
    return [s.name for s in signatures]


def test_ungrouped_letter_lists_leads_in_lead_order_then_everyone_alphabetically_ignoring_accents():
    letter = make_letter()
    for name in ("zeta Fund", "Alpha Network", "Émigrés United", "beta Center"):
        make_signature(letter, name=name)
    make_signature(letter, name="Second Lead", is_lead=True, lead_order=2)
    make_signature(letter, name="First Lead", is_lead=True, lead_order=1)

    listing = public_signatories(letter)

    assert [s.title for s in listing.sections] == [""]
    assert not listing.is_grouped
    assert names(listing) == [
        "First Lead", "Second Lead", "Alpha Network", "beta Center", "Émigrés United", "zeta Fund",
    ]  # fmt: skip
    assert len(listing) == 6


def test_only_approved_signatures_are_listed():
    letter = make_letter()
    make_signature(letter, name="Approved Org")
    for status in ("unconfirmed", "pending", "rejected", "withdrawn"):
        make_signature(letter, status=status, name=f"{status} org")

    assert names(public_signatories(letter)) == ["Approved Org"]


def test_assigned_groups_come_in_staff_order_each_with_its_own_leads_first():
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    local = LetterGroup.objects.create(letter=letter, name="Local", order=2)
    national = LetterGroup.objects.create(letter=letter, name="National", order=1)
    LetterGroup.objects.create(letter=letter, name="Empty", order=3)
    make_signature(letter, name="B Local", group=local)
    make_signature(letter, name="A Local", group=local)
    make_signature(letter, name="Z Local Lead", group=local, is_lead=True, lead_order=1)
    make_signature(letter, name="Y National", group=national)
    make_signature(letter, name="Z National Lead", group=national, is_lead=True, lead_order=5)
    make_signature(letter, name="Unplaced")

    listing = public_signatories(letter)

    assert [(s.title, names(s.signatures)) for s in listing.sections] == [
        ("National", ["Z National Lead", "Y National"]),
        ("Local", ["Z Local Lead", "A Local", "B Local"]),
        ("Other organizations", ["Unplaced"]),
    ]
    assert [s.group_name for s in listing.sections] == ["National", "Local", ""]
    assert listing.is_grouped


def test_by_region_sorts_regions_alphabetically_and_puts_organizations_without_one_last():
    letter = make_letter(grouping=Letter.Grouping.REGION)
    make_signature(letter, name="Texan", region="TX")
    make_signature(letter, name="Abroad", region="")
    make_signature(letter, name="Chicago", region="IL")
    make_signature(letter, name="Peoria", region=" il ")
    make_signature(letter, name="Aurora", region="IL")

    listing = public_signatories(letter)

    assert [(s.title, names(s.signatures)) for s in listing.sections] == [
        ("IL", ["Aurora", "Chicago", "Peoria"]),
        ("TX", ["Texan"]),
        ("Other organizations", ["Abroad"]),
    ]


def test_staff_assigned_groups_are_ignored_when_the_letter_is_not_grouped():
    letter = make_letter()
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    make_signature(letter, name="B", group=group)
    make_signature(letter, name="A")

    listing = public_signatories(letter)

    assert [s.title for s in listing.sections] == [""]
    assert names(listing) == ["A", "B"]


def test_public_listing_loads_no_contact_fields():
    letter = make_letter()
    make_signature(letter, name="Org")

    signature = public_signatories(letter).signatures[0]

    for private in ("contact_name", "contact_email", "submitted_ip", "note"):
        assert not hasattr(signature, private)


@pytest.mark.parametrize("grouping", list(Letter.Grouping))
def test_listing_takes_at_most_two_queries_however_many_signed(
    grouping, django_assert_max_num_queries
):
    letter = make_letter(grouping=grouping)
    group = LetterGroup.objects.create(letter=letter, name="National", order=1)
    for _ in range(40):
        make_signature(letter, group=group)

    with django_assert_max_num_queries(2):
        listing = public_signatories(letter)
    assert len(listing) == 40
