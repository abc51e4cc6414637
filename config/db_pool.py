"""How the psycopg pool checks a connection before lending it out.

psycopg_pool's own check sends an empty query: a round trip on every request, as long as the
one query a warm public page makes. A connection the server has dropped (a restart, an
administrator's terminate, an idle timeout) always says so first: the server writes its
"terminating connection" error and closes the socket, so the socket has something to read.
A healthy idle connection has nothing to read. So the round trip is made only when the
socket is readable, and then it fails for a dead connection, which the pool replaces.
What this does not see, a peer that vanished without closing (a host crash, a partition),
the round trip would not see either until the network timed it out.

When one connection is found dead the others idle in the pool almost certainly are too (the
server went away for all of them): they are swept out at once. Otherwise the pool would try
them one by one, waiting a second, then two, then four between tries, and the request would
give up (DATABASE_POOL_TIMEOUT) with the database already back."""

import select

from psycopg import OperationalError
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool


def check_connection(conn) -> None:
    if conn.closed:
        raise OperationalError("the connection is closed")
    if conn.info.transaction_status == TransactionStatus.IDLE and not _has_input(conn.fileno()):
        return
    try:
        ConnectionPool.check_connection(conn)
    except OperationalError:
        _sweep_idle_connections()
        raise


def _has_input(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _sweep_idle_connections() -> None:
    from django.db import connection  # here: settings import this module before Django is set up

    if (pool := getattr(connection, "pool", None)) is not None:
        pool.check()  # each idle connection tested; the dead ones closed and replaced
