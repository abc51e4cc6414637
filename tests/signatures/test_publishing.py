"""What makes a new public version of a letter, so its cached forms are rendered again: every
change the public can see, committed with the change, and nothing the public cannot see."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from letters.models import Letter, LetterGroup
from signatures import services
from signatures.models import Signature
from tests.concurrency import run_together
from tests.factories import make_letter, make_signature, make_staff, sign_form_data


def version(letter) -> int:
    return Letter.objects.values_list("public_version", flat=True).get(pk=letter.pk)


@pytest.mark.django_db
def test_signing_and_confirming_leave_the_cached_page_as_it_was(
    client, letter, django_capture_on_commit_callbacks
):
    make_signature(letter, name="Already On The Letter")
    page = client.get(letter.get_absolute_url())
    before = version(letter)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signatures:sign", args=[letter.slug]), sign_form_data())
    services.signature_confirm(signature=Signature.objects.get(status="unconfirmed"))

    again = client.get(letter.get_absolute_url(), headers={"if-none-match": page["ETag"]})
    assert again.status_code == 304
    assert version(letter) == before


@pytest.mark.django_db
def test_pending_only_changes_leave_the_version_alone(letter):
    pending = make_signature(letter, status=Signature.Status.PENDING)
    before = version(letter)

    services.signature_set_lead(signatures=[pending], lead=True)
    services.signature_update_details(signature=pending, data={"city": "Elsewhere"})
    services.signature_reject(signatures=[pending], reviewer=None)

    assert version(letter) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda s: services.signature_set_lead(signatures=[s], lead=True),
        lambda s: services.signature_set_group(
            signatures=[s], group=LetterGroup.objects.get(letter=s.letter)
        ),
        lambda s: services.signature_update_details(signature=s, data={"city": "Elsewhere"}),
        lambda s: services.signature_update_details(signature=s, data={"name": "New Name"}),
        lambda s: services.signature_withdraw(signature=s),
        lambda s: services.signature_reject(signatures=[s], reviewer=None),
        lambda s: services.signature_delete(signatures=[s]),
    ],
    ids=["lead", "group", "city", "rename", "withdraw", "reject", "delete"],
)
def test_every_visible_change_to_an_approved_entry_is_a_new_version(change):
    letter = make_letter(grouping=Letter.Grouping.GROUP)
    LetterGroup.objects.create(letter=letter, name="National", order=1)
    approved = make_signature(letter)
    before = version(letter)

    change(approved)

    assert version(letter) == before + 1


@pytest.mark.django_db
def test_approving_and_editing_the_letter_make_new_versions(letter):
    pending = make_signature(letter, status=Signature.Status.PENDING)
    before = version(letter)

    services.signature_approve(signatures=[pending], reviewer=None)
    letter.salutation = "Dear Ms. Roe:"
    letter.save()
    LetterGroup.objects.create(letter=letter, name="Local", order=2)

    assert version(letter) == before + 3
    assert letter.public_version == before + 2  # the saved instance knows its own version


def _wait_until_blocked_or_done(done: threading.Event, timeout: float = 10) -> None:
    """On PostgreSQL, until another connection waits for a row lock (the letter's, held by
    the first approval) or `done` is set; SQLite has no such moment to wait for: its second
    writer waits at BEGIN for the first to commit."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while not done.is_set():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the second approval neither waited nor finished")
            time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_an_approval_that_commits_last_is_on_the_cached_page(client, settings):
    """The stale-page race of a key made of Max(updated_at) and Count: the first approval
    stamps its row, the second stamps a later time and commits first, a reader caches the page
    in between, then the first commits, and the newest stamp and the count no longer change.
    With the version on the letter's row the second approval waits for the first to commit, and
    each commit is a version of its own."""
    # As in production: the trust refresh runs later in the worker, not inside the approvals.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    letter = make_letter()
    early = make_signature(letter, status=Signature.Status.PENDING, name="Early Approval")
    late = make_signature(letter, status=Signature.Status.PENDING, name="Late Approval")
    staff = make_staff()
    url = letter.get_absolute_url()
    stamped, read, second_done = threading.Event(), threading.Event(), threading.Event()

    def approve_early_and_hold():
        with transaction.atomic():
            services.signature_approve(signatures=[early], reviewer=staff)
            stamped.set()
            if not read.wait(timeout=10):
                raise TimeoutError("the reader never read")

    def approve_late():
        if not stamped.wait(timeout=10):
            raise TimeoutError("the first approval never stamped its row")
        services.signature_approve(signatures=[late], reviewer=staff)
        second_done.set()

    # The two approvals in threads; the test's own thread reads between them, so the test
    # holds three database connections at once, not four (the pool's default size).
    outcome = []
    approvals = threading.Thread(
        target=lambda: outcome.append(run_together(approve_early_and_hold, approve_late)),
        daemon=True,
    )
    approvals.start()
    try:
        assert stamped.wait(timeout=10), "the first approval never stamped its row"
        _wait_until_blocked_or_done(second_done)
        assert "Early Approval" not in client.get(url).content.decode()
    finally:
        read.set()
        approvals.join(timeout=30)

    assert outcome == [[]]
    page = client.get(url).content.decode()
    assert "Early Approval" in page
    assert "Late Approval" in page
