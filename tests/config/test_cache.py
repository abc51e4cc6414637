"""The shared cache down (nothing listens where Redis should be): pages come from the
database, signing is not refused, a warning is logged, readiness says so."""

import json
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from config.cache import outage
from signatures.models import Signature
from tests.factories import make_signature, sign_form_data
from tests.signatures.mail_server import free_port


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    cache.close()
    outage.end()
    yield
    outage.end()


@pytest.mark.django_db
def test_the_letter_is_rendered_from_the_database_and_signing_goes_on(
    client, letter, cache_down, caplog
):
    make_signature(letter, name="Friends of the Earth")
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        page = client.get(letter.get_absolute_url())
        signed = client.post(reverse("signatures:sign", args=[letter.slug]), sign_form_data())

    assert page.status_code == 200
    assert "Friends of the Earth" in page.text
    assert signed.status_code == 302
    assert Signature.objects.count() == 2
    # One warning for the outage, not one per request.
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "Cache unreachable" in caplog.records[0].message


@pytest.mark.django_db
def test_readiness_reports_the_cache_the_site_does_without(client, cache_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unreachable",
    }
