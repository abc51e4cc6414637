"""Health endpoints for load balancers and container engines, answered before any other
middleware: a probe comes from inside the deployment, by plain HTTP and by IP address, so
the HTTPS redirect and the ALLOWED_HOSTS check (which would refuse it) must not apply, and
nothing about it needs a session.

- `/livez`: the process is up and answering (liveness; restart it if not).
- `/healthz`: the database and the cache both answer too (readiness; send it no traffic if
  not). A cache outage is reported, though signing keeps working without one."""

import json

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

LIVENESS_PATH = "/livez"
READINESS_PATH = "/healthz"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 — any failure means "not ready"
        return False


def _cache_ok() -> bool:
    try:
        cache.get("healthz")
        return True
    except Exception:  # noqa: BLE001
        return False


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
            checks = {"database": _database_ok(), "cache": _cache_ok()}
            ready = all(checks.values())
            body = {"status": "ok" if ready else "unavailable"}
            body |= {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
            return _answer(200 if ready else 503, body)
        return self.get_response(request)
