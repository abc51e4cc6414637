"""The real task queue for tests of the worker: the database backend and its db_worker."""

import signal

import pytest
from django.core.management import call_command


@pytest.fixture
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_worker():
    """Run db_worker until no task is due, as `manage.py db_worker --batch` does. The worker
    installs its own SIGINT/SIGTERM handlers; the test process gets pytest's back."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def run():
        call_command(
            "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
        )

    yield run
    for signum, handler in saved.items():
        signal.signal(signum, handler)
