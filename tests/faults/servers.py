"""Real servers on loopback that the fault tests start, stop and restart themselves: a private
PostgreSQL cluster (initdb on a free port), a private Redis, the site under gunicorn and the
mail worker, each a process of its own, configured through the environment as in production.
Nothing here touches the shared PostgreSQL on 5432 or Redis on 6379."""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from django.conf import settings

from tests.signatures.mail_server import free_port

_PG_BIN = Path(os.environ.get("PG_BINDIR") or max(glob.glob("/usr/lib/postgresql/*/bin")))


def wait_until(condition, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout} s")


class PrivatePostgres:
    """A cluster of its own in a temporary folder. initdb refuses to run as root, so as root
    the cluster belongs to (and runs as) the `postgres` user."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="undersigned-pg-"))
        self.data = self.root / "data"
        self._as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self._as_owner, str(_PG_BIN / program), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "30", *args)

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                      "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(self.root / "server.log"), "-o", options, "start")

    def restart(self) -> None:
        """A fast restart: open sessions are ended ("terminating connection due to
        administrator command"), as an upgrade or a failover would."""
        # -l again: without it the server would write to (and hold open) our output pipe.
        self._pg_ctl("-l", str(self.root / "server.log"), "-m", "fast", "restart")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **options) -> psycopg.Connection:
        return psycopg.connect(self.url(database), **options)

    def create_database(self, name: str) -> None:
        with self.connect(autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers, timeout=10, what="redis-server to answer")

    def _answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def app_environment(**values: str) -> dict:
    """A production environment (DEBUG off, a real SECRET_KEY, ALLOWED_HOSTS) over plain HTTP
    on loopback."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CACHE_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE")
    }
    return environment | {
        "DEBUG": "false",
        "SECRET_KEY": "fault-tests-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
        **values,
    }


def manage(environment: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout


class Process:
    """A long-running process of the site (gunicorn, db_worker) with its output in a file."""

    def __init__(self, args: list[str], environment: dict, name: str):
        self.log_path = Path(tempfile.mkstemp(prefix=f"undersigned-{name}-", suffix=".log")[1])
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            args, cwd=settings.BASE_DIR, env=environment, stdout=self._log, stderr=self._log
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, as when the machine or the container is lost."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
        self.log_path.unlink(missing_ok=True)


def start_web(environment: dict, *, port: int, workers: int = 2, threads: int = 8) -> Process:
    web = Process(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--timeout", "30", "--graceful-timeout", "5"],
        environment,
        "web",
    )  # fmt: skip

    def answers():
        if not web.alive():
            raise RuntimeError(f"gunicorn exited:\n{web.log}")
        try:
            return Browser(port).get("/livez")[0] == 200
        except OSError:
            return False

    wait_until(answers, timeout=30, what="gunicorn to answer")
    return web


def start_worker(environment: dict) -> Process:
    return Process(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        environment,
        "worker",
    )


_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class Browser:
    """One person's browser: cookies, the form's hidden fields, a client address (sent as
    X-Forwarded-For, which the site is told to trust as its proxy's)."""

    def __init__(self, port: int, address: str = "192.0.2.1"):
        self.port = port
        self.address = address
        self.cookies = {}

    def _request(self, method: str, path: str, body: str | None = None):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"X-Forwarded-For": self.address, "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, response.headers

    def get(self, path: str):
        return self._request("GET", path)

    def post(self, path: str, data: dict):
        return self._request("POST", path, urlencode(data))


def hidden_fields(html: str) -> dict:
    """The hidden fields of the (one) form on a page: the CSRF token and the form stamp."""
    return dict(_HIDDEN.findall(html))
