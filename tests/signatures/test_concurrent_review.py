"""Moderators and signers acting on related signatures at the same moment.

The race is PostgreSQL's: each transaction locks its own signature, then both refresh the
trust flags of the other's look-alike. On SQLite there is no such moment: an IMMEDIATE
transaction locks the whole database at BEGIN, so the second action waits for the first to
commit, and these tests check that both succeed in turn."""

import threading

import pytest
from django.db import connection

from signatures import services, trust
from signatures.models import Signature
from tests.concurrency import run_together
from tests.factories import make_letter, make_signature, make_staff, signer_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_step(monkeypatch):
    """On PostgreSQL, holds both threads once at trust.assess, after each has locked its own
    signature, so they reach the risk refresh together; the real assess then runs. A thread
    that waits in vain raises BrokenBarrierError, which run_together reports, and the test
    fails if the two threads did not both pass the meeting point: without it nothing raced.
    On SQLite the threads cannot meet there (see above), so they are left to take turns."""
    if connection.vendor != "postgresql":
        yield
        return
    barrier = threading.Barrier(2, timeout=10)
    real_assess = trust.assess
    arrived, met = set(), []

    def assess_in_step(signatures):
        if threading.get_ident() not in arrived:
            arrived.add(threading.get_ident())
            barrier.wait()
            met.append(threading.get_ident())
        return real_assess(signatures)

    monkeypatch.setattr(trust, "assess", assess_in_step)
    yield
    assert len(met) == 2, "the two threads did not meet at trust.assess: nothing raced"


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
