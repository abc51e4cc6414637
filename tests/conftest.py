import re

import pytest
from django.core import mail

from tests.factories import make_letter, make_staff


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run mail tasks in-process, so a test sees mail as soon as the transaction commits.
    Tests of the worker itself switch back to the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Production insists on HTTPS; the test client and the live server speak plain HTTP.
    Set once for the session, before the live server builds its middleware."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # The live server serves static files from the apps' folders by their plain names;
    # the hashed names of the production manifest storage are checked by collectstatic.
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Also this process's copies of public forms: on SQLite a rolled-back test's letter ids
    (and so their cache keys) come round again."""
    from django.core.cache import cache

    from letters.pages import recent_forms

    cache.clear()
    recent_forms.clear()
    yield
    cache.clear()
    recent_forms.clear()


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
