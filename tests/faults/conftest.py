"""One stack for the fault tests, started once: a private PostgreSQL and Redis, a mail server
on loopback, the site under gunicorn and an open letter with a staff account. Each test starts
the mail workers it needs and stops, kills or restarts what it tests."""

import asyncio
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.faults.servers import (
    PrivatePostgres,
    PrivateRedis,
    Process,
    app_environment,
    manage,
    start_web,
    start_worker,
    wait_until,
)
from tests.signatures.mail_server import SMTPSink, free_port

STAFF_PASSWORD = "correct horse battery staple"


@dataclass
class Stack:
    postgres: PrivatePostgres
    redis: PrivateRedis
    mail: SMTPSink
    web: Process
    port: int
    environment: dict
    slug: str

    def query(self, sql: str, *params):
        with self.postgres.connect("undersigned") as connection:
            return connection.execute(sql, params).fetchall()

    def received(self) -> Counter:
        """How many messages the mail server took, per recipient."""
        return Counter(message["To"] for message in self.mail.messages)

    def wait_for_mail(self, *, timeout: float = 60) -> None:
        wait_until(
            lambda: not self.query("SELECT 1 FROM signatures_outgoingmail WHERE status <> 'sent'"),
            timeout=timeout,
            what="every stored mail to be sent",
        )


def _static_files_collected():
    if not (settings.BASE_DIR / "staticfiles" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=settings.BASE_DIR,
            env=app_environment(ALLOW_PROCESS_LOCAL_CACHE="true"),
            check=True,
        )


@pytest.fixture(scope="session")
def stack():
    _static_files_collected()
    postgres, redis = PrivatePostgres(), PrivateRedis()
    mail = SMTPSink(free_port())
    web = None
    try:
        postgres.start()
        postgres.create_database("undersigned")
        redis.start()
        mail.__enter__()
        port = free_port()
        environment = app_environment(
            DATABASE_URL=postgres.url("undersigned"),
            CACHE_URL=redis.url,
            EMAIL_URL=f"smtp://127.0.0.1:{mail.port}",
            SITE_URL=f"http://127.0.0.1:{port}",
            TRUSTED_PROXY_HEADER="X-Forwarded-For",
            # Seconds, not minutes: these signers send again a second after an error page.
            FORM_MIN_FILL_SECONDS="1",
            DATABASE_POOL_TIMEOUT="2",
            RATELIMIT_SIGN_PER_EMAIL="30/h",
            CACHE_RETRY_SECONDS="1",
        )
        manage(environment, "migrate", "--no-input", "-v", "0")
        manage(
            environment,
            "shell",
            "-c",
            "from tests.factories import make_letter, make_staff; "
            f"make_letter(slug='faults'); make_staff(password={STAFF_PASSWORD!r})",
        )
        web = start_web(environment, port=port)
        yield Stack(postgres, redis, mail, web, port, environment, "faults")
    finally:
        if web is not None:
            web.stop()
        mail.__exit__(None, None, None)
        redis.stop()
        postgres.close()


@pytest.fixture
def mail_worker(stack):
    worker = start_worker(stack.environment)
    yield worker
    worker.stop()


class _StallingCollector:
    """A mail server that, for the first message, waits until its client is gone before it
    would answer: the client never hears "accepted", so the server keeps nothing, as when the
    worker sending it is killed mid-send. It takes every later message."""

    def __init__(self):
        self.messages = []
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        if not self.receiving.is_set():
            self.receiving.set()
            for _ in range(600):
                if server.transport is None or server.transport.is_closing():
                    break
                await asyncio.sleep(0.05)
            return "451 4.3.0 The client went away"
        self.messages.append(envelope.rcpt_tos)
        return "250 Message accepted"


@pytest.fixture
def stalling_mail_server():
    collector = _StallingCollector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield collector, controller.port
    controller.stop()
