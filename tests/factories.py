"""Small factories: real rows in the real database, with just enough defaults."""

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from letters.models import Letter
from signatures.models import Signature
from tests.form_data import as_person

_counter = itertools.count(1)


def make_letter(**fields) -> Letter:
    n = next(_counter)
    defaults = {
        "title": f"Letter {n}",
        "slug": f"letter-{n}",
        "status": Letter.Status.OPEN,
        "addressees": "Jane Doe, Chief Executive Officer\nExample Corp",
        "salutation": "Dear Ms. Doe:",
        "body": "We write to ask you to stop.\n\nThank you.",
    }
    return Letter.objects.create(**(defaults | fields))


def signer_data(**fields) -> dict:
    n = next(_counter)
    defaults = {
        "name": f"Organization {n}",
        "website": f"https://org{n}.example.org",
        "city": "Springfield",
        "region": "IL",
        "country": "United States",
        "contact_name": f"Contact Person {n}",
        "contact_title": "Director",
        "contact_email": f"contact{n}@org{n}.example.org",
        "authorized": True,
        "note": "",
    }
    return defaults | fields


def make_signature(letter, status=Signature.Status.APPROVED, **fields) -> Signature:
    """A signature stored as it is, without the services (its trust signals pending); an
    approved one is published as approving it would (a new public version of the letter)."""
    confirmed = None if status == Signature.Status.UNCONFIRMED else timezone.now()
    if status == Signature.Status.WITHDRAWN:
        fields.setdefault("withdrawn_at", timezone.now())
    data = signer_data(**fields)
    signature = Signature.objects.create(
        letter=letter, status=status, confirmed_at=confirmed, **data
    )
    if status == Signature.Status.APPROVED:
        Letter.objects.filter(pk=letter.pk).bump_public_version()
        letter.refresh_from_db(fields=["public_version"])
    return signature


def make_staff(username="moderator", password="correct horse battery staple", **fields):
    return get_user_model().objects.create_superuser(
        username, f"{username}@example.org", password, **fields
    )


def sign_form_data(*, seconds_ago: float = 60, **fields) -> dict:
    """What a person's browser posts from the signing form, a minute after showing it."""
    data = signer_data(**fields)
    data["authorized"] = "on" if data["authorized"] else ""
    return as_person(data, seconds_ago=seconds_ago)


def make_confirmed_signature(letter, status=Signature.Status.APPROVED, **fields) -> Signature:
    """A signature confirmed through the real service, so it records the letter's revision,
    then moved to `status` as a moderator would."""
    from signatures.services import signature_confirm

    signature = make_signature(letter, status=Signature.Status.UNCONFIRMED, **fields)
    signature_confirm(signature=signature)
    Signature.objects.filter(pk=signature.pk).update(status=status)
    if status == Signature.Status.APPROVED:
        Letter.objects.filter(pk=letter.pk).bump_public_version()
    signature.refresh_from_db()
    return signature


def submit_signature(letter, status=Signature.Status.PENDING, **fields) -> Signature:
    """A signature that came in through the signing service, so it is linked to its
    organization record and carries trust flags, then moved to `status` the way staff would."""
    from signatures import services

    signature = services.signature_submit(letter=letter, data=signer_data(**fields), ip=None)
    signature = signature.signature
    if status != Signature.Status.UNCONFIRMED:
        services.signature_confirm(signature=signature)
    if status == Signature.Status.APPROVED:
        services.signature_approve(signatures=[signature], reviewer=None)
    elif status == Signature.Status.REJECTED:
        services.signature_reject(signatures=[signature], reviewer=None)
    signature.refresh_from_db()
    return signature


def make_known_organization():
    """An organization on record: it signed an earlier letter from its own domain and was
    approved. Impostors borrow its name."""
    return submit_signature(
        make_letter(),
        status=Signature.Status.APPROVED,
        name="ACLU of Washington",
        website="https://aclu-wa.org",
        contact_email="director@aclu-wa.org",
    )
