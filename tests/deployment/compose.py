"""docker-compose.yml and the Dockerfile read the way Docker reads them, as far as the stack
harness needs: each service's command and environment after variable interpolation, its
replicas, what it waits for, its health check; and the image's ENV and HEALTHCHECK. The
harness (tests/deployment/stack.py) runs what this returns, so the compose file cannot say
one thing while the tests run another."""

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# Compose's interpolation: $$ is a literal $, ${VAR}, ${VAR:-default}, ${VAR-default},
# ${VAR:?error}, ${VAR?error} and $VAR.
_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>\w+))"
)


class MissingVariable(Exception):
    pass


def interpolate(text: str, variables: dict[str, str]) -> str:
    def replace(match):
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        value, op = variables.get(name), match["op"]
        unset_or_empty = value is None or (value == "" and op and op.startswith(":"))
        if op and op.endswith("-") and unset_or_empty:
            return match["arg"]
        if op and op.endswith("?") and unset_or_empty:
            raise MissingVariable(f"{name}: {match['arg']}")
        return value or ""

    return _VARIABLE.sub(replace, text)


@dataclass
class Service:
    name: str
    command: list[str]
    environment: dict[str, str]
    replicas: int = 1
    depends_on: dict[str, str] = field(default_factory=dict)
    healthcheck: list[str] | None = None
    image: str | None = None
    build_target: str | None = None


def read_dotenv(path: Path) -> dict[str, str]:
    """An env_file: KEY=value lines; blank lines and # comments ignored."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def services(dotenv: dict[str, str]) -> dict[str, Service]:
    """Every service of docker-compose.yml, with `dotenv` as the .env file beside it (which
    Compose uses both for interpolation and, through env_file, as container environment)."""
    spec = yaml.safe_load(COMPOSE_FILE.read_text())
    image = dockerfile()
    found = {}
    for name, service in spec["services"].items():
        build = service.get("build") or {}
        target = build.get("target") if isinstance(build, dict) else None
        environment = dict(dotenv) if service.get("env_file") else {}
        environment |= {
            key: interpolate(str(value), dotenv)
            for key, value in (service.get("environment") or {}).items()
        }
        command = service.get("command")
        if command is None:
            command = image[target]["cmd"] if target else []
        elif isinstance(command, str):
            command = shlex.split(interpolate(command, dotenv))
        else:
            command = [interpolate(str(arg), dotenv) for arg in command]
        depends_on = service.get("depends_on") or {}
        if isinstance(depends_on, list):
            depends_on = dict.fromkeys(depends_on, "service_started")
        else:
            depends_on = {dep: cond["condition"] for dep, cond in depends_on.items()}
        found[name] = Service(
            name=name,
            command=command,
            environment=environment,
            replicas=(service.get("deploy") or {}).get("replicas", 1),
            depends_on=depends_on,
            healthcheck=_healthcheck(service.get("healthcheck"), image.get(target)),
            image=service.get("image"),
            build_target=target,
        )
    return found


def _healthcheck(declared: dict | None, built: dict | None) -> list[str] | None:
    if declared and declared.get("disable"):
        return None
    if declared and "test" in declared:
        kind, *argv = declared["test"]
        return argv if kind == "CMD" else ["sh", "-c", *argv]
    return (built or {}).get("healthcheck")


def dockerfile() -> dict[str, dict]:
    """Per build stage (by its AS name): its base image, ENV, CMD, HEALTHCHECK and the
    requirement files its RUN lines install, read from the Dockerfile's own lines."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    stages, stage = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            base, _, name = rest.partition(" AS ")
            stage = stages.setdefault(
                name.strip() or base.strip(),
                {"from": base.strip(), "env": {}, "cmd": [], "healthcheck": None, "lines": []},
            )
            continue
        stage["lines"].append((instruction, rest))
        if instruction == "ENV":
            stage["env"] |= dict(pair.split("=", 1) for pair in shlex.split(rest))
        elif instruction == "CMD":
            stage["cmd"] = yaml.safe_load(rest)
        elif instruction == "HEALTHCHECK":
            stage["healthcheck"] = yaml.safe_load(rest.split(" CMD ", 1)[1])
    return stages


def build_context() -> list[Path]:
    """The files `docker build .` sends, relative to the project: all but what .dockerignore
    excludes, with Docker's reading of it (paths from the context's root, `*` within one
    folder, `**` across any number; an excluded folder takes its contents with it)."""
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!"):
            raise NotImplementedError("exceptions (!) in .dockerignore are not read here")
        regex = re.escape(line.strip("/")).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        patterns.append(re.compile(regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]") + "$"))

    def excluded(relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        return any(pattern.match(prefix) for pattern in patterns for prefix in prefixes)

    found = []
    for folder, subfolders, files in os.walk(ROOT):
        base = Path(folder).relative_to(ROOT)
        subfolders[:] = [name for name in subfolders if not excluded((base / name).as_posix())]
        found += [base / name for name in files if not excluded((base / name).as_posix())]
    return sorted(found)
