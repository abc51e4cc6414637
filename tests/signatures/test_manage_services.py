import pytest

from signatures import services
from signatures.models import Signature
from tests.factories import make_signature


@pytest.mark.django_db
def test_rename_onto_another_signatory_is_stopped_by_the_database(letter):
    make_signature(letter, name="Tree Alliance")
    signature = make_signature(letter, name="Bird Watchers")

    with pytest.raises(services.NameTaken):
        services.signature_update_details(signature=signature, data={"name": "The Tree Alliance"})

    signature.refresh_from_db()
    assert signature.name == "Bird Watchers"


@pytest.mark.django_db
def test_detail_change_bumps_updated_at(letter):
    signature = make_signature(letter)
    before = signature.updated_at

    updated = services.signature_update_details(signature=signature, data={"city": "Elsewhere"})

    assert updated.updated_at > before
    assert updated.status == Signature.Status.APPROVED


@pytest.mark.django_db
def test_withdrawn_signature_is_not_edited(letter):
    signature = make_signature(letter, status=Signature.Status.WITHDRAWN)

    with pytest.raises(services.DetailsClosed):
        services.signature_update_details(signature=signature, data={"city": "Elsewhere"})


@pytest.mark.django_db
def test_withdrawing_twice_keeps_the_first_date_and_reason(letter):
    signature = make_signature(letter)
    assert services.signature_withdraw(signature=signature, reason="  Board vote ")
    first = signature.withdrawn_at

    assert not services.signature_withdraw(signature=signature, reason="Again")

    signature.refresh_from_db()
    assert signature.withdrawn_at == first
    assert signature.withdrawal_reason == "Board vote"


@pytest.mark.django_db
def test_renaming_into_a_known_organization_with_free_mail_is_flagged_and_relinked(letter):
    from tests.factories import make_letter, submit_signature

    known = submit_signature(
        make_letter(), status=Signature.Status.APPROVED, name="Big Known Org",
        website="https://bigknown.example.org", contact_email="ceo@bigknown.example.org",
    )  # fmt: skip
    tiny = submit_signature(
        letter, status=Signature.Status.APPROVED, name="Tiny Group",
        website="https://tiny.example.org", contact_email="me@tiny.example.org",
    )  # fmt: skip
    assert tiny.risk_score == 0

    updated = services.signature_update_details(signature=tiny, data={"name": "Big Known Org"})
    services.signature_change_contact_email(
        signature=updated, old_email="me@tiny.example.org", new_email="bigknown@gmail.com"
    )

    assert updated.status == Signature.Status.PENDING
    assert updated.organization_id == known.organization_id
    updated.refresh_from_db()  # the worker stored the flags (here, at once)
    assert "known_org_other_domain" in updated.risk_flags
    assert "free_mail" in updated.risk_flags


@pytest.mark.django_db
def test_corrections_are_refused_once_contact_details_were_purged(letter):
    from django.utils import timezone

    signature = make_signature(letter)
    Signature.objects.filter(pk=signature.pk).update(
        contact_name="", contact_email="", contacts_purged_at=timezone.now()
    )

    with pytest.raises(services.DetailsClosed):
        services.signature_update_details(
            signature=signature, data={"contact_email": "back@example.org"}
        )

    signature.refresh_from_db()
    assert signature.contact_email == ""
