"""What people see while the database is down, restarting, or has no free pooled connection:
a 503 page that says to try again in a minute (with Retry-After), not the 500 page, which
says something is broken. The signing form answers such a POST itself, with the form as it
was sent (signatures/views.py); every other page gets the plain one from `server_error`."""

import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.views import defaults

# A lost or refused connection, a restart cutting off a query, or psycopg_pool's PoolTimeout
# (an OperationalError): errors that pass once the database is back.
DATABASE_ERRORS = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 60


def unavailable(request, template: str = "503.html", context: dict | None = None):
    response = render(request, template, context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500. Django calls it while handling the exception, so it can tell a database
    outage (503, try again) from a fault of ours (500)."""
    if isinstance(sys.exception(), DATABASE_ERRORS):
        return unavailable(request)
    return defaults.server_error(request)
