"""Moderators, signers and the worker's trust refresh acting on related signatures at the same
moment.

The races are PostgreSQL's. On SQLite there is no such moment: an IMMEDIATE transaction locks
the whole database at BEGIN, so the second action waits for the first to commit, and these
tests check that both succeed in turn."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from signatures import services, trust
from signatures.models import Signature
from signatures.trust.refresh import refresh_trust_flags
from tests.concurrency import run_together
from tests.factories import make_letter, make_signature, make_staff, signer_data

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://same.example.org"


def look_alikes(letter):
    return (
        make_signature(letter, status=Signature.Status.PENDING, name="Alpha Group", website=SITE),
        make_signature(letter, status=Signature.Status.PENDING, name="Beta Group", website=SITE),
    )


def test_two_moderators_approving_look_alikes_at_once_both_succeed():
    letter = make_letter()
    first, second = look_alikes(letter)
    staff = make_staff()

    errors = run_together(
        lambda: services.signature_approve(signatures=[first], reviewer=staff),
        lambda: services.signature_approve(signatures=[second], reviewer=staff),
    )

    assert errors == []
    assert set(Signature.objects.values_list("status", flat=True)) == {"approved"}


def test_a_signer_submitting_while_a_look_alike_is_approved_is_stored_and_flagged():
    letter = make_letter()
    _, second = look_alikes(letter)
    staff = make_staff()
    data = signer_data(name="Gamma Group", website=SITE)

    errors = run_together(
        lambda: services.signature_submit(letter=letter, data=data, ip=None),
        lambda: services.signature_approve(signatures=[second], reviewer=staff),
    )

    assert errors == []
    gamma = Signature.objects.get(name="Gamma Group")
    assert gamma.risk_assessed_at is not None  # its refresh did not fail on a lock
    assert trust.Flag.NEAR_DUPLICATE in gamma.risk_flags.split(",")
    assert Signature.objects.get(pk=second.pk).status == Signature.Status.APPROVED


def test_the_trust_refresh_never_waits_for_a_moderator_holding_a_look_alike(
    settings,
    run_worker,  # noqa: F811
    time_machine,
):
    """The worker assesses a new signature whose look-alike a moderator is approving in an
    open transaction: it finishes without waiting, skips the row it cannot lock, and brings
    that row's flags up to date a few seconds later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    time_machine.move_to(timezone.now(), tick=False)
    letter = make_letter()
    first, second = look_alikes(letter)
    staff = make_staff()
    approving, refreshed = threading.Event(), threading.Event()
    # On SQLite the refresh cannot start before the approval commits (see above).
    overlap = connection.vendor == "postgresql"

    def approve_and_hold():
        with transaction.atomic():
            services.signature_approve(signatures=[second], reviewer=staff)
            approving.set()
            if overlap and not refreshed.wait(timeout=10):
                raise TimeoutError("the refresh waited for the moderator's transaction")

    def refresh():
        if not approving.wait(timeout=10):
            raise TimeoutError("the approval never started")
        refresh_trust_flags.call([first.pk], True)
        refreshed.set()

    errors = run_together(approve_and_hold, refresh)

    assert errors == []
    first.refresh_from_db()
    assert trust.Flag.NEAR_DUPLICATE in first.risk_flags.split(",")
    time_machine.move_to(timezone.now() + timedelta(minutes=1))
    run_worker()
    second.refresh_from_db()
    assert trust.Flag.NEAR_DUPLICATE in second.risk_flags.split(",")
    # Nothing failed and nothing is due; the approval mail's delivery leaves a copy of its task
    # for when its lease runs out (signatures/outbox.py), which waits.
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").ready().exists()
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
