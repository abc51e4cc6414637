"""The address a request came from, as far as this deployment can know it.

Behind a reverse proxy every request arrives from the proxy, so the client's own address is in
a header the proxy adds. That header is only trustworthy when a proxy we run wrote it; anyone can
send one. So it is read only when TRUSTED_PROXY_HEADER names it, and only the entry added by the
outermost of our TRUSTED_PROXY_COUNT proxies counts: entries further left came from the client.
The rate limits, the staff login lock-out and the address stored with a signature all use this.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, or None when the request carries none (a request built by the
    test client's force_login, or a proxy on a Unix socket that was not configured)."""
    return _from_proxy_header(request) or request.META.get("REMOTE_ADDR") or None


def _from_proxy_header(request) -> str | None:
    header = settings.TRUSTED_PROXY_HEADER
    if not header:
        return None
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    count = settings.TRUSTED_PROXY_COUNT
    if count < 1 or len(hops) < count:
        # The request did not pass through all our proxies; only the connection is certain.
        return None
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return None
