"""Redis stops while people sign and read, and starts again. Signing carries on (rate limits
fail open, with a warning in the log), the letter is rendered from the database, staff
lock-out still works (django-axes keeps it in the database), and readiness says so."""

import json

import pytest

from tests.faults.conftest import STAFF_PASSWORD
from tests.faults.servers import Browser, hidden_fields
from tests.faults.signers import figures, make_signers, sign_together

pytestmark = pytest.mark.faults


def log_in(browser, password):
    status, html, _ = browser.get("/admin/login/")
    data = hidden_fields(html) | {"username": "moderator", "password": password}
    return browser.post("/admin/login/?next=/admin/", data)[0]


def test_signing_reading_and_staff_lock_out_work_while_redis_is_down(stack, mail_worker, capsys):
    stack.redis.stop()
    try:
        signers = make_signers(singles=20, pairs=5, batch="nocache")
        sign_together(signers, port=stack.port, slug=stack.slug)
        stack.wait_for_mail()

        reader = Browser(stack.port)
        status, page, _ = reader.get(f"/letters/{stack.slug}/")
        assert status == 200
        assert "<h1" in page
        status, body, _ = reader.get("/healthz")
        assert (status, json.loads(body)["cache"]) == (503, "unreachable")

        guesser = Browser(stack.port, "203.0.113.9")
        failures = [log_in(guesser, "wrong guess") for _ in range(5)]
        # The login form again, with its error, until the fifth failure locks them out...
        assert failures == [200, 200, 200, 200, 429]
        assert log_in(guesser, STAFF_PASSWORD) == 429  # ...even with the right password
        assert log_in(Browser(stack.port, "203.0.113.10"), STAFF_PASSWORD) == 302
    finally:
        stack.redis.start()

    counts = figures(signers, stack)
    with capsys.disabled():
        print("\nSigning with Redis stopped:", counts)
    assert counts["accepted"] == counts["submissions"] == 30
    assert counts["lost"] == counts["raw 500s"] == counts["error pages (503, form kept)"] == 0
    assert counts["duplicates stored"] == counts["mail missing or doubled"] == 0
    assert "Cache unreachable" in stack.web.log

    # Redis is back: readiness recovers and the cache is used again.
    assert Browser(stack.port).get("/healthz")[0] == 200
    back = make_signers(singles=1, pairs=0, batch="cacheback")
    sign_together(back, port=stack.port, slug=stack.slug)
    assert back[0].told == "check your email"
