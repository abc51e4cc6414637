"""`make run PORT=8010` builds links in mail and canonical URLs on port 8010: the Makefile hands
its HOST and PORT to every command it runs, and settings.py takes SITE_URL from them unless
SITE_URL is set."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def site_url(**env) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SITE_URL", "HOST", "PORT", "DJANGO_SETTINGS_MODULE")
    }
    environment |= {"SECRET_KEY": "test-only", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=environment | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_site_url_follows_the_host_and_port_served_on():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8010") == "http://127.0.0.1:8010"
    assert site_url(HOST="localhost", PORT="8010") == "http://localhost:8010"


def test_a_site_url_that_is_set_wins_over_host_and_port():
    assert site_url(PORT="8010", SITE_URL="https://letters.example.org/") == (
        "https://letters.example.org"
    )


def test_make_run_hands_its_port_to_every_command(tmp_path):
    """`make run` with a stand-in for Python that records the HOST and PORT it was given
    (the real commands would migrate, load the demo and serve)."""
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than requirements.lock: nothing to install
    log = tmp_path / "commands.log"
    python = tmp_path / "python"
    # runserver runs in the foreground beside the worker in the background, and its end stops
    # the worker: it waits (5 s at most) until the worker has been started.
    python.write_text(
        f'#!/bin/sh\necho "$HOST:$PORT $2" >> {log}\n'
        f'[ "$2" = runserver ] && for _ in $(seq 50); do '
        f"grep -q db_worker {log} && break; sleep 0.1; done\n"
        "exit 0\n"
    )
    python.chmod(0o755)

    subprocess.run(  # noqa: S603 (every argument is this test's own)
        [shutil.which("make"), "-s", "run", "PORT=8010", f"VENV={venv}", f"PY={python}"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        # The recipe ends by signalling its whole process group (`kill 0`), make included:
        # in a session of its own, so that this test's process is not in it.
        start_new_session=True,
    )

    assert sorted(log.read_text().splitlines()) == [
        "127.0.0.1:8010 db_worker",
        "127.0.0.1:8010 load_demo",
        "127.0.0.1:8010 migrate",
        "127.0.0.1:8010 runserver",
    ]
