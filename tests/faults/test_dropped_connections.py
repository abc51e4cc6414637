"""The server drops every connection the site's pool holds (as a restart, an administrator's
pg_terminate_backend or an idle timeout does): the next requests get a fresh connection
without one of them failing, although the pool checks a connection by a round trip only when
its socket has something to read (config/db_pool.py)."""

import time

import pytest

from tests.faults.servers import Browser, start_web
from tests.signatures.mail_server import free_port

pytestmark = pytest.mark.faults


def _terminate_the_sites_connections(stack) -> int:
    with stack.postgres.connect("undersigned") as admin:
        return len(
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = 'undersigned' AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            ).fetchall()
        )


def test_connections_the_server_dropped_are_replaced_without_a_failed_request(stack):
    port = free_port()
    web = start_web(stack.environment, port=port, workers=1, threads=4)
    try:
        browser = Browser(port)
        for _ in range(8):  # the pool has its connections open, and lent each out
            assert browser.get(f"/letters/{stack.slug}/")[0] == 200

        assert _terminate_the_sites_connections(stack) >= 1
        time.sleep(0.5)  # the server's goodbye reaches each socket

        statuses = [browser.get(f"/letters/{stack.slug}/")[0] for _ in range(8)]
        statuses += [browser.get(f"/letters/{stack.slug}/sign/")[0] for _ in range(4)]
        assert statuses == [200] * 12, web.log[-3000:]
    finally:
        web.stop()
