"""Health endpoints for load balancers and container engines, answered before any other
middleware: a probe comes from inside the deployment, by plain HTTP and by IP address, so
the HTTPS redirect and the ALLOWED_HOSTS check (which would refuse it) must not apply, and
nothing about it needs a session.

- `/livez`: the process is up and answering (liveness; restart it if not).
- `/healthz`: the database and the cache both answer too (readiness; send it no traffic if
  not). A cache outage is reported, though signing keeps working without one. While every
  pooled database connection is taken and requests queue for one, the database is "busy":
  the answer comes at once, without joining the queue."""

import json

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

try:
    from psycopg_pool import PoolTimeout
except ImportError:  # SQLite only: no pool

    class PoolTimeout(Exception):
        pass


LIVENESS_PATH = "/livez"
READINESS_PATH = "/healthz"


# How long the probe waits for a pooled connection before calling the database busy.
POOL_PROBE_TIMEOUT = 0.25


def _database_state() -> str:
    pool = getattr(connection, "pool", None)
    try:
        if pool is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return "ok"
        pool.open()
        with pool.connection(timeout=POOL_PROBE_TIMEOUT) as probe:
            probe.execute("SELECT 1")
        return "ok"
    except PoolTimeout:
        # Every connection the pool may open is open and lent out: busy, not down.
        stats = pool.get_stats()
        return "busy" if stats["pool_size"] >= stats["pool_max"] else "unreachable"
    except Exception:  # noqa: BLE001 — any failure means "not ready"
        return "unreachable"


def _cache_state() -> str:
    try:
        # config.cache.ResilientRedisCache hides failures from readers; it can still ping.
        reachable = getattr(cache, "reachable", None)
        if reachable is not None:
            return "ok" if reachable() else "unreachable"
        cache.get("healthz")
        return "ok"
    except Exception:  # noqa: BLE001
        return "unreachable"


def _answer(status: int, checks: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(checks), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVENESS_PATH:
            return _answer(200, {"status": "ok"})
        if request.path == READINESS_PATH:
            checks = {"database": _database_state(), "cache": _cache_state()}
            ready = all(state == "ok" for state in checks.values())
            body = {"status": "ok" if ready else "unavailable", **checks}
            return _answer(200 if ready else 503, body)
        return self.get_response(request)
