# One way to do things: the README and .ci/run both use these targets.
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.1 needs Python 3.12+. PYTHON=/path/to/python overrides the search; otherwise take the
# first 3.12+ interpreter on PATH, then any that pyenv keeps off PATH.
PYTHON ?= $(shell \
	for c in python3.14 python3.13 python3.12 python3 python; do \
	  p=$$(command -v $$c) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for p in $$(ls -d $$root/versions/3.*/bin/python3 2>/dev/null | sort -rV); do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done)

.PHONY: run test lint check messages-check deploycheck loadtest loadtest-smoke lock lock-check browser stack clean

# Development and tests use requirements-dev.lock: the runtime lock (what the image installs)
# plus the test tools.
$(VENV)/.installed: requirements-dev.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed; set PYTHON=/path/to/python3.12"; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

# HOST and PORT reach settings.py too: without a SITE_URL, links in mail and canonical URLs
# name the address served here.
run: export HOST := $(HOST)
run: export PORT := $(PORT)
run: $(VENV)/.installed
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/); mail is printed here."
	@trap 'kill 0' INT TERM EXIT; \
	DEBUG=$${DEBUG:-true} $(PY) manage.py db_worker & \
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver --skip-checks $(HOST):$(PORT)

# A system Chromium (CHROMIUM_PATH, or Debian's /usr/bin/chromium) if there is one; otherwise
# Playwright's own installer fetches one into its cache.
browser: $(VENV)/.installed
	@$(PY) -m tests.e2e.browser || $(PY) -m playwright install chromium

# Tests run with DEBUG off, as production does, against whatever DATABASE_URL and CACHE_URL
# name (SQLite and an in-process cache by default).
test: $(VENV)/.installed browser
	SECRET_KEY=$${SECRET_KEY:-test-only-not-secret} $(PY) manage.py collectstatic --no-input -v 0
	SECRET_KEY=$${SECRET_KEY:-test-only-not-secret} $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# One process, so the per-process cache is allowed (signatures.E003 refuses it otherwise).
check: $(VENV)/.installed
	SECRET_KEY=$${SECRET_KEY:-check-only-not-secret} ALLOW_PROCESS_LOCAL_CACHE=true \
	$(PY) manage.py makemigrations --check --dry-run

# Is the Spanish catalog complete and current? Needs GNU gettext (tests/test_translations.py
# checks the same without it).
messages-check: $(VENV)/.installed
	PY=$(CURDIR)/$(PY) .ci/messages-check

# Django's deployment checklist, with the values a production deployment would set.
deploycheck: $(VENV)/.installed
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=letters.example.org SITE_URL=https://letters.example.org \
	CACHE_URL=redis://127.0.0.1:6379/0 \
	EMAIL_URL=smtp+tls://mailer:secret@smtp.example.org:587 \
	SECURE_HSTS_PRELOAD=true ADMIN_REQUIRE_OTP=true $(PY) manage.py check --deploy --fail-level WARNING

# Figures, not pass/fail: gunicorn and the task worker against PostgreSQL and Redis, driven
# over HTTP by wrk (Debian: apt-get install wrk), one table printed. LOADTEST_DB is dropped
# and created afresh each time; the settings are production's, except that wrk, one fast
# client, is exempt from the signing form's rate limits and its minimum fill time.
LOADTEST_PG ?= postgres://postgres@127.0.0.1:5432
LOADTEST_DB ?= undersigned_loadtest
LOADTEST_CACHE_URL ?= redis://127.0.0.1:6379/11
LOADTEST_ENV = DEBUG=false SECRET_KEY=loadtest-only-not-secret ALLOWED_HOSTS=127.0.0.1,testserver \
	SECURE_SSL_REDIRECT=false DATABASE_URL=$(LOADTEST_PG)/$(LOADTEST_DB) \
	CACHE_URL=$(LOADTEST_CACHE_URL) EMAIL_URL=dummymail:// RATELIMIT_SIGN_PER_IP= \
	RATELIMIT_SIGN_PER_EMAIL= FORM_MIN_FILL_SECONDS=0 LOG_LEVEL=WARNING

loadtest: $(VENV)/.installed
	psql -q "$(LOADTEST_PG)/postgres" -c "DROP DATABASE IF EXISTS $(LOADTEST_DB)" \
	  -c "CREATE DATABASE $(LOADTEST_DB)"
	redis-cli -u $(LOADTEST_CACHE_URL) flushdb >/dev/null
	$(LOADTEST_ENV) $(PY) manage.py collectstatic --no-input -v 0
	$(LOADTEST_ENV) $(PY) manage.py migrate --no-input -v 0
	$(LOADTEST_ENV) $(PY) manage.py loadtest $(LOADTEST_ARGS)

# The same in a few seconds, with small letters (CI runs it).
loadtest-smoke:
	$(MAKE) loadtest LOADTEST_ARGS="--smoke $(LOADTEST_ARGS)"

# docker-compose.yml's services as processes here, without Docker (tests/deployment/stack.py):
# Caddy at https://letters.localhost:8443 (STACK_PORT), two web replicas, the mail worker, the
# scheduler, a private PostgreSQL and Redis, and a demo letter. Mail is printed. Ctrl-C stops.
stack: $(VENV)/.installed
	$(PY) -m tests.deployment

# Rewrites requirements.lock (the runtime) and requirements-dev.lock (runtime and test tools)
# from pyproject.toml's pins, keeping the versions already locked for everything else, so the
# same inputs give the same locks. LOCK_UPGRADE=1 also moves the unpinned ones to the newest.
lock:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed; set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) .ci/lock

# Fails if either lock differs from what `make lock` would write (CI runs it).
lock-check:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed; set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) .ci/lock --check

clean:
	rm -rf $(VENV) $(VENV)-runtime db.sqlite3 var test-artifacts
