"""A deployment that fails every request reaching the database: gunicorn serving the project
against a database that was never migrated (someone forgot `manage.py migrate`), with error
reports sent to a loopback stand-in for Sentry and logs written as JSON. For the tests of
what an operator gets from a failure: config/logs.py and config/error_reporting.py."""

import gzip
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import brotli
import httpx

from tests.signatures.mail_server import free_port

ROOT = Path(__file__).resolve().parents[2]


class SentryStandIn:
    """Accepts what a Sentry SDK sends (envelopes, POSTed to /api/<project>/envelope/) and
    keeps each one's items, as JSON."""

    def __init__(self):
        self.items: list[dict] = []
        self.raw: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":
                    # The SDK compresses with Brotli when it is installed (WeasyPrint brings it).
                    body = brotli.decompress(body)
                text = body.decode()
                stand_in.raw.append(text)
                lines = text.splitlines()[1:]
                stand_in.items += [json.loads(payload) for payload in lines[1::2]]
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.dsn = f"http://public@127.0.0.1:{self.server.server_port}/1"

    def __enter__(self):
        Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def events(self, *, timeout: float = 10) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := [item for item in self.items if "exception" in item]:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no error report within {timeout} s")


class BrokenDeployment:
    def __init__(self, workdir: Path, *, secret_key: str, sentry_dsn: str):
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        self.env = {
            "PATH": os.environ["PATH"],
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "letters.example.org",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"sqlite:///{workdir / 'never-migrated.sqlite3'}",
            "SENTRY_DSN": sentry_dsn,
            "LOG_FORMAT": "json",
            # One gunicorn worker, so the in-process cache is shared by all (signatures.E003).
            "ALLOW_PROCESS_LOCAL_CACHE": "true",
        }
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/livez")
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.process.kill()
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return httpx.get(
            self.url + path,
            headers={"Host": "letters.example.org"} | kwargs.pop("headers", {}),
            **kwargs,
        )

    def log_lines(self) -> list[dict]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]
