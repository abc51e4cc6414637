"""System checks that refuse an unsafe deployment. Most run only with `check --deploy`; the
per-process cache check runs on every start, the web server's included (config/wsgi.py runs
the checks, since gunicorn does not)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def _process_local_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES


def _refused_on_start() -> bool:
    return not settings.DEBUG and _process_local_cache() and not settings.ALLOW_PROCESS_LOCAL_CACHE


@register(Tags.caches)
def server_refuses_a_process_local_cache(app_configs, **kwargs):
    """With DEBUG off this is presumably production, where several processes (gunicorn
    workers, or more than one server) serve: each would count rate limits alone and let
    several times the limit through. `make test` is one process and runs no checks."""
    if _refused_on_start():
        return [
            Error(
                "DEBUG is off and the default cache is local to each process, so every "
                "process would count rate limits alone.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://host:6379/0, or, if only "
                "ever one process serves, ALLOW_PROCESS_LOCAL_CACHE=true.",
                id="signatures.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def rate_limits_use_a_shared_cache(app_configs, **kwargs):
    """Rate limits count in the default cache. The in-process default is fine for `make run`
    and the tests, whose django-ratelimit checks settings.py silences; in production each
    process would count alone and let several times the limit through."""
    if _process_local_cache() and not _refused_on_start():
        return [
            Error(
                "The default cache is local to each process, so rate limits are not shared.",
                hint="Set CACHE_URL to a shared cache, e.g. redis://host:6379/0.",
                id="signatures.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def mail_is_delivered(app_configs, **kwargs):
    """Django's own check knows its console backend by name, not our readable subclass."""
    if settings.MAILERS["default"]["BACKEND"] == "config.console_mail.ReadableConsoleEmailBackend":
        return [
            Error(
                "Mail to signers is only printed to the console, never delivered.",
                hint="Set EMAIL_URL to your mail server, e.g. smtp+tls://user:pass@host:587.",
                id="signatures.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def staff_need_a_second_factor(app_configs, **kwargs):
    """A moderator's password alone guards every contact's details and every signature."""
    if not settings.ADMIN_REQUIRE_OTP:
        return [
            Warning(
                "Staff can sign in to the admin with a password alone.",
                hint="Set ADMIN_REQUIRE_OTP=true: staff without an authenticator are then "
                "asked to set one up at /admin/two-factor/ before anything else.",
                id="signatures.W001",
            )
        ]
    return []
