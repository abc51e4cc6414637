"""PostgreSQL restarts (a fast shutdown, as an upgrade or failover does) in the middle of 200
signers pressing "Sign" at once, 50 pairs of them for one organization spelled two ways, while
the mail worker runs. Nobody told "done" is lost, nobody sees the 500 page, no organization is
stored twice, and every stored signature gets exactly one confirmation mail."""

import pytest

from tests.faults.signers import figures, make_signers, sign_together

pytestmark = pytest.mark.faults


def test_signing_burst_through_a_database_restart_loses_and_doubles_nothing(
    stack, mail_worker, capsys
):
    signers = make_signers(singles=100, pairs=50, batch="restart")
    sign_together(
        signers, port=stack.port, slug=stack.slug, during=stack.postgres.restart, after=40
    )
    stack.wait_for_mail()
    assert mail_worker.alive(), mail_worker.log  # it rode out the restart

    counts = figures(signers, stack)
    with capsys.disabled():
        print("\nDatabase restart during 200 concurrent signings:", counts)
    assert counts["submissions"] == 200
    assert counts["accepted"] == 200
    assert counts["lost"] == 0
    assert counts["raw 500s"] == 0
    assert counts["duplicates stored"] == 0
    assert counts["mail missing or doubled"] == 0
    assert (
        len(stack.query("SELECT 1 FROM signatures_signature WHERE name LIKE '%%restart%%'")) == 150
    )
