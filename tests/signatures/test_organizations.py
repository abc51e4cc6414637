"""Organization records across letters, and the trust flags stored when signatures change."""

import pytest

from signatures import services, trust
from signatures.models import Organization
from tests.factories import make_known_organization, make_letter, signer_data, submit_signature

pytestmark = pytest.mark.django_db


def test_submit_creates_an_organization_record_from_the_name_and_website():
    signature = submit_signature(
        make_letter(), name="The Open Streets Project", website="https://www.openstreets.org/x"
    )

    organization = signature.organization
    assert organization.name == "The Open Streets Project"
    assert organization.normalized_name == "open streets project"
    assert organization.website_domain == "openstreets.org"


def test_organization_that_signed_before_is_recognised_by_its_normalized_name():
    first = submit_signature(make_letter(), name="Riders for Privacy", website="")
    second = submit_signature(make_letter(), name="riders  for PRIVACY!", website="")

    assert second.organization == first.organization
    assert Organization.objects.count() == 1


def test_organization_that_signed_before_is_recognised_by_its_website_domain():
    first = submit_signature(
        make_letter(), name="ACLU of Washington", website="https://aclu-wa.org"
    )
    second = submit_signature(
        make_letter(),
        name="American Civil Liberties Union of Washington",
        website="http://www.aclu-wa.org/en",
    )

    assert second.organization == first.organization


def test_pages_on_a_shared_host_do_not_merge_organizations():
    first = submit_signature(make_letter(), website="https://facebook.com/riders")
    second = submit_signature(make_letter(), website="https://facebook.com/tenants")

    assert first.organization != second.organization
    assert first.organization.website_domain == ""


def test_duplicate_submission_creates_no_second_organization():
    letter = make_letter()
    data = signer_data(name="Commuters United")
    services.signature_submit(letter=letter, data=data, ip=None)
    result = services.signature_submit(letter=letter, data=data, ip=None)

    assert result.outcome is services.SubmitOutcome.ALREADY_SIGNED
    assert Organization.objects.count() == 1


def test_impostor_with_free_mail_signing_as_known_organization_is_flagged_at_submit():
    make_known_organization()

    impostor = submit_signature(
        make_letter(),
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="aclu.washington@gmail.com",
    )

    flags = impostor.risk_flags.split(",")
    assert trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN in flags
    assert trust.Flag.FREE_MAIL in flags
    assert impostor.risk_score == 10


def test_a_new_look_alike_flags_the_earlier_signature_too():
    letter = make_letter()
    real = submit_signature(
        letter,
        name="American Civil Liberties Union of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
    assert real.risk_score == 0

    submit_signature(letter, name="ACLU of Washington", contact_email="someone@aclu-wa.org")

    real.refresh_from_db()
    assert real.risk_flags == trust.Flag.NEAR_DUPLICATE


def test_rejecting_a_look_alike_clears_the_flag_on_the_genuine_signature():
    letter = make_letter()
    real = submit_signature(letter, name="American Civil Liberties Union of Washington")
    impostor = submit_signature(letter, name="ACLU of Washington")

    services.signature_reject(signatures=[impostor], reviewer=None)

    real.refresh_from_db()
    assert real.risk_score == 0


def test_approval_makes_the_organization_known_to_its_other_signatures():
    impostor = submit_signature(
        make_letter(), name="Tenants Union", contact_email="tenants.union@gmail.com"
    )
    assert trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN not in impostor.risk_flags
    real = submit_signature(
        make_letter(),
        name="Tenants Union",
        website="https://tenantsunion.org",
        contact_email="office@tenantsunion.org",
    )

    services.signature_approve(signatures=[real], reviewer=None)

    impostor.refresh_from_db()
    assert trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN in impostor.risk_flags
