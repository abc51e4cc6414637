"""django-tasks-db's worker, riding out a database restart. Its own worker stops at the first
database error, so each restart of PostgreSQL would stop mail until someone restarted it;
this one waits for the database to come back and carries on. A task it was running when the
database went away is put back in the queue, so it runs again rather than staying "running"
for ever (deliver_mail is safe to run twice)."""

import logging
import time

from django.db import connections
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from config.outage import DATABASE_ERRORS

logger = logging.getLogger("django_tasks_db")

# Seconds between attempts to reach the database again: short, since a restart takes seconds.
RECONNECT_DELAY = 1


class ResilientWorker(db_worker.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._interrupted_task_id = None

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DATABASE_ERRORS as error:
                logger.warning(
                    "Database unavailable (%s); worker %s retries in %s s.",
                    error,
                    self.worker_id,
                    RECONNECT_DELAY,
                )
                self.startup_delay = False
                self._reconnect()

    def run_task(self, db_task_result) -> None:
        self._interrupted_task_id = db_task_result.id
        super().run_task(db_task_result)
        self._interrupted_task_id = None

    def _reconnect(self) -> None:
        while self.running:
            connections.close_all()
            time.sleep(RECONNECT_DELAY)
            try:
                if self._interrupted_task_id is not None:
                    # Its outcome could not be recorded: let it run again.
                    DBTaskResult.objects.filter(
                        id=self._interrupted_task_id, status=TaskResultStatus.RUNNING
                    ).update(status=TaskResultStatus.READY)
                    self._interrupted_task_id = None
                else:
                    connections["default"].ensure_connection()
                return
            except DATABASE_ERRORS:
                continue


class Command(db_worker.Command):
    def handle(self, **options):
        # The parent's handle() builds its Worker by name, with all its options, signals and
        # reloading; it gets ours for the length of this command.
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original
