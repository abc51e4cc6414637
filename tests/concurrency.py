"""Running test actions at the same moment, each in its own thread and database connection."""

import threading

from django.db import connection


def run_together(*actions) -> list[Exception]:
    """Run the actions in parallel threads; return the errors they raised (none, we hope)."""
    errors = []

    def run(action):
        try:
            action()
        except Exception as error:  # noqa: BLE001 — any error is what the caller looks for
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors
