"""The server refuses to start misconfigured, on every start and not only with --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from signatures.checks import staff_need_a_second_factor


def start_wsgi(**environment):
    """Import the WSGI application as gunicorn does, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DEBUG")}
    return subprocess.run(  # noqa: S603 — our own interpreter and module
        [sys.executable, "-c", "import config.wsgi"],
        cwd=django_settings.BASE_DIR,
        env=env | {"SECRET_KEY": "x" * 50, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_web_server_refuses_to_start_with_a_per_process_cache_and_debug_off():
    refused = start_wsgi(DEBUG="false")
    assert refused.returncode != 0
    assert "signatures.E003" in refused.stderr


def test_one_process_may_be_allowed_explicitly_and_development_needs_nothing():
    assert start_wsgi(DEBUG="false", ALLOW_PROCESS_LOCAL_CACHE="true").returncode == 0
    assert start_wsgi(DEBUG="true").returncode == 0


def test_a_shared_cache_starts():
    assert start_wsgi(DEBUG="false", CACHE_URL="redis://127.0.0.1:9/0").returncode == 0


@pytest.mark.django_db
def test_every_management_command_runs_the_check(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.DEBUG = False
    settings.ALLOW_PROCESS_LOCAL_CACHE = False
    with pytest.raises(SystemCheckError, match="signatures.E003"):
        call_command("check")


@pytest.mark.django_db
def test_the_deploy_check_warns_while_staff_need_no_second_factor(settings):
    settings.ALLOW_PROCESS_LOCAL_CACHE = True
    settings.ADMIN_REQUIRE_OTP = False
    with pytest.raises(SystemCheckError, match="signatures.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")

    settings.ADMIN_REQUIRE_OTP = True
    assert staff_need_a_second_factor(None) == []
