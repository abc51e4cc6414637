import pytest
from django.core.management import call_command

from signatures import trust
from signatures.models import Signature
from tests.factories import make_letter, make_signature

pytestmark = pytest.mark.django_db


def test_refresh_trust_signals_links_old_signatures_and_flags_them():
    letter = make_letter()
    first = make_signature(make_letter(), name="Riders for Privacy", website="https://riders.org")
    again = make_signature(letter, name="Riders for Privacy", contact_email="riders@gmail.com")
    alike = make_signature(letter, name="Riders for Privcy", website="https://riders.org")

    call_command("refresh_trust_signals")
    call_command("refresh_trust_signals")

    first.refresh_from_db()
    again.refresh_from_db()
    alike.refresh_from_db()
    assert first.organization == again.organization == alike.organization
    assert again.risk_flags.split(",") == [
        trust.Flag.KNOWN_ORGANIZATION_OTHER_DOMAIN,
        trust.Flag.NEAR_DUPLICATE,
        trust.Flag.FREE_MAIL,
    ]
    assert Signature.objects.filter(organization__isnull=True).count() == 0
