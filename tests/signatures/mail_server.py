"""A real SMTP server on loopback for tests of mail delivery, and a free port to find first
(nothing listens there until the server starts, so connecting is refused)."""

import asyncio
import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_mailers(port: int) -> dict:
    """settings.MAILERS as EMAIL_URL=smtp://127.0.0.1:PORT makes it."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


class _Collector:
    def __init__(self):
        self.messages = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"


class SMTPSink:
    """Accepts every message and keeps it, parsed, in .messages; after .delay seconds, to
    play a slow mail server."""

    def __init__(self, port: int):
        self.port = port
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=port)

    @property
    def messages(self):
        return self._collector.messages

    @property
    def delay(self) -> float:
        return self._collector.delay

    @delay.setter
    def delay(self, seconds: float):
        self._collector.delay = seconds

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()
