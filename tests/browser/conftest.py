"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against live_server."""

import os

import pytest

from tests import factories as f
from tests.services import CHROMIUM_ARGS, chromium_path

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log in through the real form: login(username) -> the page after the redirect."""

    def _login(username, password=f.PASSWORD):
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login


def axe_violations(page, disable=()):
    """Run axe-core (bundled with axe-playwright-python) on the page; return the violations with their nodes."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    results = Axe().run(page, options=options)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results.response["violations"]
    ]


@pytest.fixture
def assert_accessible(page):
    def _check(disable=()):
        violations = axe_violations(page, disable=disable)
        assert violations == [], f"axe violations on {page.url}: {violations}"

    return _check
