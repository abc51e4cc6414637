import re

import pytest
from django.core import mail

from tests.factories import make_letter, make_staff


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run mail tasks in-process, so a test sees mail as soon as the transaction commits.
    Tests of the worker itself switch back to the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def letter(db):
    return make_letter()


@pytest.fixture
def staff(db):
    return make_staff()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


LINK = re.compile(r"https?://\S+")


def links_in(message) -> list[str]:
    """The absolute links in a sent mail's body."""
    return LINK.findall(message.body)


@pytest.fixture
def outbox():
    return mail.outbox
