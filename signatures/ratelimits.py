"""Limits on the public forms, counted with django-ratelimit in the shared cache.

Each public view that writes is decorated with `rate_limit(<group>)`; the rates are
settings.RATELIMITS[<group>]: "ip" per client address (config.clientip) and, when the form
carries one, "email" per contact email address. Only POSTs count: reading a form is free.
Over a limit django-ratelimit's middleware shows RATELIMIT_VIEW, a friendly page with HTTP 429.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from config.clientip import client_ip


class RateLimited(Ratelimited):
    """Ratelimited, carrying how long until the window ends, for the Retry-After header."""

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = max(retry_after, 1)


def normalize_email(address: str) -> str:
    """One bucket per mailbox: case, surrounding space and a "+tag" don't make a new one."""
    local, _, domain = address.strip().casefold().rpartition("@")
    if not local:
        return address.strip().casefold()
    return f"{local.split('+', 1)[0]}@{domain}"


def check_rate_limits(request, group: str, *, email: str | None = None) -> None:
    """Count this request against the group's limits; raise RateLimited when over one.
    Call it directly from a view that has the email only after parsing the request."""
    if client_ip(request) is None:
        # Every client would share one bucket, and soon be refused together; fail loudly.
        raise ImproperlyConfigured(
            "The request has no client address: REMOTE_ADDR is empty (a proxy connecting over "
            "a Unix socket?). Set TRUSTED_PROXY_HEADER to the header the proxy adds."
        )
    rates = settings.RATELIMITS[group]
    checks = [("ip", "ip")]
    if email and rates.get("email"):
        normalized = normalize_email(email)
        checks.append(("email", lambda group, request: normalized))
    for kind, key in checks:
        rate = rates.get(kind) or None
        usage = get_usage(
            request, group=f"{group}.{kind}", key=key, rate=rate, method="POST", increment=True
        )
        if usage is not None and usage["should_limit"]:
            raise RateLimited(retry_after=usage["time_left"])


def rate_limit(group: str, *, email_field: str | None = None, email_of=None):
    """Decorate a view so its POSTs count against settings.RATELIMITS[group]. The per-email
    limit counts the address in the POST field `email_field`, or the one `email_of(**kwargs)`
    finds from the URL (the signature a private link names)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                if email_of is not None:
                    email = email_of(**kwargs)
                else:
                    email = request.POST.get(email_field, "") if email_field else None
                check_rate_limits(request, group, email=email)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
