from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from signatures import tokens
from tests.config.broken_deployment import BrokenDeployment, SentryStandIn


@pytest.fixture(scope="session")
def sentry():
    with SentryStandIn() as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def broken_deployment(sentry, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("broken-deployment")
    with BrokenDeployment(workdir, secret_key=settings.SECRET_KEY, sentry_dsn=sentry.dsn) as server:
        yield server


@pytest.fixture
def private_link():
    """A signer's confirmation link, valid for the deployment (it shares the secret key)."""
    token = tokens.make_token(SimpleNamespace(pk=7), tokens.CONFIRM)
    return token, reverse("signatures:confirm", args=[token])
