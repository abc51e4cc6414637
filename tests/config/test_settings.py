"""Settings read from the environment, as a deployment sets them (a fresh interpreter each)."""

import os
import subprocess
import sys

from django.conf import settings


def settings_under(**environment) -> str:
    """DEFAULT_FROM_EMAIL as config/settings.py makes it from these variables."""
    env = {key: value for key, value in os.environ.items() if key not in ("MAIL_FROM_NAME",)}
    env |= {"DEBUG": "true", "DEFAULT_FROM_EMAIL": "letters@example.org"} | environment
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEFAULT_FROM_EMAIL)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_sender_name_comes_from_mail_from_name_quoted_as_mail_needs():
    assert settings_under() == "Undersigned <letters@example.org>"
    assert settings_under(MAIL_FROM_NAME="Riders, for Privacy") == (
        '"Riders, for Privacy" <letters@example.org>'
    )
    assert settings_under(DEFAULT_FROM_EMAIL="Coalición <desk@example.org>") == (
        "Coalición <desk@example.org>"
    )
