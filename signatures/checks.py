from django.conf import settings
from django.core.checks import Error, Tags, register

PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def rate_limits_use_a_shared_cache(app_configs, **kwargs):
    """Rate limits count in the default cache. The in-process default is fine for `make run`
    and the tests, whose django-ratelimit checks settings.py silences; in production each
    process would count alone and let several times the limit through."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in PROCESS_LOCAL_CACHES:
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
