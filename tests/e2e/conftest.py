import os
from pathlib import Path

import pytest

from tests.e2e.browser import LAUNCH_ARGS, executable_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = executable_path()
    assert path, "No Chromium: install Debian's chromium or run `make browser`."
    # Playwright's sync API runs an event loop in this thread; Django's async-unsafe guard
    # would otherwise refuse the ORM calls the test makes between browser steps.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _browser_fills_fast(settings):
    """Playwright fills a form in milliseconds; people (and the robot check) take seconds."""
    settings.FORM_MIN_FILL_SECONDS = 0


@pytest.fixture
def page(browser):
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Saves a screenshot under test-artifacts/, named for the test and the step."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(step: str):
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
