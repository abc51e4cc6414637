from io import StringIO

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


@pytest.mark.django_db
def test_demo_letter_has_organizers_a_kit_and_an_import_waiting(staff_client):
    from django.urls import reverse

    from letters.models import Letter
    from signatures.imports import Verdict, preview
    from signatures.models import SignatureImport

    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # safe to run again

    letter = Letter.objects.get(slug="brightline-rider-privacy")
    assert letter.organizer_names == ["Riders for Privacy", "Digital Rights Coalition"]
    assert "Organized by" in staff_client.get(letter.get_absolute_url()).text
    page = staff_client.get(reverse("admin:letters_letter_change", args=[letter.pk])).text
    assert "Publishing kit" in page
    [waiting] = SignatureImport.objects.filter(letter=letter, status="pending")
    assert [row.verdict for row in preview(waiting).rows] == [
        Verdict.NEW, Verdict.NEW, Verdict.DUPLICATE, Verdict.DUPLICATE, Verdict.INVALID,
    ]  # fmt: skip
