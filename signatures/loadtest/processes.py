"""The servers the benchmark drives, started as production starts them: gunicorn serving
config.wsgi with sync workers, and the task worker (`manage.py db_worker`). Both inherit the
benchmark's environment (its database, cache and settings); their output goes to log files."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(command, *, log: Path, ready=None, timeout: float = 30):
    """Run `command` until the block ends; `ready()` says when it is up."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        # Our own command lines: the interpreter, manage.py or gunicorn, and their options.
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, stdout=output, stderr=output)  # noqa: S603
    try:
        deadline = time.monotonic() + timeout
        while ready is not None and not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not start; see {log}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — loopback, our own server
            return True
    except (urllib.error.URLError, OSError):
        return False


def gunicorn(port: int, *, workers: int, log: Path):
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "60",
    ]  # fmt: skip
    return running(command, log=log, ready=lambda: answers(f"http://127.0.0.1:{port}/livez"))


def task_worker(*, log: Path):
    """At a lower CPU priority than the web processes, as a small machine should run it: a
    burst of signing then goes to the people signing, and the worker catches up after."""
    command = [
        "nice", "-n", "10",
        sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
    ]  # fmt: skip
    return running(command, log=log)


def wrk(url: str, *, script: str, duration: float, connections: int, args=(), headers=()):
    """Run wrk against `url` with one of this folder's Lua scripts; its JSON report line."""
    command = [
        "wrk", "--threads", "2", "--connections", str(connections),
        "--duration", f"{max(round(duration), 1)}s", "--timeout", "10s", "--latency",
        "--script", str(HERE / script),
    ]  # fmt: skip
    for header in headers:
        command += ["--header", header]
    command += [url, "--", *args]
    result = subprocess.run(  # noqa: S603 — wrk, with our own arguments
        command,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LOADTEST_REPORT_LUA": str(HERE / "report.lua")},
    )
    reports = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode or not reports:
        raise RuntimeError(f"wrk failed: {result.stderr or result.stdout}")
    return json.loads(reports[-1])
