"""Prints how the public letter page scales: queries, time and memory for a letter with N
approved signatories, rendered cold (cache empty) and warm. Everything it creates is rolled
back. Run: `make benchmark` or `manage.py benchmark_letter_page --signatories 5000`."""

import statistics
import time
import tracemalloc

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from letters.models import Letter
from signatures.models import Signature


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the public letter page with many signatories."

    def add_arguments(self, parser):
        parser.add_argument("--signatories", type=int, nargs="+", default=[5, 500, 5000])
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, **options):
        self.stdout.write(
            f"{'signatories':>11} {'queries cold':>12} {'queries warm':>12} "
            f"{'cold ms':>8} {'warm ms (median)':>16} {'peak MiB cold':>13} {'page KiB':>8}"
        )
        for count in options["signatories"]:
            try:
                with transaction.atomic():
                    self._measure(count, options["repeat"])
                    raise Rollback
            except Rollback:
                pass

    def _measure(self, count, repeat):
        letter = Letter.objects.create(
            title="Benchmark", slug=f"benchmark-{count}", status=Letter.Status.OPEN,
            addressees="A\nB", body="Body.\n\nMore.",
        )  # fmt: skip
        now = timezone.now()
        Signature.objects.bulk_create(
            Signature(
                letter=letter, name=f"Organization {i:05d}",
                normalized_name=f"organization {i:05d}",
                city="Springfield", region="IL", country="United States", contact_name="X",
                contact_email=f"x{i}@example.org", status=Signature.Status.APPROVED,
                confirmed_at=now, is_lead=i < 5, lead_order=i if i < 5 else 0,
            )
            for i in range(count)
        )  # fmt: skip
        client = Client()
        url = letter.get_absolute_url()
        cache.clear()
        tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as cold_queries:
            response = client.get(url)
        cold_ms = (time.perf_counter() - started) * 1000
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert response.status_code == 200, response.status_code
        warm = []
        for _ in range(repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as warm_queries:
                client.get(url)
            warm.append((time.perf_counter() - started) * 1000)
        page_kib = len(response.content) / 1024
        self.stdout.write(
            f"{count:>11} {len(cold_queries):>12} {len(warm_queries):>12} {cold_ms:>8.1f} "
            f"{statistics.median(warm):>16.2f} {peak / 2**20:>13.1f} {page_kib:>8.0f}"
        )
        cache.clear()
