"""Browser tests: Debian's Chromium driven by Playwright, against the live test server.

Playwright's sync API runs an event loop in this thread, so Django must be told
that ORM calls here are safe (they are: the server runs in its own thread).
"""

import os
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from knowledgebase.core.countries import load_iso_countries
from knowledgebase.core.models import Country
from knowledgebase.core.workflow_groups import sync_workflow_groups

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with the demo content loaded, as `make demo` loads it.

    Transactional tests flush every table afterwards, rows of data migrations
    included, so the reference rows those migrations create are restored first.
    """
    load_iso_countries(Country)
    sync_workflow_groups(django_apps)
    call_command("load_demo", verbosity=0)
    return live_server.url


class ConsoleErrors(list):
    def watch(self, page):
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(str(error)))
        return page


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors = ConsoleErrors()
    page = errors.watch(context.new_page())
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
