import secrets

import psycopg
import pytest

from tests.deployment.stack import Stack
from tests.deployment.visitor import Visitor
from tests.signatures.mail_server import SMTPSink, free_port

_figures: list[str] = []

STAFF_USERNAME, STAFF_PASSWORD = "moderator", "correct horse battery staple"


def pytest_terminal_summary(terminalreporter):
    """The topology tests' figures, shown after every run (not only on failure)."""
    if _figures:
        terminalreporter.section("production topology (tests/deployment)")
        for line in _figures:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def figures():
    return _figures


@pytest.fixture(scope="module")
def mail_sink():
    with SMTPSink(free_port()) as sink:
        yield sink


@pytest.fixture(scope="module")
def stack(mail_sink):
    """docker-compose.yml's services, two mail workers (`--scale worker=2`), and the .env
    a coalition writes: its domain, a secret key, its mail server."""
    dotenv = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_sink.port}",
        "DEFAULT_FROM_EMAIL": "Coalition Letters <letters@example.org>",
    }
    with Stack(dotenv, scale={"worker": 2}) as stack:
        yield stack


@pytest.fixture(scope="module")
def stack_db(stack):
    """A connection to the stack's database, for what a test checks behind the pages."""
    with psycopg.connect(stack.database_url(), autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def moderator(stack):
    """A staff member made as the README says (`manage.py createsuperuser`), logged in to the
    admin through the proxy."""
    created = stack.run(
        "web",
        ["python", "manage.py", "createsuperuser", "--no-input", "--username", STAFF_USERNAME,
         "--email", "moderator@example.org"],
        env={"DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD},
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    visitor = Visitor(stack, source="127.0.0.9")
    login = visitor.get("/admin/login/")
    form = visitor.form(login, containing="username")
    response = visitor.submit(form.set(username=STAFF_USERNAME, password=STAFF_PASSWORD))
    assert response.status_code == 302, response.text
    yield visitor
    visitor.close()
