"""The pieces of a container the stack harness (tests/deployment/stack.py) supplies itself:
a process in a session of its own (stopped or killed whole, as a container is), the app
image's virtualenv, PostgreSQL's server binaries, and a check that a port is listening."""

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.deployment.compose import ROOT

RUNTIME_VENV = ROOT / ".venv-runtime"


class StackError(Exception):
    pass


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    cwd: Path = ROOT
    # PostgreSQL takes SIGTERM as "wait for every client to leave"; SIGINT is a fast shutdown.
    stop_signal: int = signal.SIGTERM
    popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """The whole process group at once, as when a container dies."""
        self._signal(signal.SIGKILL)
        self.popen.wait()

    def stop(self, timeout: float = 10) -> None:
        if not self.running:
            return
        self._signal(self.stop_signal)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal(self, signum) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signum)

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def runtime_venv() -> Path:
    """A virtualenv with requirements.lock alone, rebuilt when the lock changes."""
    lock = ROOT / "requirements.lock"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = RUNTIME_VENV / ".lock-sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return RUNTIME_VENV
    shutil.rmtree(RUNTIME_VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", RUNTIME_VENV], check=True)
    pip = [RUNTIME_VENV / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "-q"]
    installed = subprocess.run([*pip, "install", "-r", lock], capture_output=True, text=True)
    if installed.returncode:
        raise StackError(f"pip install -r requirements.lock failed:\n{installed.stderr}")
    stamp.write_text(digest)
    return RUNTIME_VENV


def postgres_bindir() -> Path:
    """The newest of Debian's /usr/lib/postgresql/<version>/bin."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda initdb: float(initdb.parents[1].name),
    )
    if not found:
        raise StackError("PostgreSQL's server binaries (initdb) are not installed.")
    return found[-1].parent


def accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0
