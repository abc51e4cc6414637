"""The load benchmark: seeds letters of 0, 5,000 and 20,000 signatures, starts gunicorn and the
task worker against this PostgreSQL and Redis, drives them over HTTP with wrk, and prints one
table of figures. Run it with `make loadtest` (or `make loadtest-smoke`, a few seconds), which
gives it a fresh database and the settings it needs; see the README.

Figures, not pass/fail: the targets are printed beside them."""

import hashlib
import os
import secrets
import shutil
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from letters.models import Letter
from letters.pages import recent_forms
from signatures.forms import render_stamp
from signatures.loadtest import measure, processes
from signatures.loadtest.seed import seed_signatures
from signatures.models import OutgoingMail, Signature

FULL = {"sizes": [0, 5000, 20000], "page": 5000, "duration": 10.0, "connections": 16, "repeat": 15}
# Proves the machinery end to end in about half a minute; its figures mean little.
SMOKE = {"sizes": [0, 50, 200], "page": 200, "duration": 1.0, "connections": 4, "repeat": 3}
CHANGELIST = reverse("admin:signatures_signature_changelist")


class Command(BaseCommand):
    help = "Drive gunicorn over HTTP with wrk and print one table of figures."

    def add_arguments(self, parser):
        parser.add_argument("--smoke", action="store_true", help="Small letters, short runs.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
        parser.add_argument("--connections", type=int, help="wrk connections.")
        parser.add_argument("--duration", type=float, help="Seconds per wrk run.")

    def handle(self, *args, smoke, workers, connections, duration, **options):
        self._check_setup()
        plan = dict(SMOKE if smoke else FULL)
        plan["duration"] = duration or plan["duration"]
        connections = connections or plan["connections"]
        measure.REPEAT = plan["repeat"]
        self.load_before = os.getloadavg()[0]
        self.var = settings.BASE_DIR / "var" / "loadtest"
        self.var.mkdir(parents=True, exist_ok=True)
        rows = []

        staff = self._staff()
        small = self._letter(100)
        say = self.stderr.write
        say("Changelist with 100 signatures in the table…")
        rows.append(self._changelist_row(staff, "Changelist, 100 signatures in the table"))
        letters = {size: self._letter(size) for size in plan["sizes"]}
        warmup = self._letter(0, slug="loadtest-warmup")
        page_letter = letters[plan["page"]]
        self._settle()
        static_path, page = self._static_copy(page_letter)

        port = processes.free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn_log, worker_log = self.var / "gunicorn.log", self.var / "worker.log"
        with processes.gunicorn(port, workers=workers, log=gunicorn_log):
            with processes.task_worker(log=worker_log):
                # Not measured: each gunicorn worker's first requests load code and templates.
                self._signing_row(base, warmup, "warm-up", {"duration": 2}, connections)
                for size, letter in letters.items():
                    say(f"Signing into a letter of {size:,}…")
                    rows.append(self._signing_row(base, letter, size, plan, connections))
                rows.append(self._drain_row())
            say(f"The public page at {plan['page']:,} signatories…")
            rows += self._page_rows(base, page_letter, static_path, page, plan, connections)
        shutil.rmtree(static_path.parent, ignore_errors=True)

        say("In process: the uncached page, the moderation pages, the worker's assessment…")
        rows += self._in_process_rows(staff, small, letters, plan)
        self._print(rows, plan, workers, connections)

    def _check_setup(self):
        if connection.vendor != "postgresql":
            raise CommandError("The load benchmark runs against PostgreSQL: set DATABASE_URL.")
        if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
            raise CommandError("The load benchmark runs against Redis: set CACHE_URL.")
        if settings.RATELIMITS["sign"]["ip"] or settings.FORM_MIN_FILL_SECONDS:
            raise CommandError(
                "Run it with RATELIMIT_SIGN_PER_IP= RATELIMIT_SIGN_PER_EMAIL= "
                "FORM_MIN_FILL_SECONDS=0, as `make loadtest` does: wrk is one client, fast."
            )
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
        if Letter.objects.exists():
            raise CommandError("Use an empty database: `make loadtest` creates one.")

    def _settle(self):
        """What production has done long before a burst: statistics gathered, dead rows
        vacuumed and the bulk inserts checkpointed, so that none of it lands in a run."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            try:
                cursor.execute("CHECKPOINT")  # only a superuser may
            except DatabaseError:
                self.stderr.write("No CHECKPOINT (not a superuser): one may land in a run.")

    def _staff(self):
        return get_user_model().objects.create_superuser(
            "loadtest", "loadtest@example.org", secrets.token_urlsafe()
        )

    def _letter(self, size, *, slug=None):
        letter = Letter.objects.create(
            title=f"Load test, {size:,} signatures", slug=slug or f"loadtest-{size}",
            status=Letter.Status.OPEN, addressees="Jane Doe, Chief Executive\nExample Corp",
            salutation="Dear Ms. Doe:", body="We write to ask you to stop.\n\nThank you.",
        )  # fmt: skip
        if size:
            self.stderr.write(f"Seeding {size:,} signatures…")
            seed_signatures(letter, size, seed=size)
            letter.refresh_from_db()
        return letter

    def _static_copy(self, letter):
        """The page's bytes as a static file, for WhiteNoise to serve beside it: written before
        gunicorn starts, since WhiteNoise lists its files then."""
        from django.test import Client

        page = Client().get(letter.get_absolute_url()).content
        recent_forms.clear()
        path = Path(settings.STATIC_ROOT) / "loadtest" / f"{letter.slug}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page)
        return path, page

    def _signing_row(self, base, letter, size, plan, connections):
        secret = secrets.token_hex(16)  # a 32-character CSRF secret, as cookie and token
        prefix = f"Loadtest Signer {size}"  # unique per run
        report = processes.wrk(
            base + reverse("signatures:sign", args=[letter.slug]),
            script="sign.lua",
            duration=plan["duration"],
            connections=connections,
            args=[render_stamp(), secret, prefix],
        )
        time.sleep(1)  # requests still in gunicorn's hands when wrk stopped
        stored = Signature.objects.filter(letter=letter, name__startswith=prefix).count()
        rate = report["accepted"] / (report["duration_us"] / 1e6)
        lost = max(report["accepted"] - stored, 0)
        return (
            f"Signing into a letter of {size:,}" if isinstance(size, int) else size,
            f"{rate:,.0f} accepted/s; p50 {report['p50_us'] / 1000:.0f} ms, "
            f"p99 {report['p99_us'] / 1000:.0f} ms; stored {stored:,} of {report['accepted']:,} "
            f"accepted (lost {lost}); other answers {report['other']}",
            "≥ 250/s, p99 < 250 ms, lost 0 at 20,000",
        )

    def _drain_row(self):
        """How long the worker takes to finish what signing left it (flags, mail)."""
        started = time.monotonic()
        # Due or running: each send also leaves a copy of its task for when its lease runs
        # out (signatures/outbox.py), which waits MAIL_SEND_LEASE_SECONDS and finds the mail
        # sent; those are not work left.
        due = DBTaskResult.objects.filter(status="RUNNING") | DBTaskResult.objects.ready()
        unsent = OutgoingMail.objects.exclude(status=OutgoingMail.Status.SENT)
        unassessed = Signature.objects.filter(risk_assessed_at__isnull=True)
        backlog = due.count()
        while (due.exists() or unsent.exists()) and time.monotonic() - started < 600:
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        return (
            "Worker, after the signing runs",
            f"{backlog:,} tasks due, done {elapsed:.0f} s later ({backlog / elapsed:,.0f}/s); "
            f"{failed} failed; {unsent.count()} mails unsent; "
            f"{unassessed.count()} signatures still without flags",
            "",
        )

    def _page_rows(self, base, letter, static_path, page, plan, connections):
        url = base + letter.get_absolute_url()
        with urllib.request.urlopen(url) as response:  # noqa: S310 — our own loopback server
            served, etag = response.read(), response.headers["ETag"]
        if hashlib.sha256(served).digest() != hashlib.sha256(page).digest():
            raise CommandError("gunicorn served other bytes than the static copy holds")
        static_url = f"{base}{settings.STATIC_URL}loadtest/{static_path.name}"
        runs = {}
        for name, target, headers in (
            ("page", url, ()),
            ("static", static_url, ()),
            ("revalidation", url, (f"If-None-Match: {etag}",)),
        ):
            runs[name] = processes.wrk(
                target,
                script="count.lua",
                duration=plan["duration"],
                connections=connections,
                headers=headers,
            )
        rate = {name: run["requests"] / (run["duration_us"] / 1e6) for name, run in runs.items()}
        size = f"{plan['page']:,} signatories, {len(page) / 1024:,.0f} KiB"
        return [
            (
                f"Public page, cached ({size})",
                f"{rate['page']:,.0f} req/s; the same bytes as a static file (WhiteNoise) "
                f"{rate['static']:,.0f} req/s: {rate['page'] / rate['static']:.2f}×; "
                f"p99 {runs['page']['p99_us'] / 1000:.0f} ms",
                "≥ 0.8× the static file",
            ),
            (
                "Public page, If-None-Match (304)",
                f"{rate['revalidation']:,.0f} req/s, "
                f"{runs['revalidation']['not_modified']:,} of "
                f"{runs['revalidation']['requests']:,} answered 304",
                "",
            ),
        ]

    def _in_process_rows(self, staff, small, letters, plan):
        largest = letters[max(letters)]
        page_letter = letters[plan["page"]]
        rows = []
        milliseconds, queries = measure.uncached_page(page_letter)
        rows.append(
            (
                f"Public page, uncached ({plan['page']:,} signatories)",
                f"{milliseconds:.0f} ms, {queries} queries",
                "≤ 50 ms, ≤ 4 queries",
            )
        )
        total = Signature.objects.count()
        rows.append(self._changelist_row(staff, f"Changelist, {total:,} in the table"))
        views = {
            f"letter of {max(letters):,}, awaiting confirmation": {
                "letter__id__exact": largest.pk,
                "status__exact": "unconfirmed",
            },
            "the queue it opens on: awaiting review, riskiest first": {"status__exact": "pending"},
            "needs attention, riskiest first": {"attention": "any"},
            "a month of the date hierarchy": {
                "submitted_at__year": largest.created_at.year,
                "submitted_at__month": largest.created_at.month,
            },
        }
        for name, params in views.items():
            milliseconds, queries = measure.admin_page(staff, CHANGELIST, params)
            rows.append((f"Changelist, {name}", f"{milliseconds:.0f} ms, {queries} queries", ""))
        signature = Signature.objects.filter(letter=largest).order_by("pk").first()
        change = reverse("admin:signatures_signature_change", args=[signature.pk])
        milliseconds, queries = measure.admin_page(staff, change)
        small_change = reverse(
            "admin:signatures_signature_change",
            args=[Signature.objects.filter(letter=small).order_by("pk").first().pk],
        )
        small_ms, small_queries = measure.admin_page(staff, small_change)
        rows.append(
            (
                "Change page, letter of 100 / of " + f"{max(letters):,}",
                f"{small_ms:.0f} ms, {small_queries} queries / "
                f"{milliseconds:.0f} ms, {queries} queries",
                "the same",
            )
        )
        for size in sorted({min(size for size in letters if size), max(letters)}):
            milliseconds, queries = measure.assessment(letters[size])
            rows.append(
                (
                    f"Worker: assessing a look-alike, letter of {size:,}",
                    f"{milliseconds:.0f} ms, {queries} queries",
                    "",
                )
            )
        return rows

    def _changelist_row(self, staff, title):
        # Every status: the whole table (the bare list redirects to the awaiting-review queue).
        milliseconds, queries = measure.admin_page(staff, CHANGELIST, {"status__exact": "all"})
        return (title, f"{milliseconds:.0f} ms (median), {queries} queries", "≤ 150 ms, same")

    def _print(self, rows, plan, workers, connections):
        write = self.stdout.write
        write("")
        write(
            f"gunicorn {workers} sync workers, PostgreSQL, Redis, wrk {connections} connections "
            f"for {plan['duration']:g} s per run, on loopback, {os.cpu_count()} cores; the task "
            "worker running (at nice 10). Load average before and after: "
            f"{self.load_before:.1f}, {os.getloadavg()[0]:.1f}."
        )
        write("")
        write("| What | Figure | Target |")
        write("| --- | --- | --- |")
        for what, figure, target in rows:
            write(f"| {what} | {figure} | {target} |")
        write("")
        write(f"Logs: {self.var}")
