"""Undersigned settings: one module, every deployment choice read from the environment."""

from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config import error_reporting, logs

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable when DEBUG is on; production refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "dev-only-insecure-key" if DEBUG else env.str("SECRET_KEY")
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute links in mail need the public address of the site, not whatever Host a worker sees.
# Without one, the address `make run` serves on (its HOST and PORT), so that development links
# in mail and canonical URLs lead back to the server that wrote them.
SITE_URL = env.str(
    "SITE_URL",
    default=f"http://{env.str('HOST', default='127.0.0.1')}:{env.int('PORT', default=8000)}",
).rstrip("/")

INSTALLED_APPS = [
    # Django's admin, with a site that asks staff for their second factor (config/admin_site.py).
    "config.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_ratelimit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "letters",
    "signatures",
    # After signatures, whose db_worker (a worker that rides out a database restart) is then
    # the one `manage.py db_worker` runs: the first app with a command of a name wins.
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: probes by IP over plain HTTP get their answer before the host check and the
    # HTTPS redirect (config/health.py).
    "config.health.HealthCheckMiddleware",
    # The request's id for every log line written while it runs (config/logs.py); after the
    # health checks, which would only add noise.
    "log_request_id.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Instead of LocaleMiddleware, whose only ways to choose a language are a URL prefix (every
    # shared public URL would change) and the language cookie (which shared caches, keyed on
    # the URL and Accept-Language, cannot see): here it is ?lang= or the browser's choice.
    "letters.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username+address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "letters.context_processors.language",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's built-in psycopg pool: a request borrows a warm connection instead of opening one.
    # A request waits at most this long for a connection when the database is down or
    # saturated, then shows the error page (well inside gunicorn's worker timeout).
    # Each connection is checked as it is handed out: after a database restart the pool holds
    # only dead connections, and without the check each would fail one request. The check
    # costs a round trip only when the server has said something (config/db_pool.py).
    from config.db_pool import check_connection

    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=5),
        "check": check_connection,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent signers queue up instead of
    # failing with "database is locked" halfway through a transaction. The test database is a
    # file so that threads (live server, race tests) share it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
SILENCED_SYSTEM_CHECKS = []
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # django-ratelimit refuses a per-process cache because each process would count alone.
    # That is only acceptable for the single-process default of development and `make test`;
    # `check --deploy` still refuses it (signatures.E001), so production sets CACHE_URL.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's Redis backend, for which a Redis outage is not an error (config/cache.py).
    # Redis answers in a millisecond; waiting longer only holds up the request it can't help.
    CACHES["default"]["BACKEND"] = "config.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "socket_connect_timeout": env.float("CACHE_TIMEOUT", default=0.5),
            "socket_timeout": env.float("CACHE_TIMEOUT", default=0.5),
        }
    )
    # django-ratelimit's list of supported caches predates Django's own Redis backend, which
    # is shared by all processes and increments atomically (INCR), all the limiter needs.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")
# After a cache failure each process does without the cache for this long before trying again.
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5)
# With DEBUG off the server refuses to start on a per-process cache (signatures.E003), since
# each process would count rate limits alone; this says there is only ever one process.
ALLOW_PROCESS_LOCAL_CACHE = env.bool("ALLOW_PROCESS_LOCAL_CACHE", default=False)

# Mail goes through Django 6.1's MAILERS; EMAIL_URL uses django-environ's URL forms.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_mailer_options = {
    "smtp": lambda: {
        "host": _email["EMAIL_HOST"] or "localhost",
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or None,
        "password": _email["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        # A hung mail server must not hold a worker forever.
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    },
    "filebased": lambda: {"file_path": "/" + _email["EMAIL_FILE_PATH"]},
}
_mailer_kind = _email["EMAIL_BACKEND"].rsplit(".", 2)[-2]
if _mailer_kind == "console":
    # Prints mail as read, so `make run` users can follow the links (config/console_mail.py).
    _email["EMAIL_BACKEND"] = "config.console_mail.ReadableConsoleEmailBackend"
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _mailer_options.get(_mailer_kind, dict)(),
    }
}
# The sending address, and the name mail shows beside it (the coalition's, say): recipients
# decide by that name whether to open a message. A name given in DEFAULT_FROM_EMAIL itself
# ("Name <address>") is kept unless MAIL_FROM_NAME says otherwise.
_from_name, _from_address = parseaddr(env.str("DEFAULT_FROM_EMAIL", default="letters@localhost"))
MAIL_FROM_NAME = env.str("MAIL_FROM_NAME", default=_from_name or "Undersigned")
DEFAULT_FROM_EMAIL = str(Address(display_name=MAIL_FROM_NAME, addr_spec=_from_address))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Mail is delivered by the db_worker process, so a slow or dead mail server never fails a request.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language is named in itself: the switcher is read by people who need the other one.
LANGUAGES = [("en", "English"), ("es", "Español")]
# The compiled .mo files are committed, so a checkout needs no gettext tools to run.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded files (the addressees' response as PDF). Never served from here as raw media: a view
# sends each with its checked type (letters/views.py), so production needs no media server,
# only this folder kept across deploys.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# A letter's answer is a few pages; a larger upload is more likely a mistake (or an attack on
# the disk) than a response.
RESPONSE_PDF_MAX_BYTES = env.int("RESPONSE_PDF_MAX_BYTES", default=10 * 2**20)

# Signing links: long enough to find the mail after a weekend, short enough that a leaked
# link goes stale.
CONFIRMATION_LINK_MAX_AGE = env.int("CONFIRMATION_LINK_MAX_AGE", default=7 * 24 * 3600)
# The "manage your signature" link in every mail: an organization may want to correct or
# withdraw its entry long after signing, so it lives as long as contact details are kept.
MANAGE_LINK_MAX_AGE = env.int("MANAGE_LINK_MAX_AGE", default=180 * 24 * 3600)
# Contact details exist only to run this letter; purge_contacts removes them this many days
# after the letter closed (or its signing deadline passed). Public names stay.
CONTACT_RETENTION_DAYS = env.int("CONTACT_RETENTION_DAYS", default=180)
# First retry of undeliverable mail; each later one waits twice as long, up to an hour.
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=30)
# requeue_mail re-enqueues mail whose delivery task is this many seconds overdue, assuming
# the task was lost (e.g. the web process died between commit and enqueue).
MAIL_REQUEUE_AFTER_SECONDS = env.int("MAIL_REQUEUE_AFTER_SECONDS", default=600)
# How long one delivery attempt holds its mail before another worker may send it: longer than
# an attempt can take (a dozen EMAIL_TIMEOUTs), short enough that mail a killed worker held
# goes out minutes later, not hours.
MAIL_SEND_LEASE_SECONDS = env.int("MAIL_SEND_LEASE_SECONDS", default=120)
# How long the rendered public letter stays in the cache; a change to the letter or its
# signatories changes the cache key, so this only bounds memory, not staleness.
LETTER_PAGE_CACHE_SECONDS = env.int("LETTER_PAGE_CACHE_SECONDS", default=24 * 3600)
# A letter's PDF takes a second or two to lay out per thousand signatories: up to this many it
# is made in the request that asks for it, beyond that by the worker (letters/pdf.py).
LETTER_PDF_INLINE_MAX = env.int("LETTER_PDF_INLINE_MAX", default=1000)

# The public pages run no inline script or style, so the policy can be strict.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Behind a TLS-terminating proxy, trust its X-Forwarded-Proto only when told to.
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The address a request came from, when a reverse proxy is deployed: the header it adds (e.g.
# X-Forwarded-For) and how many proxies of ours append to it. Empty means REMOTE_ADDR only,
# because a header nobody of ours wrote is whatever the client wants it to be.
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Limits on public writes in django-ratelimit's notation ("20/h": twenty an hour), per client
# address and per contact email, counted in the default cache, which must be shared by all
# processes in production (Redis). An empty value switches that limit off. Per address is
# looser than per email because a whole office, or a conference, can share one address.
RATELIMITS = {
    "sign": {
        "ip": env.str("RATELIMIT_SIGN_PER_IP", default="20/h"),
        "email": env.str("RATELIMIT_SIGN_PER_EMAIL", default="5/h"),
    },
    "confirm": {
        "ip": env.str("RATELIMIT_CONFIRM_PER_IP", default="30/h"),
        "email": env.str("RATELIMIT_CONFIRM_PER_EMAIL", default="10/h"),
    },
    "resend": {
        "ip": env.str("RATELIMIT_RESEND_PER_IP", default="10/h"),
        "email": env.str("RATELIMIT_RESEND_PER_EMAIL", default="3/h"),
    },
    "manage": {
        "ip": env.str("RATELIMIT_MANAGE_PER_IP", default="30/h"),
        "email": env.str("RATELIMIT_MANAGE_PER_EMAIL", default="10/h"),
    },
    # "Lost your link?" mails a private link, like resend: the same limits by default.
    "recover": {
        "ip": env.str("RATELIMIT_RECOVER_PER_IP", default="10/h"),
        "email": env.str("RATELIMIT_RECOVER_PER_EMAIL", default="3/h"),
    },
}
RATELIMIT_IP_META_KEY = "config.clientip.client_ip"
RATELIMIT_VIEW = "signatures.views.too_many_requests"
# While the cache is down the counters can't be kept, and losing a signature is worse than
# letting a burst through for a minute (config/cache.py).
RATELIMIT_FAIL_OPEN = True

# Robots submit forms the instant they load them; people take a few seconds. A form older
# than a day is shown again rather than accepted, so a harvested form can't be replayed forever.
FORM_MIN_FILL_SECONDS = env.float("FORM_MIN_FILL_SECONDS", default=3.0)
FORM_MAX_AGE_SECONDS = env.int("FORM_MAX_AGE_SECONDS", default=24 * 3600)

# Password guessing at the staff login: after AXES_FAILURE_LIMIT failures for one username
# from one address that pair is locked out for the cool-off. Keying on the pair means an
# attacker can't lock a moderator out from elsewhere by failing on purpose.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.admin_site.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"

# Staff may add a TOTP authenticator (at /admin/two-factor/); once they have one the admin
# login asks for its code. ADMIN_REQUIRE_OTP makes it compulsory for every staff member.
ADMIN_REQUIRE_OTP = env.bool("ADMIN_REQUIRE_OTP", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Undersigned")

# Readable lines for a person at a terminal; LOG_FORMAT=json for a log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = logs.logging_config(json=LOG_FORMAT == "json", level=env.str("LOG_LEVEL", default="INFO"))
# WeasyPrint tells every step of every PDF it renders at INFO; its warnings still show.
LOGGING.setdefault("loggers", {})["weasyprint.progress"] = {"level": "WARNING"}
# The proxy names each request in X-Request-ID (and in its access log); a request that came
# without one gets a new id. The response says which it was.
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"

# Error reports go to Sentry only when a DSN is given, stripped of anything private
# (config/error_reporting.py). Tracing is off unless a sample rate is set.
if SENTRY_DSN := env.str("SENTRY_DSN", default=""):
    error_reporting.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
