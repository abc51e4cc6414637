"""Two people at one organization press "Sign" at the same moment: one row, no error page."""

import threading
from functools import partial

import pytest

from signatures import services
from signatures.models import OutgoingMail, Signature
from tests.concurrency import run_together
from tests.factories import make_letter, signer_data


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_for_one_organization_store_one_signature():
    letter = make_letter()
    names = ["Open Streets Project", "The Open Streets Project", "open streets project."] * 2
    barrier = threading.Barrier(len(names))
    outcomes = []

    def sign(name):
        barrier.wait(timeout=10)
        result = services.signature_submit(
            letter=letter, data=signer_data(name=name), ip="198.51.100.7"
        )
        outcomes.append(result.outcome)

    errors = run_together(*(partial(sign, name) for name in names))

    assert errors == []
    assert Signature.objects.filter(letter=letter).count() == 1
    assert outcomes.count(services.SubmitOutcome.CREATED) == 1
    # The first contact's link was only just sent: nobody gets a second one.
    assert outcomes.count(services.SubmitOutcome.ALREADY_SIGNED) == len(names) - 1
    assert OutgoingMail.objects.count() == 1
