"""The Caddyfile as the compose file configures it in production (a real domain, the web
replicas found through Docker's DNS), read by Caddy itself: the topology tests run the same
file with loopback values, so this is the one configuration they cannot run here."""

import json
import os
import subprocess

import pytest

from tests.deployment import compose
from tests.deployment.stack import DEV_BIN, PROXY_PATHS


def handlers(config, kind):
    if isinstance(config, dict):
        if config.get("handler") == kind:
            yield config
        for value in config.values():
            yield from handlers(value, kind)
    elif isinstance(config, list):
        for value in config:
            yield from handlers(value, kind)


@pytest.fixture(scope="module")
def production_config():
    proxy = compose.services({"SITE_DOMAIN": "letters.example.org"})["proxy"]
    [caddyfile] = [arg for arg in proxy.command if arg in PROXY_PATHS]
    adapted = subprocess.run(
        [DEV_BIN / "caddy", "adapt", "--config", PROXY_PATHS[caddyfile]],
        env={"PATH": os.environ["PATH"]} | proxy.environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(adapted.stdout)


def test_the_site_is_served_over_https_for_its_domain_on_every_interface(production_config):
    [server] = production_config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"]
    assert server["routes"][0]["match"] == [{"host": ["letters.example.org"]}]
    # No issuer is configured, so Caddy's default applies: a public ACME CA for the domain.
    assert "tls" not in production_config["apps"]


def test_the_proxy_finds_every_web_replica_through_dockers_dns(production_config):
    [proxy] = handlers(production_config, "reverse_proxy")
    assert proxy["dynamic_upstreams"] == {"source": "a", "name": "web", "port": "8000"}
    assert proxy["load_balancing"]["try_duration"] > 0


def test_the_proxy_image_holds_this_caddyfile_and_the_static_files(production_config):
    roots = [vars_["root"] for vars_ in handlers(production_config, "vars")]
    assert roots == ["/srv/static"]
    lines = [f"{kind} {rest}" for kind, rest in compose.dockerfile()["proxy"]["lines"]]
    assert lines == [
        "COPY config/Caddyfile /etc/caddy/Caddyfile",
        "COPY --from=app /app/staticfiles /srv/static",
    ]
