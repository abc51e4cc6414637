"""Moderators and signers acting on related signatures at the same moment (PostgreSQL row
locks; on SQLite, transactions simply take turns)."""

import contextlib
import threading

import pytest

from signatures import services, trust
from signatures.models import Signature
from tests.concurrency import run_together
from tests.factories import make_letter, make_signature, make_staff, signer_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_step(monkeypatch):
    """Holds both threads once at trust.assess, after each has locked its own signature, so
    they reach the risk refresh together. The real assess then runs."""
    barrier = threading.Barrier(2)
    real_assess = trust.assess
    waited = set()

    def assess_in_step(signatures):
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            # On SQLite the other transaction waits for ours to finish: the barrier breaks.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)
        return real_assess(signatures)

    monkeypatch.setattr(trust, "assess", assess_in_step)


def look_alikes(letter):
    site = "https://same.example.org"
    return (
        make_signature(letter, status=Signature.Status.PENDING, name="Alpha Group", website=site),
        make_signature(letter, status=Signature.Status.PENDING, name="Beta Group", website=site),
    )


def test_two_moderators_approving_look_alikes_at_once_both_succeed(in_step):
    letter = make_letter()
    first, second = look_alikes(letter)
    staff = make_staff()

    errors = run_together(
        lambda: services.signature_approve(signatures=[first], reviewer=staff),
        lambda: services.signature_approve(signatures=[second], reviewer=staff),
    )

    assert errors == []
    assert set(Signature.objects.values_list("status", flat=True)) == {"approved"}


def test_a_signer_submitting_while_a_look_alike_is_approved_is_stored(in_step):
    letter = make_letter()
    _, second = look_alikes(letter)
    staff = make_staff()
    data = signer_data(name="Gamma Group", website="https://same.example.org")

    errors = run_together(
        lambda: services.signature_submit(letter=letter, data=data, ip=None),
        lambda: services.signature_approve(signatures=[second], reviewer=staff),
    )

    assert errors == []
    assert Signature.objects.filter(name="Gamma Group").exists()
    assert Signature.objects.get(pk=second.pk).status == Signature.Status.APPROVED
