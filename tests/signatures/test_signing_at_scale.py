"""Signing costs the same whatever the size of the letter: the POST stores the signature, its
organization record, its outbox row and two tasks (mail, and the worker's look at its trust
signals); nothing in it reads the letter's other signatures."""

import pytest
from django.urls import reverse

from signatures.loadtest.seed import seed_signatures
from signatures.models import Signature
from tests.factories import make_letter, sign_form_data

pytestmark = pytest.mark.django_db

# The letter; the organization by name or website, and its insert; the signature; the trust
# task; the outbox row; after commit, the mail task. The rest are the savepoints that keep a
# duplicate (caught by the unique index) from failing the transaction, here inside the
# test's own.
SIGNING_QUERIES = 13


@pytest.mark.parametrize("signatures", [0, 2000])
def test_a_signature_costs_the_same_queries_on_an_empty_letter_or_a_large_one(
    client, settings, django_assert_num_queries, django_capture_on_commit_callbacks, signatures
):
    # As in production: the tasks are queued in the database for the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    letter = make_letter()
    seed_signatures(letter, signatures)
    url = reverse("signatures:sign", args=[letter.slug])
    data = sign_form_data(name="Harbor Tenants Union", website="https://harbortenants.org")

    with (
        django_assert_num_queries(SIGNING_QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, data)

    assert response.status_code == 302
    signature = Signature.objects.get(letter=letter, name="Harbor Tenants Union")
    assert signature.risk_assessed_at is None  # the worker's to compute
