"""The figures measured in process, with Django's test client against the same database and
cache: the moderation pages, the uncached public page, the worker's assessment."""

import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from letters.pages import recent_forms
from signatures.models import Signature
from signatures.trust.refresh import refresh_trust_flags

# How many times each page is timed (the median is reported); the smoke run lowers it.
REPEAT = 15


def timed(action, *, repeat: int):
    """The median milliseconds of `action()` and the queries of its last run."""
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries)


def admin_page(staff, url, params=None):
    client = Client()
    client.force_login(staff)

    def get():
        response = client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code)

    get()  # the first request warms the templates
    return timed(get, repeat=REPEAT)


def uncached_page(letter):
    """Rendering the public page with both caches empty, as after any change."""
    client = Client()

    def get():
        cache.clear()
        recent_forms.clear()
        assert client.get(letter.get_absolute_url()).status_code == 200

    get()
    return timed(get, repeat=REPEAT)


def assessment(letter):
    """The worker's task for one new signature that looks like one already on the letter:
    the median milliseconds and the queries of the task alone."""
    model = Signature.objects.filter(letter=letter).order_by("pk").first()
    times, queries = [], 0
    for _ in range(max(REPEAT // 3, 1)):
        typo = Signature.objects.create(
            letter=letter, name=model.name[:-1] + ("x" if model.name[-1] != "x" else "y"),
            city="Springfield", country="United States", contact_name="Someone",
            contact_email="someone@example.org",
        )  # fmt: skip
        try:
            milliseconds, queries = timed(
                lambda typo=typo: refresh_trust_flags.call([typo.pk], True), repeat=1
            )
            times.append(milliseconds)
            typo.refresh_from_db()
            assert typo.risk_assessed_at is not None and "near_duplicate" in typo.risk_flags
        finally:
            typo.delete()
    return statistics.median(times), queries
