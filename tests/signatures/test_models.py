import pytest
from django.db import IntegrityError

from signatures.models import Signature, normalize_organization_name
from tests.factories import make_signature


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Digital Rights Coalition", "digital rights coalition"),
        ("Digital  Rights   Coalition", "Digital Rights Coalition"),
        ("Digital Rights Coalition, Inc.", "Digital Rights Coalition Inc"),
        ("Riders & Friends", "Riders and Friends"),
        ("ÉCOLE LIBRE", "école libre"),
    ],
)
def test_spellings_of_one_organization_normalize_equal(a, b):
    assert normalize_organization_name(a) == normalize_organization_name(b)


def test_different_organizations_normalize_differently():
    assert normalize_organization_name("Theater Guild") != normalize_organization_name("Guild")
    assert normalize_organization_name("Theater Guild") == "theater guild"


def test_database_refuses_a_second_signature_for_the_same_organization(letter):
    make_signature(letter, name="The Open Streets Project")
    with pytest.raises(IntegrityError):
        make_signature(letter, name="open streets project")


def test_same_organization_may_sign_different_letters(letter):
    from tests.factories import make_letter

    make_signature(letter, name="Open Streets Project")
    other = make_signature(make_letter(), name="Open Streets Project")
    assert other.pk


def test_database_refuses_an_approved_signature_without_confirmation(letter):
    with pytest.raises(IntegrityError):
        Signature.objects.create(
            letter=letter,
            name="Never Confirmed",
            city="X",
            country="Y",
            contact_name="A",
            contact_email="a@example.org",
            status=Signature.Status.APPROVED,
        )
