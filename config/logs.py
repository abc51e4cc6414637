"""Logging: readable lines by default, or one JSON object a line (LOG_FORMAT=json) for a log
collector. Every record carries the id of the request it was written during: the proxy's own
(Caddy sends X-Request-ID and writes the same id in its access log, so a line here leads to the
request there), else one made here; the response returns it, for a person to quote.

A signer's private links are secrets that not even staff may read, and Django writes request
paths into its log messages ("Internal Server Error: /confirm/…/"), so the token in such a
path is blanked before any line is written. The request object Django attaches to a record is
left out of the JSON for the same reason."""

import logging
import re

from pythonjsonlogger.core import RESERVED_ATTRS

# The URL prefixes of the private links (signatures/urls.py): the segment after them is the
# token (tests/config/test_logs.py checks this against the real URLs). A segment in braces is
# a route's placeholder ("/confirm/{token}/", as error reports name a view), not a token.
PRIVATE_LINK = re.compile(r"(/(?:confirm|manage)/)(?!\{)[^/?#\s\"'<>]+")
REDACTED = "[private]"


def redact_private_links(text: str) -> str:
    return PRIVATE_LINK.sub(rf"\g<1>{REDACTED}", text)


class RedactPrivateLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_private_links(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def logging_config(*, json: bool, level: str) -> dict:
    """settings.LOGGING: everything to the console (the container's log), as text or JSON."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "log_request_id.filters.RequestIDFilter"},
            "private_links": {"()": "config.logs.RedactPrivateLinks"},
        },
        "formatters": {
            "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["levelname", "name", "message", "request_id"],
                "rename_fields": {"levelname": "level", "name": "logger"},
                # ISO 8601 in UTC, to the millisecond.
                "timestamp": "time",
                "reserved_attrs": [*RESERVED_ATTRS, "request"],
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "private_links"],
                "formatter": "json" if json else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
