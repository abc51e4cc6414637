"""The mail worker is killed (SIGKILL) while the mail server is still taking a confirmation
mail. The mail is neither lost nor sent twice: another worker sends it once the killed one's
lease runs out, seconds later, not when requeue_mail next looks (ten minutes)."""

import time

import pytest

from tests.faults.servers import start_worker, wait_until
from tests.faults.signers import make_signers, sign_together

pytestmark = pytest.mark.faults

LEASE_SECONDS = 3


def test_mail_held_by_a_killed_worker_is_sent_once_when_its_lease_runs_out(
    stack, stalling_mail_server
):
    server, smtp_port = stalling_mail_server
    environment = stack.environment | {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MAIL_SEND_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    [signer] = make_signers(singles=1, pairs=0, batch="killed")
    stack.wait_for_mail()  # nothing else is waiting to be sent
    sign_together([signer], port=stack.port, slug=stack.slug)

    doomed = start_worker(environment)
    try:
        assert server.receiving.wait(timeout=30)
        doomed.kill()
    finally:
        doomed.stop()
    killed_at = time.monotonic()
    [(status, attempts)] = stack.query(
        'SELECT status, attempts FROM signatures_outgoingmail WHERE "to" = %s', signer.email
    )
    assert (status, attempts) == ("sending", 1)

    worker = start_worker(environment)
    try:
        wait_until(lambda: server.messages, timeout=30, what="the mail to be sent again")
        sent_after = time.monotonic() - killed_at
        time.sleep(LEASE_SECONDS + 1)  # long enough for any second copy to show up
    finally:
        worker.stop()

    assert server.messages == [[signer.email]]
    [(status, attempts)] = stack.query(
        'SELECT status, attempts FROM signatures_outgoingmail WHERE "to" = %s', signer.email
    )
    assert (status, attempts) == ("sent", 2)
    assert LEASE_SECONDS - 1 < sent_after < LEASE_SECONDS + 10
