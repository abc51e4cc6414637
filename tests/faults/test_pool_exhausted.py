"""Every pooled database connection is taken (each by a request stuck behind a lock): the
next signer gets the try-again page with the form as sent, readiness answers "busy" at once,
and once the lock goes everyone is signed."""

import json
import threading
import time

import pytest

from tests.faults.servers import Browser, hidden_fields, start_web
from tests.faults.signers import make_signers, open_form, send
from tests.signatures.mail_server import free_port

pytestmark = pytest.mark.faults


def test_a_signer_gets_the_form_back_while_the_pool_is_exhausted(stack, mail_worker):
    port = free_port()
    # One process, whose pool holds psycopg_pool's default four connections, and more
    # threads than that; a request waits a second for a connection.
    web = start_web(stack.environment | {"DATABASE_POOL_TIMEOUT": "1"}, port=port, workers=1)
    try:
        stuck, late = (
            make_signers(singles=4, pairs=0, batch="pool"),
            make_signers(singles=1, pairs=0, batch="poollate")[0],
        )
        forms = [open_form(signer, port, stack.slug) for signer in [*stuck, late]]
        time.sleep(1.1)
        with stack.postgres.connect("undersigned") as locker:
            locker.execute("LOCK TABLE signatures_signature IN ACCESS EXCLUSIVE MODE")
            threads = [
                threading.Thread(target=send, args=(signer, *form, stack.slug), daemon=True)
                for signer, form in zip(stuck, forms, strict=False)
            ]
            for thread in threads:
                thread.start()
            time.sleep(1)  # the four are waiting on the lock, each holding a connection

            started = time.monotonic()
            status, body, _ = Browser(port).get("/healthz")
            assert (status, json.loads(body)["database"]) == (503, "busy")
            assert time.monotonic() - started < 0.5

            browser, hidden = forms[-1]
            status, html, headers = browser.post(
                f"/letters/{stack.slug}/sign/", late.form_data(hidden)
            )
            assert status == 503
            assert headers["Retry-After"] == "60"
            assert "Your signature is not saved yet" in html
            assert f'value="{late.name}"' in html
            assert f'value="{late.email}"' in html
            status, html_page, headers = Browser(port).get(f"/letters/{stack.slug}/")
            assert (status, headers["Retry-After"]) == (503, "60")
            assert "Please try again in a minute" in html_page
            locker.rollback()  # the lock goes

        for thread in threads:
            thread.join(timeout=30)
        assert [signer.told for signer in stuck] == ["check your email"] * 4
        send(late, browser, hidden_fields(html), stack.slug)  # the form the 503 page gave
        assert late.told == "check your email"
        stack.wait_for_mail()
    finally:
        web.stop()
