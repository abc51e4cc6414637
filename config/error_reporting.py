"""Error reports to Sentry (or a service that speaks its protocol, such as GlitchTip), sent
only when SENTRY_DSN is set.

A report leaves the coalition's hands, so what it may carry is decided here, not by the
SDK's defaults: no contact details or addresses (no request body, cookies, headers or client
address, no local variables of the failing code, where a signer's data sits), no email
address anywhere in the text, and no private link: the confirm and manage tokens are in URLs,
in log messages that quote them and in the Referer of the pages they lead to."""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from config.logs import redact_private_links

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub,
    )


def scrub(event: dict, hint: dict) -> dict:
    """Keep of the request only its method and path; blank tokens and emails in all text."""
    if request := event.get("request"):
        event["request"] = {"method": request.get("method"), "url": request.get("url")}
    return _scrubbed(event)


def _scrubbed(value):
    if isinstance(value, str):
        return EMAIL.sub("[email]", redact_private_links(value))
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value
