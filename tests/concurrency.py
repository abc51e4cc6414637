"""Running test actions at the same moment, each in its own thread and database connection."""

import threading
import time

from django.db import connection


def run_together(*actions, timeout: float = 30) -> list[Exception]:
    """Run the actions in parallel threads; return the errors they raised (none, we hope). An
    action still running after `timeout` seconds is an error too: a test must not pass while
    part of what it tests has not finished."""
    errors = []

    def run(action):
        try:
            action()
        except Exception as error:  # noqa: BLE001 — any error is what the caller looks for
            errors.append(error)
        finally:
            connection.close()

    # Daemon threads, so one that hangs cannot keep the test run from exiting.
    threads = [threading.Thread(target=run, args=(action,), daemon=True) for action in actions]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        errors.append(TimeoutError(f"still running after {timeout} s: {', '.join(stuck)}"))
    return errors
