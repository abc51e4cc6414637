import json

import pytest
from django.core.cache import cache


@pytest.mark.django_db
def test_readiness_reports_the_database_and_the_cache(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_probes_by_ip_over_plain_http_are_answered_whatever_the_allowed_hosts(client, settings):
    settings.ALLOWED_HOSTS = ["letters.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    for path in ("/healthz", "/livez"):
        assert client.get(path, HTTP_HOST="10.0.0.7:8000").status_code == 200


def test_liveness_needs_no_database(client):
    # No django_db mark: a query here would fail the test.
    assert client.get("/livez").status_code == 200


@pytest.mark.django_db
def test_readiness_fails_while_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on the discard port.
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    cache.close()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["cache"] == "unreachable"
